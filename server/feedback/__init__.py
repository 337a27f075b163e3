"""What families see of their relative's care and what they say back: ratings of delivered visits, the care log
(where the client agrees), and messages to the provider's office."""
