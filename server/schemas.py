"""Field types every domain's schemas share."""
from datetime import timezone

from marshmallow import fields, validate


class AwareDateTime(fields.AwareDateTime):
    """ISO 8601 with an offset, required (a bare local time from a phone is ambiguous), loaded as UTC."""

    def _deserialize(self, value, attr, data, **kwargs):
        return super()._deserialize(value, attr, data, **kwargs).astimezone(timezone.utc)


def latitude(**kwargs) -> fields.Float:
    return fields.Float(validate=validate.Range(-90, 90), **kwargs)


def longitude(**kwargs) -> fields.Float:
    return fields.Float(validate=validate.Range(-180, 180), **kwargs)
