"""The twelve provinces of the Netherlands, as DUO's school files name them (column PROVINCIE).

A school stores the province's two-letter code (the CBS/ISO 3166-2:NL letters); `province_code` reads the
names DUO has used (Friesland and Fryslân, with or without accents, any case)."""
import unicodedata
from dataclasses import dataclass


@dataclass(frozen=True)
class Province:
    code: str  # NL-xx without the country: GR, FR, ...
    name: str  # the official name, as DUO writes it today


PROVINCES: tuple[Province, ...] = (
    Province("GR", "Groningen"), Province("FR", "Fryslân"), Province("DR", "Drenthe"),
    Province("OV", "Overijssel"), Province("FL", "Flevoland"), Province("GE", "Gelderland"),
    Province("UT", "Utrecht"), Province("NH", "Noord-Holland"), Province("ZH", "Zuid-Holland"),
    Province("ZE", "Zeeland"), Province("NB", "Noord-Brabant"), Province("LI", "Limburg"),
)
BY_CODE = {p.code: p for p in PROVINCES}


def _plain(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold().replace(" ", "-").strip("-")


_NAMES = {_plain(p.name): p.code for p in PROVINCES} | {_plain(p.code): p.code for p in PROVINCES} | {
    "friesland": "FR", "fryslan": "FR", "brabant": "NB"}


def province_code(text: str) -> str | None:
    """The province's code for a name as DUO writes it (None when it names no province; '' stays '')."""
    text = " ".join((text or "").split())
    if not text:
        return ""
    return _NAMES.get(_plain(text))


def province_name(code: str) -> str:
    province = BY_CODE.get(code)
    return province.name if province else ""
