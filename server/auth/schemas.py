from marshmallow import fields, validate

from server.schemas import Schema


class LoginSchema(Schema):
    email = fields.Email(required=True, validate=validate.Length(max=254))
    password = fields.String(required=True, validate=validate.Length(min=1, max=200))


class LogoutSchema(Schema):
    refresh_token = fields.String(load_default=None, validate=validate.Length(max=2000))


class UserSchema(Schema):
    id = fields.Integer()
    email = fields.String()
    name = fields.String()
    role = fields.String()
    provider_id = fields.Integer(allow_none=True)
    council_id = fields.Integer(allow_none=True)
    worker_id = fields.Integer(allow_none=True)


class TokensSchema(Schema):
    access_token = fields.String()
    refresh_token = fields.String()
    user = fields.Nested(UserSchema)


class AccessTokenSchema(Schema):
    access_token = fields.String()
