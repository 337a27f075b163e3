from flask import current_app
from marshmallow import ValidationError, fields, post_load, validate
from marshmallow_sqlalchemy import auto_field

from server.auth import policy
from server.auth.models import STAFF, Role, User
from server.i18n import LANGUAGES
from server.schemas import ModelSchema, Schema


def _meets_policy(password: str) -> None:
    settings = current_app.config["CAREMON"]
    found = policy.problems(password, min_length=settings["password_min_length"],
                            min_score=settings["password_min_score"])
    if found:
        raise ValidationError(found)


def new_password(**kwargs) -> fields.String:
    """A password being chosen through the API, held to the password policy (server/auth/policy.py)."""
    metadata = {"description": "At least password_min_length characters (10 unless configured), not easy to guess",
                "maxLength": policy.MAX_LENGTH}
    extra = kwargs.pop("metadata", {})
    if "description" in extra:
        metadata["description"] += f". {extra.pop('description')}"
    return fields.String(load_only=True, validate=_meets_policy, **kwargs, metadata={**metadata, **extra})


class LoginSchema(Schema):
    email = fields.Email(required=True, validate=validate.Length(max=254))
    password = fields.String(required=True, validate=validate.Length(min=1, max=200))

    @post_load
    def _one_spelling(self, data, **_kwargs):
        data["email"] = data["email"].lower()
        return data


class LogoutSchema(Schema):
    refresh_token = fields.String(load_default=None, validate=validate.Length(max=2000))


class PasswordChangeSchema(Schema):
    current_password = fields.String(required=True, load_only=True, validate=validate.Length(min=1, max=200))
    new_password = new_password(required=True)


class PasswordResetSchema(Schema):
    token = fields.String(required=True, load_only=True, validate=validate.Length(min=1, max=200))
    new_password = new_password(required=True)


class UserSchema(ModelSchema):
    class Meta(ModelSchema.Meta):
        model = User
        fields = ("id", "email", "name", "role", "provider_id", "council_id", "worker_id", "language")

    language = auto_field(metadata={
        "description": "The user's language: en (English) or cy (Cymraeg); null until they choose one"})


class LanguageChoiceSchema(Schema):
    """What a signed-in person may change about their own login."""

    language = fields.String(required=True, validate=validate.OneOf(LANGUAGES))


class ManagedUserSchema(UserSchema):
    """A login as its administrator sees and changes it."""

    class Meta(UserSchema.Meta):
        fields = (*UserSchema.Meta.fields, "active")

    id = fields.Integer(dump_only=True)
    email = fields.String(dump_only=True)
    name = fields.String(dump_only=True)
    role = fields.String(validate=validate.OneOf(tuple(Role)))
    provider_id = fields.Integer(dump_only=True, allow_none=True)
    council_id = fields.Integer(dump_only=True, allow_none=True)
    worker_id = fields.Integer(dump_only=True, allow_none=True)
    language = fields.String(dump_only=True, allow_none=True)  # each person chooses their own (PATCH /auth/me)
    active = fields.Boolean()


class ResetIssuedSchema(Schema):
    expires_at = fields.DateTime()


class TokensSchema(Schema):
    access_token = fields.String()
    refresh_token = fields.String()
    user = fields.Nested(UserSchema)


class AccessTokenSchema(Schema):
    access_token = fields.String()


class StaffInviteSchema(Schema):
    """A coordinator or provider admin the admin invites into their provider."""

    email = fields.Email(required=True, load_only=True, validate=validate.Length(max=254))
    name = fields.String(required=True, load_only=True, validate=validate.Length(1, 200))
    role = fields.String(required=True, load_only=True, validate=validate.OneOf(sorted(STAFF)))


class UserListQuerySchema(Schema):
    role = fields.String(load_default=None, validate=validate.OneOf(tuple(Role)))
