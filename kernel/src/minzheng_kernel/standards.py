"""Standards are data (标准): effective-dated, scoped to a jurisdiction (DESIGN §5a, registry-rules §0).

A standard fixes one parameter (a marriage age, a plot area limit, an annual allowance…) for a
jurisdiction (a GB/T 2260 division code, or a prefix of one) from a date on. The standard in force
for a place on a date is the one of the most specific jurisdiction containing the place, and among
those the latest that took effect on or before the date. Every decision that uses one names it by
``standard_id`` (``<parameter>:<jurisdiction>:<effective_from>``), so an auditor sees why.

This is the pure lookup; the storage side is ``minzheng_eventstore.standards``.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date

from .errors import DomainError


@dataclass(frozen=True, slots=True)
class Standard:
    parameter: str
    jurisdiction: str
    effective_from: date
    value: int

    @property
    def standard_id(self) -> str:
        return f"{self.parameter}:{self.jurisdiction}:{self.effective_from.isoformat()}"


class StandardsTable:
    """All standards known to a service; answers "which one applies here, on that day"."""

    def __init__(self, standards: Iterable[Standard] = ()) -> None:
        self._standards = tuple(standards)

    def __iter__(self) -> Iterator[Standard]:
        return iter(self._standards)

    def in_force(self, parameter: str, place: str, on: date) -> Standard:
        """The standard of ``parameter`` for ``place`` on ``on``; refused (422
        ``no_standard_in_force``) where none is set."""
        candidates = [
            s
            for s in self._standards
            if s.parameter == parameter and place.startswith(s.jurisdiction) and s.effective_from <= on
        ]
        if not candidates:
            raise DomainError(
                "no_standard_in_force",
                f"no {parameter} standard is in force for {place} on {on.isoformat()}",
                field="jurisdiction",
            )
        return max(candidates, key=lambda s: (len(s.jurisdiction), s.effective_from))

    def value_or(self, parameter: str, place: str, on: date, default: int) -> int:
        """The value in force, or ``default`` where no standard of ``parameter`` is set."""
        try:
            return self.in_force(parameter, place, on).value
        except DomainError:
            return default


def monthly_share(annual_fen: int, month: int) -> int:
    """The month's part of an annual standard paid monthly (registry-rules §0):
    ⌊A·m/12⌋ − ⌊A·(m−1)/12⌋, so twelve months at one standard sum to exactly ``annual_fen``."""
    if not 1 <= month <= 12:
        raise ValueError("month must be 1..12")
    return annual_fen * month // 12 - annual_fen * (month - 1) // 12


__all__ = ["Standard", "StandardsTable", "monthly_share"]
