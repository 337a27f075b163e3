"""Field types every domain's schemas share, the base class of every schema, and the base of output schemas
derived from a model.

Times and dates are held to the years 1900..2200 (EARLIEST, LATEST). Nothing Caremon records
happens outside them, so a time there is a typo or a broken phone clock; and at the far ends of
Python's range (years 1 and 9999) turning a time to UTC, to local time or into the next day
overflows, which would otherwise surface as a 500 or a broken export instead of a 422 naming the field.
"""
from collections.abc import Mapping
from datetime import datetime, timezone
from typing import ClassVar

import marshmallow
from marshmallow import ValidationError, fields, pre_load, validate, validates_schema
from marshmallow_sqlalchemy import ModelConverter, SQLAlchemyAutoSchema

from server.i18n import N_, _

NUL_MESSAGE = N_("Text may not contain the NUL character (\\u0000)")


class Schema(marshmallow.Schema):
    """Base of every schema: text holding a NUL character is invalid. PostgreSQL cannot store one in a text
    column (SQLite would), so both databases refuse it the same way, before any write."""

    @pre_load
    def _refuse_nul(self, data, **_kwargs):
        if not isinstance(data, Mapping):
            return data
        errors = {}
        for name, field in self.load_fields.items():
            key = field.data_key or name
            if key in data and _holds_nul(field, data[key]):
                errors[key] = [_(NUL_MESSAGE)]
        if errors:
            raise ValidationError(errors)
        return data


class OutputConverter(ModelConverter):
    """A column's field for output: its type, and None allowed where the column is nullable. Rules for input
    (required, lengths, choices) belong to the input schemas, and would only mislead the API document here."""

    def _add_column_kwargs(self, kwargs, column):
        super()._add_column_kwargs(kwargs, column)
        kwargs.pop("required", None)
        kwargs["validate"] = []


class ModelSchema(SQLAlchemyAutoSchema, Schema):
    """An output schema derived from a model: `Meta.fields` lists, in order, what it shows; a column's field comes
    from the model, and a field declared on the class (a description, a value computed or from a relation) overrides
    it. Subclass Meta from `ModelSchema.Meta` and name the model. Datetimes come out as the UTC columns hold them,
    in ISO 8601 with the +00:00 offset."""

    class Meta:
        model_converter = OutputConverter
        include_fk = True
        load_instance = False


def _holds_nul(field: fields.Field, value) -> bool:
    """Text fields, and lists of them, are checked here; a nested schema checks its own fields, and a free
    dict is checked by whoever loads it (a sync item is loaded, and refused, alone)."""
    if isinstance(field, fields.String):
        return isinstance(value, str) and "\x00" in value
    if isinstance(field, fields.List) and isinstance(value, list):
        return any(_holds_nul(field.inner, item) for item in value)
    return False


EARLIEST = datetime(1900, 1, 1, tzinfo=timezone.utc)
LATEST = datetime(2201, 1, 1, tzinfo=timezone.utc)  # exclusive: the last moment of 2200 is allowed
OUT_OF_RANGE = "Must be in the years 1900 to 2200"


class AwareDateTime(fields.AwareDateTime):
    """ISO 8601 with an offset, required (a bare local time from a phone is ambiguous), loaded as UTC."""

    default_error_messages: ClassVar[dict[str, str]] = {"range": OUT_OF_RANGE}

    def _deserialize(self, value, attr, data, **kwargs):
        moment = super()._deserialize(value, attr, data, **kwargs)
        try:
            moment = moment.astimezone(timezone.utc)
        except OverflowError:  # 0001-01-01T00:00+14:00 is a time before year 1 in UTC
            raise self.make_error("range") from None
        if not EARLIEST <= moment < LATEST:
            raise self.make_error("range")
        return moment


class LocalDate(fields.Date):
    """A council's local date, as a filter or a day to act on."""

    default_error_messages: ClassVar[dict[str, str]] = {"range": OUT_OF_RANGE}

    def _deserialize(self, value, attr, data, **kwargs):
        day = super()._deserialize(value, attr, data, **kwargs)
        if not EARLIEST.date() <= day < LATEST.date():
            raise self.make_error("range")
        return day


# The largest 64-bit key: a bigger id can name no row, and the database would raise on it rather than find nothing.
MAX_KEY = 2**63 - 1


def key(strict: bool = True, **kwargs) -> fields.Integer:
    """A row id in a body (strict: 1.5 is refused, not truncated to 1) or, with strict=False, in a query string."""
    return fields.Integer(strict=strict, validate=validate.Range(1, MAX_KEY), **kwargs)


def latitude(**kwargs) -> fields.Float:
    return fields.Float(validate=validate.Range(-90, 90), **kwargs)


def longitude(**kwargs) -> fields.Float:
    return fields.Float(validate=validate.Range(-180, 180), **kwargs)


# A payer's code for a service: HCPCS "T1019", or with modifiers "T1019 U2", "S5125:UA"; at most 32 characters.
SERVICE_CODE_PATTERN = r"^[A-Za-z0-9]+([ :.-][A-Za-z0-9]+)*$"


def service_code(**kwargs) -> fields.String:
    """A payer's service code; None (or leaving it out) on a visit means the code of its care package."""
    metadata = {"description": "Payer's service code, e.g. HCPCS \"T1019\" or \"S5125\"", "example": "T1019",
                **kwargs.pop("metadata", {})}
    kwargs.setdefault("allow_none", True)
    return fields.String(validate=[validate.Length(1, 32), validate.Regexp(SERVICE_CODE_PATTERN)],
                         metadata=metadata, **kwargs)


# A kind of visit as rule sets name it in [fixed_fees.<visit_type>]: "medication_prompt", "sleep_in".
VISIT_TYPE_PATTERN = r"^[a-z][a-z0-9_]{0,31}$"


def visit_type(**kwargs) -> fields.String:
    """A visit's type; None (or leaving it out) is an ordinary visit, paid by its minutes."""
    metadata = {"description": "Kind of visit, lower-case words joined by _, e.g. \"medication_prompt\", \"sleep_in\"; "
                               "a rule set may pay it a fixed fee whatever its length", "example": "medication_prompt",
                **kwargs.pop("metadata", {})}
    kwargs.setdefault("allow_none", True)
    return fields.String(validate=validate.Regexp(VISIT_TYPE_PATTERN), metadata=metadata, **kwargs)


DECIMAL_PATTERN = r"^-?[0-9]+(\.[0-9]+)?$"


def decimal_string(**kwargs) -> fields.Decimal:
    """An exact decimal (a pay multiplier) sent as a string such as "1.5", so no float rounds it on the way."""
    metadata = {"type": "string", "format": "decimal", "pattern": DECIMAL_PATTERN, **kwargs.pop("metadata", {})}
    return fields.Decimal(as_string=True, metadata=metadata, **kwargs)


class LocalPeriodSchema(Schema):
    """A period of the council's local dates, both ends inclusive; max_days bounds the work one request asks for."""

    max_days = 366
    date_from = LocalDate(required=True, metadata={"description": "First local date (council's time zone)"})
    date_to = LocalDate(required=True, metadata={"description": "Last local date, inclusive"})

    @validates_schema
    def _period(self, data, **_kwargs):
        if data["date_to"] < data["date_from"]:
            raise ValidationError(_("date_to is before date_from"), "date_to")
        if (data["date_to"] - data["date_from"]).days >= self.max_days:
            raise ValidationError(_("A period covers at most %(days)s days", days=self.max_days), "date_to")
