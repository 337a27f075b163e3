"""Where a webhook may post: an https URL on a public host, checked as push endpoints are (notify/endpoints.py),
when registered and again before each delivery, since DNS may have changed in between.

The test-only setting webhooks_allow_http_local also lets plain http to this machine's loopback address
through, so tests can run a receiver without a certificate.
"""
from __future__ import annotations

from urllib.parse import urlsplit

from server.errors import ApiError
from server.i18n import N_
from server.notify import endpoints
from server.notify.endpoints import NotPublic, Unresolvable

LOOPBACK_HOSTS = ("127.0.0.1", "localhost", "::1")
WHAT = N_("webhook URL")


def _local_http(url: str) -> bool:
    parts = urlsplit(url)
    return parts.scheme == "http" and parts.hostname in LOOPBACK_HOSTS


def check(url: str, settings: dict) -> None:
    """Raise NotPublic (no retry helps) or Unresolvable (worth a retry), or return."""
    if settings["webhooks_allow_http_local"] and _local_http(url):
        return
    endpoints.check(url, what=WHAT)


def check_registered(url: str, settings: dict) -> None:
    """The check at registration: a URL that fails it is refused with 422 and nothing is stored."""
    try:
        check(url, settings)
    except NotPublic as exc:
        raise ApiError(422, "webhook_url_not_public", str(exc), {"fields": {"url": [str(exc)]}}) from None
    except Unresolvable as exc:
        raise ApiError(422, "webhook_url_unresolvable", str(exc), {"fields": {"url": [str(exc)]}}) from None
