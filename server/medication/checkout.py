"""The contract option require_doses_before_checkout: no check-out while a dose due at the visit has no record."""
from __future__ import annotations

from server.errors import ApiError
from server.i18n import _
from server.medication.queries import doses_due, records_by_visit, unrecorded
from server.visits.signals import before_check_out


def _label(dose) -> str:
    return f"{dose.version.name} ({dose.slot})"


@before_check_out.connect
def refuse_check_out(visit, **_kwargs):
    if not visit.contract.require_doses_before_checkout:
        return
    left = unrecorded(doses_due([visit])[visit.id], records_by_visit([visit.id])[visit.id])
    if left:
        raise ApiError(409, "doses_not_recorded",
                       _("Record every dose due before checking out; not yet recorded: %(doses)s",
                         doses=", ".join(map(_label, left))),
                       {"doses": [{"medication_id": d.medication_id, "name": d.version.name, "slot": d.slot}
                                  for d in left]})
