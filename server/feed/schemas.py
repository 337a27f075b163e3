"""The feed's request and answer shapes. Batches check only their outline; each item is loaded alone by its
schema here, so a bad item is that item's answer (rejected), never the batch's. The JSON Schema files in
json_schemas/ publish the same shapes to vendors; a test holds the two together."""
from marshmallow import ValidationError, fields, validate, validates_schema

from device_sync.protocol import SETTLED
from server.feed.models import SCOPES, ApiClient, UpsertStatus
from server.i18n import _
from server.schemas import (
    AwareDateTime,
    LocalDate,
    ModelSchema,
    Schema,
    key,
    latitude,
    longitude,
    service_code,
    visit_type,
)
from server.visits.schemas import MAX_CARERS, MAX_TASKS, EventInSchema


def external_ref(**kwargs) -> fields.String:
    """A provider's own reference for a record: any text its system uses, unique per provider and kind."""
    return fields.String(validate=validate.Length(1, 64), **kwargs)


class ApiClientInSchema(Schema):
    name = fields.String(required=True, validate=validate.Length(1, 100))
    scopes = fields.List(fields.String(validate=validate.OneOf(SCOPES)), load_default=lambda: list(SCOPES),
                         validate=validate.Length(1, len(SCOPES)))


class ApiClientSchema(ModelSchema):
    class Meta(ModelSchema.Meta):
        model = ApiClient
        fields = ("id", "name", "client_id", "scopes", "created_at", "rotated_at", "revoked_at")

    scopes = fields.List(fields.String())


class ApiClientSecretSchema(ApiClientSchema):
    class Meta(ApiClientSchema.Meta):
        fields = (*ApiClientSchema.Meta.fields, "client_secret")

    client_secret = fields.String(metadata={"description": "Shown this once; only its hash is kept"})


class TokenRequestSchema(Schema):
    """RFC 6749 §4.4 client credentials, form-encoded (or JSON); the credentials may come in HTTP Basic instead."""

    grant_type = fields.String(required=True, validate=validate.Equal("client_credentials"))
    client_id = fields.String(validate=validate.Length(max=100))
    client_secret = fields.String(validate=validate.Length(max=200))
    scope = fields.String(validate=validate.Length(max=200), metadata={"description": "Space-separated subset"})


class TokenSchema(Schema):
    access_token = fields.String()
    token_type = fields.String(metadata={"description": "Always Bearer"})
    expires_in = fields.Integer(metadata={"description": "Seconds"})
    scope = fields.String(metadata={"description": "Space-separated scopes granted"})


class OAuthErrorSchema(Schema):
    """RFC 6749 §5.2: on this one endpoint `error` is a string, as OAuth2 client libraries expect."""

    error = fields.String()
    error_description = fields.String()


class FeedBatchSchema(Schema):
    items = fields.List(fields.Dict(), required=True, metadata={
        "description": "At most feed_max_items (5,000 by default); each item is answered on its own"})


class CarePackageInSchema(Schema):
    weekly_minutes = fields.Integer(strict=True, required=True, validate=validate.Range(0, 10080))
    flex_weeks = fields.Integer(strict=True, load_default=1, validate=validate.Range(1, 12))
    starts_on = LocalDate(required=True)
    ends_on = LocalDate(load_default=None, allow_none=True)
    service_code = service_code(load_default=None)


class ClientItemSchema(Schema):
    ref = external_ref(required=True)
    contract_reference = fields.String(required=True, validate=validate.Length(1, 64),
                                       metadata={"description": "The reference of one of the provider's contracts"})
    name = fields.String(required=True, validate=validate.Length(1, 200))
    address = fields.String(required=True, validate=validate.Length(1, 400))
    postcode = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=16))
    lat = latitude(required=True)
    lon = longitude(required=True)
    access_notes = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=4000))
    active = fields.Boolean(load_default=True)
    care_package = fields.Nested(CarePackageInSchema, load_default=None, allow_none=True)


class WorkerItemSchema(Schema):
    ref = external_ref(required=True)
    name = fields.String(required=True, validate=validate.Length(1, 200))
    staff_ref = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=64))
    phone = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=32))
    active = fields.Boolean(load_default=True)


class VisitItemSchema(Schema):
    ref = external_ref(required=True)
    client_ref = external_ref(required=True)
    worker_refs = fields.List(external_ref(), load_default=list, validate=validate.Length(max=MAX_CARERS))
    planned_start = AwareDateTime(required=True)
    planned_minutes = fields.Integer(strict=True, required=True, validate=validate.Range(1, 1440))
    carers_required = fields.Integer(strict=True, load_default=None, validate=validate.Range(1, MAX_CARERS))
    tasks = fields.List(fields.String(validate=validate.Length(1, 200)), load_default=list,
                        validate=validate.Length(max=MAX_TASKS))
    cancel_reason = fields.String(load_default=None, allow_none=True, validate=validate.Length(1, 200),
                                  metadata={"description": "Set to cancel the visit"})
    service_code = service_code(load_default=None)
    visit_type = visit_type(load_default=None)


class FeedEventItemSchema(EventInSchema):
    """A visit event as the app sends it, naming the carer and the visit by the provider's references."""

    worker_ref = external_ref(required=True)
    visit_ref = external_ref(load_default=None)
    visit_id = key(load_default=None)

    @validates_schema
    def _one_visit(self, data, **_kwargs):
        if (data.get("visit_ref") is None) == (data.get("visit_id") is None):
            raise ValidationError(_("Give visit_ref or visit_id, not both"), "visit_ref")


class UpsertResultSchema(Schema):
    ref = fields.String(allow_none=True)
    status = fields.String(validate=validate.OneOf(tuple(UpsertStatus)))
    id = fields.Integer(allow_none=True)
    error = fields.Dict()


class UpsertAnswerSchema(Schema):
    results = fields.Nested(UpsertResultSchema, many=True)


class FeedEventResultSchema(Schema):
    idempotency_key = fields.String(allow_none=True)
    status = fields.String(validate=validate.OneOf(SETTLED))
    id = fields.Integer(allow_none=True)
    flags = fields.List(fields.String())
    error = fields.Dict()


class FeedEventAnswerSchema(Schema):
    server_time = fields.DateTime()
    results = fields.Nested(FeedEventResultSchema, many=True)


class ImportQuerySchema(Schema):
    kind = fields.String(required=True, validate=validate.OneOf(("clients", "workers", "visits")))
    dry_run = fields.Boolean(load_default=False, metadata={"description": "Report what would happen; store nothing"})


class ImportResultSchema(UpsertResultSchema):
    line = fields.Integer(metadata={"description": "The row's line in the file (the header is line 1)"})


class ImportReportSchema(Schema):
    kind = fields.String()
    dry_run = fields.Boolean()
    rows = fields.Integer()
    accepted = fields.Integer(metadata={"description": "Rows created, updated, unchanged or held"})
    rejected = fields.Integer()
    counts = fields.Dict(keys=fields.String(), values=fields.Integer(), metadata={"description": "Rows by status"})
    results = fields.Nested(ImportResultSchema, many=True, metadata={
        "description": "Every row in file order; a dry run gives no ids"})
