"""The open provider feed: other systems of a provider send their clients, workers, planned visits and carers'
events, authenticated as API clients of that provider."""
