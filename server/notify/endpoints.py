"""Where Web Push (and a webhook) may post: an https URL on a public host, checked when registered and before each send.

The server posts to whatever endpoint a browser registers, so a forged subscription could point it at
its own network (a cloud metadata service, an admin port on localhost). The host is resolved and every
address it resolves to must be global: not loopback, private, link-local, multicast or reserved. The
check is repeated at send time because DNS may have changed since registration; the send itself does
not follow redirects (channels.PushChannel), which could lead back inside.
"""
from __future__ import annotations

import ipaddress
from socket import SOCK_STREAM, gaierror, getaddrinfo
from urllib.parse import urlsplit

from server.i18n import N_, _
from server.notify.sender import Undeliverable


class NotPublic(Undeliverable):
    """The endpoint is not https, or its host resolves to an address inside a private network."""


class Unresolvable(OSError):
    """The host does not resolve now; at send time that is worth a retry, not a failure."""


def public(address: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    if not address.is_global or address.is_multicast or address.is_reserved:
        return False
    if isinstance(address, ipaddress.IPv6Address):  # IPv4 carried inside IPv6 must be public too
        inner = address.ipv4_mapped or address.sixtofour or (address.teredo and address.teredo[1])
        return inner is None or public(inner)
    return True


def check(url: str, what: str = N_("push endpoint")) -> None:
    """Raise NotPublic or Unresolvable, or return when every address of the URL's host is public; `what` names
    the URL in the messages (webhooks share the check)."""
    parts, what = urlsplit(url), _(what)
    try:
        port = parts.port or 443
    except ValueError:
        raise NotPublic(_("The %(what)s has an invalid port", what=what)) from None
    if parts.scheme != "https" or not parts.hostname:
        raise NotPublic(_("The %(what)s must be an https URL", what=what))
    try:
        infos = getaddrinfo(parts.hostname, port, type=SOCK_STREAM)
    except (gaierror, UnicodeError) as exc:
        raise Unresolvable(_("The %(what)s host %(host)s does not resolve: %(reason)s", what=what,
                                         host=parts.hostname, reason=exc)) from None
    for *_info, sockaddr in infos:
        address = ipaddress.ip_address(sockaddr[0].split("%")[0])  # drop an IPv6 scope id
        if not public(address):
            raise NotPublic(_("The %(what)s host %(host)s resolves to %(address)s, which is not public",
                              what=what, host=parts.hostname, address=address))
