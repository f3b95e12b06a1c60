"""Groepen 1-8 stored as a bit mask (bit g-1 set = meant for groep g).

A mask keeps "is this goal meant for groep g" a single indexed-column test in
SQL on SQLite and PostgreSQL alike, with no join.
"""
from collections.abc import Iterable

ALL_GROEPEN = tuple(range(1, 9))
# The groep bands that SLO and the design speak of.
PHASES = ((1, 2), (3, 4), (5, 6), (7, 8))


def to_mask(groepen: Iterable[int]) -> int:
    mask = 0
    for groep in groepen:
        if groep not in ALL_GROEPEN:
            raise ValueError(f"groep {groep} is not within 1-8")
        mask |= 1 << (groep - 1)
    return mask


def from_mask(mask: int) -> list[int]:
    return [g for g in ALL_GROEPEN if mask & (1 << (g - 1))]


def bit(groep: int) -> int:
    return 1 << (groep - 1)


def label(groepen: Iterable[int]) -> str:
    """'1-4', '5, 7-8': ranges of consecutive groepen."""
    values = sorted(set(groepen))
    parts: list[str] = []
    start = prev = None
    for g in values + [None]:
        if start is None:
            start = prev = g
        elif g is not None and g == prev + 1:
            prev = g
        else:
            parts.append(str(start) if start == prev else f"{start}-{prev}")
            start = prev = g
    return ", ".join(parts)
