"""Which addresses the server may fetch a mirrored CASE package from: the check of core/addresses.py (http(s)
only, every resolved address public unless FETCH_PRIVATE_ADDRESSES, or its older name
CASE_MIRROR_PRIVATE_ADDRESSES, is set), raising a CaseImportError so that the mirror's callers report it as any
other refused package. Redirects are followed one at a time (frameworks._fetch), each target checked again.
"""
from ..core import addresses as core_addresses
from .services import CaseImportError


class AddressRefused(core_addresses.AddressRefused, CaseImportError):
    """The address may not be fetched; the message says why (translated)."""


def check_address(url: str) -> str:
    """The URL when the server may fetch it; AddressRefused otherwise (scheme, host, or a private address)."""
    try:
        return core_addresses.check_address(url)
    except core_addresses.AddressRefused as error:
        raise AddressRefused(error.message) from None
