"""Signals the visits domain sends, so domains built on it can take part without visits importing them."""
from blinker import Namespace

_signals = Namespace()

# Sent with the visit before a new check-out is stored; a receiver refuses it by raising an ApiError.
before_check_out = _signals.signal("before-check-out")
