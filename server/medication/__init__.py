"""Medication at the visit (eMAR): each client's medication list, the doses due at a visit, and what was given."""
