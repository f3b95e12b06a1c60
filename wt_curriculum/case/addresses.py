"""Which addresses the server may fetch a mirrored CASE package from.

An administrator types the address, but the server fetches it: without a check it could be made to read its
own loopback services or the private network it runs in. Only http and https are allowed, and every address
the host name resolves to must be a public one, unless CASE_MIRROR_PRIVATE_ADDRESSES is set. Redirects are
followed one at a time (frameworks._fetch), each target checked again.
"""
import ipaddress
import socket
from urllib.parse import urlsplit

from flask import current_app
from flask_babel import lazy_gettext as _l

from .services import CaseImportError


class AddressRefused(CaseImportError):
    """The address may not be fetched; the message says why (translated)."""


def _public(address: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    return address.is_global and not address.is_multicast


def check_address(url: str) -> str:
    """The URL when the server may fetch it; AddressRefused otherwise (scheme, host, or a private address)."""
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        raise AddressRefused(_l("This is not a valid web address.")) from None
    if parts.scheme not in ("http", "https"):
        raise AddressRefused(_l("Only http:// and https:// addresses can be mirrored."))
    if not parts.hostname:
        raise AddressRefused(_l("The address has no host name."))
    if parts.username is not None or parts.password is not None:
        raise AddressRefused(_l("Leave the user name and password out of the address."))
    if current_app.config.get("CASE_MIRROR_PRIVATE_ADDRESSES"):
        return url
    try:
        found = socket.getaddrinfo(parts.hostname, port or (443 if parts.scheme == "https" else 80),
                                   type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError, OSError):
        raise AddressRefused(_l("The host name %(host)s cannot be found.", host=parts.hostname[:100])) from None
    for *_, sockaddr in found:
        try:
            address = ipaddress.ip_address(str(sockaddr[0]).split("%", 1)[0])
        except ValueError:
            address = None
        if address is None or not _public(address):
            raise AddressRefused(_l("%(host)s is a local or private address; the server only fetches addresses "
                                    "on the public internet.", host=parts.hostname[:100]))
    return url
