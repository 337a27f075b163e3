"""Flask extensions, created unbound so every package can import them without the app."""
from apispec.ext.marshmallow import MarshmallowPlugin
from apispec.ext.marshmallow.common import resolve_schema_cls
from flask_jwt_extended import JWTManager
from flask_migrate import Migrate
from flask_smorest import Api
from flask_sqlalchemy import SQLAlchemy
from sqlalchemy import MetaData
from sqlalchemy.orm import DeclarativeBase

from server.errors import ErrorSchema
from server.openapi import CommonErrors


class Base(DeclarativeBase):
    # Named constraints keep Alembic migrations identical on SQLite and PostgreSQL.
    metadata = MetaData(
        naming_convention={
            "ix": "ix_%(column_0_label)s",
            "uq": "uq_%(table_name)s_%(column_0_name)s",
            "ck": "ck_%(table_name)s_%(constraint_name)s",
            "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
            "pk": "pk_%(table_name)s",
        }
    )


db = SQLAlchemy(model_class=Base)
jwt = JWTManager()
def _schema_name(schema) -> str:
    """Distinct OpenAPI names for a schema and its partial (PATCH) form."""
    name = resolve_schema_cls(schema).__name__.removesuffix("Schema")
    return f"{name}Patch" if getattr(schema, "partial", False) else name


class CaremonApi(Api):
    # Every documented error answer (the default and each status flask-smorest names) has errors.py's shape.
    ERROR_SCHEMA = ErrorSchema


api = CaremonApi(spec_kwargs={"marshmallow_plugin": MarshmallowPlugin(schema_name_resolver=_schema_name),
                              "extra_plugins": [CommonErrors()]})
migrate = Migrate()
