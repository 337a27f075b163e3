"""Field types every domain's schemas share."""
from datetime import datetime, timezone

from marshmallow import Schema, ValidationError, fields, validate, validates_schema


class AwareDateTime(fields.AwareDateTime):
    """ISO 8601 with an offset, required (a bare local time from a phone is ambiguous), loaded as UTC.

    From 1970, where a phone whose clock was reset stands (kept, so its offset is measured), to 2100.
    Outside that a time is a typo, shown in local time it may carry an offset in seconds no reader
    parses, and near years 1 and 9999 an offset moves it past what a datetime holds.
    """

    earliest = datetime(1970, 1, 1, tzinfo=timezone.utc)
    latest = datetime(2100, 1, 1, tzinfo=timezone.utc)

    def _deserialize(self, value, attr, data, **kwargs):
        moment = super()._deserialize(value, attr, data, **kwargs)
        try:
            moment = moment.astimezone(timezone.utc)
        except OverflowError:
            moment = None
        if moment is None or not self.earliest <= moment < self.latest:
            raise ValidationError(f"Must fall in the years {self.earliest.year} to {self.latest.year - 1}")
        return moment


# The largest 64-bit key: a bigger id can name no row, and the database would raise on it rather than find nothing.
MAX_KEY = 2**63 - 1


def key(strict: bool = True, **kwargs) -> fields.Integer:
    """A row id in a body (strict: 1.5 is refused, not truncated to 1) or, with strict=False, in a query string."""
    return fields.Integer(strict=strict, validate=validate.Range(1, MAX_KEY), **kwargs)


def latitude(**kwargs) -> fields.Float:
    return fields.Float(validate=validate.Range(-90, 90), **kwargs)


def longitude(**kwargs) -> fields.Float:
    return fields.Float(validate=validate.Range(-180, 180), **kwargs)


DECIMAL_PATTERN = r"^-?[0-9]+(\.[0-9]+)?$"


def decimal_string(**kwargs) -> fields.Decimal:
    """An exact decimal (a pay multiplier) sent as a string such as "1.5", so no float rounds it on the way."""
    metadata = {"type": "string", "format": "decimal", "pattern": DECIMAL_PATTERN, **kwargs.pop("metadata", {})}
    return fields.Decimal(as_string=True, metadata=metadata, **kwargs)


class LocalPeriodSchema(Schema):
    """A period of the council's local dates, both ends inclusive; max_days bounds the work one request asks for."""

    max_days = 366
    date_from = fields.Date(required=True, metadata={"description": "First local date (council's time zone)"})
    date_to = fields.Date(required=True, metadata={"description": "Last local date, inclusive"})

    @validates_schema
    def _period(self, data, **_):
        if data["date_to"] < data["date_from"]:
            raise ValidationError("date_to is before date_from", "date_to")
        if (data["date_to"] - data["date_from"]).days >= self.max_days:
            raise ValidationError(f"A period covers at most {self.max_days} days", "date_to")
