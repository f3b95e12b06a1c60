"""Which addresses the server may fetch: CASE mirrors (case/), OAI-PMH sources (oai/), anything typed by a user.

An administrator or a network coordinator types the address, but the server fetches it: without a check it could
be made to read its own loopback services, the private network it runs in, or a cloud's metadata service
(169.254.169.254). Only http and https are allowed, without a user name or password, and every address the host
name resolves to must be a public one, unless FETCH_PRIVATE_ADDRESSES (`WT_FETCH_PRIVATE_ADDRESSES`) is set; the
older CASE_MIRROR_PRIVATE_ADDRESSES means the same. Callers check every redirect target again: the CASE mirror
follows redirects one at a time (case/frameworks._fetch), the OAI client checks each request it sends
(`check_request`, an httpx request hook).

A host name is resolved for the check and again by the HTTP client: DNS that answers differently the second
time is not caught.
"""
import ipaddress
import socket
from urllib.parse import urlsplit

from flask import current_app
from flask_babel import lazy_gettext as _l

from ..errors import ValidationError


class AddressRefused(ValidationError):
    """The address may not be fetched; the message says why (translated)."""


def private_addresses_allowed() -> bool:
    config = current_app.config
    return bool(config.get("FETCH_PRIVATE_ADDRESSES") or config.get("CASE_MIRROR_PRIVATE_ADDRESSES"))


def is_public(address: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    """A global unicast address; an IPv4 address written as IPv6 (::ffff:127.0.0.1) is judged as IPv4."""
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    return address.is_global and not address.is_multicast


def check_address(url: str, field: str | None = None) -> str:
    """The URL when the server may fetch it; AddressRefused otherwise (scheme, host, or a private address).
    `field` names the form field the message belongs to (forms.apply_domain_error)."""
    details = {"field": field} if field else {}
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        raise AddressRefused(_l("This is not a valid web address."), **details) from None
    if parts.scheme not in ("http", "https"):
        raise AddressRefused(_l("Only http:// and https:// addresses can be fetched."), **details)
    if not parts.hostname:
        raise AddressRefused(_l("The address has no host name."), **details)
    if parts.username is not None or parts.password is not None:
        raise AddressRefused(_l("Leave the user name and password out of the address."), **details)
    if private_addresses_allowed():
        return url
    host = parts.hostname
    try:
        found = socket.getaddrinfo(host, port or (443 if parts.scheme == "https" else 80), type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError, OSError):
        raise AddressRefused(_l("The host name %(host)s cannot be found.", host=host[:100]), **details) from None
    if not found:
        raise AddressRefused(_l("The host name %(host)s cannot be found.", host=host[:100]), **details)
    for *_, sockaddr in found:
        try:
            address = ipaddress.ip_address(str(sockaddr[0]).split("%", 1)[0])
        except ValueError:
            address = None
        if address is None or not is_public(address):
            raise AddressRefused(_l("%(host)s is a local or private address; the server only fetches addresses "
                                    "on the public internet.", host=host[:100]), **details)
    return url


def check_request(request) -> None:
    """An httpx(2) request event hook: every request the client sends, redirects included, is checked first."""
    check_address(str(request.url))
