"""Signals the visits domain sends, so domains built on it can take part without visits importing them."""
from blinker import Namespace

_signals = Namespace()

# Sent with the visit before a new check-out is stored; a receiver refuses it by raising an ApiError.
before_check_out = _signals.signal("before-check-out")
# Sent with the visit when a carer's check-in or check-out was outside the geofence (now, worker_id, detail).
outside_geofence = _signals.signal("outside-geofence")
# Sent with the visit when a coordinator entered a carer's real times, settling their exceptions (now, worker_id).
times_corrected = _signals.signal("times-corrected")
# Sent with the visit when a coordinator resolved one of its exceptions (exception, now).
exception_resolved = _signals.signal("exception-resolved")
# Sent with the visit when its last carer checked out and it became completed (now).
completed = _signals.signal("completed")
# Sent with the visit when it was cancelled: nobody is coming by design (now).
cancelled = _signals.signal("cancelled")
# Sent with a page of visits about to be listed; receivers attach what they know of each.
listed = _signals.signal("listed")
# Sent with a carer's run of visits about to be listed; receivers attach what the carer needs at each.
run_listed = _signals.signal("run-listed")
# Sent with the visit before progress on an outcome is stored (outcome_id); receivers answer whether it is an
# active outcome of the visit's client, and without a yes the progress is refused.
outcome_chosen = _signals.signal("outcome-chosen")
