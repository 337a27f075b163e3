"""Signals the auth domain sends, so domains built on it can take part without auth importing them."""
from blinker import Namespace

_signals = Namespace()

# Sent with the user when a one-time link to choose a password was issued, the email already worded
# (kind: password_reset or invitation, subject, body, dedupe_key, now); notify queues it in its outbox.
link_issued = _signals.signal("link-issued")
