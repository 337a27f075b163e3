"""Signals the medication domain sends, so domains built on it can take part without medication importing them."""
from blinker import Namespace

_signals = Namespace()

# Sent with the visit when every time-critical dose due at it has a record (now).
critical_doses_recorded = _signals.signal("critical-doses-recorded")
