"""Translated text for API messages: `_("Visit %(id)s not found", id=5)`, in the reader's language.

Every user-facing message goes through `_`; Flask-Babel picks the language per request: the signed-in
user's own choice (users.language), else the request's Accept-Language, else English. Welsh lives in
server/translations/cy/LC_MESSAGES/messages.po, read straight from the .po when first needed, so there
is no compiled .mo to forget or to fall out of date. Outside a request (CLI, scheduler) messages are English.
"""
from __future__ import annotations

from collections.abc import Callable
from functools import cache
from io import BytesIO
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import NullTranslations, Translations
from flask import current_app, g, has_request_context, request
from flask_babel import Babel, Domain
from flask_jwt_extended import get_jwt, verify_jwt_in_request
from flask_jwt_extended.exceptions import JWTExtendedException
from jwt import PyJWTError
from sqlalchemy.exc import SQLAlchemyError

LANGUAGES = ("en", "cy")
DEFAULT_LANGUAGE = "en"
TRANSLATIONS_DIR = Path(__file__).resolve().parent / "translations"
DOMAIN = "messages"


def po_path(language: str) -> Path:
    return TRANSLATIONS_DIR / language / "LC_MESSAGES" / f"{DOMAIN}.po"


@cache
def _translations(language: str) -> NullTranslations:
    """The language's catalogue, compiled in memory once per process; English is the msgids themselves."""
    path = po_path(language)
    if not path.exists():
        return NullTranslations()
    with path.open("rb") as po:
        catalog = read_po(po, locale=language)
    compiled = BytesIO()
    write_mo(compiled, catalog)
    compiled.seek(0)
    return Translations(compiled, domain=DOMAIN)


class PoDomain(Domain):
    """Flask-Babel's domain, fed from the .po files rather than compiled .mo files."""

    def get_translations(self):
        if not has_request_context():
            return NullTranslations()
        return _translations(request_language())


domain = PoDomain(translation_directories=[str(TRANSLATIONS_DIR)], domain=DOMAIN)
babel = Babel()


def _token_claims() -> dict:
    """The request's verified token: the one the view already checked, else checked now (a request refused before
    its view, say for bad input, still has a reader). The check may itself need a message (a refused API client
    token): that inner message is chosen without a user, so the check never recurses."""
    from server.errors import ApiError

    claims = g.get("_jwt_extended_jwt")
    if claims or getattr(request, "_caremon_checking_token", False):
        return claims or {}
    request._caremon_checking_token = True
    try:
        verify_jwt_in_request(optional=True)
        return get_jwt()
    except (JWTExtendedException, PyJWTError, ApiError):
        return {}
    finally:
        request._caremon_checking_token = False


def _user_language() -> str | None:
    """The signed-in person's choice; None for anonymous callers, API clients and tokens that fail their check."""
    from server.extensions import db

    try:
        claims = _token_claims()  # the token's check reads the blocklist
        if not claims.get("sub") or "api_client_id" in claims:
            return None
        return current_app.extensions["caremon_user_language"](int(claims["sub"]))
    except SQLAlchemyError:  # the database is down: the answer (a 503) still needs words
        db.session.rollback()
        return None


def _browser_language() -> str | None:
    """The first of the reader's languages (by preference) that we have: "cy-GB" is Welsh. werkzeug's best_match
    would take an exact "en;q=0.5" over the preferred "cy-GB"."""
    for value, _quality in request.accept_languages:
        primary = value.split("-")[0].lower()
        if primary in LANGUAGES:
            return primary
    return None


def request_language() -> str:
    """Chosen when the request first translates a message, so successful requests pay nothing for it; kept on
    the request (Flask-Babel keeps its own on `g`, which outlives a request in an app context held open)."""
    chosen = getattr(request, "_caremon_language", None)
    if chosen is None:
        chosen = _user_language() or _browser_language() or DEFAULT_LANGUAGE
        request._caremon_language = chosen
    return chosen


def init_app(app, user_language: Callable[[int], str | None]) -> None:
    """user_language(user_id) reads a person's own choice where users live (auth), which sits above this module."""
    app.extensions["caremon_user_language"] = user_language
    babel.init_app(app, default_locale=DEFAULT_LANGUAGE, default_domain=DOMAIN,
                   default_translation_directories=str(TRANSLATIONS_DIR), locale_selector=request_language)


def _(message: str, **values) -> str:
    """The message in the request's language, with %(name)s placeholders filled from values."""
    return domain.gettext(message, **values)


def N_(message: str) -> str:  # noqa: N802  (gettext's own name for "mark for extraction, translate later")
    """Marks a message for the catalogue where it is translated later, by `_(variable)`."""
    return message
