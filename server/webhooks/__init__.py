"""Webhooks: signed deliveries of visit, alert and period events to a provider's or a council's own systems."""
