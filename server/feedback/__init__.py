"""Families saying how a visit went; coordinators and commissioners read it beside the visit's record."""
