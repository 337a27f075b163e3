"""Planning a provider's day: assigning visits to carers within every hard rule, with the least travel."""
