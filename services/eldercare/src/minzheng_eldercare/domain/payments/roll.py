"""The roll (发放名册) as the run reads it: an elder's allowance, its band changes and suspensions
by period, and whether a period is paid, in which band.

An entry is folded from the elder stream's events (``domain.allowance.events``) by the roll
projection, which keeps the changes in the order recorded. The standing of a period is decided
by the changes in force then (those ``from`` it or before, applied in period order, a tie in the
order recorded), so a suspension recorded late still applies from its period.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from minzheng_contracts.period import Period


class Kind(StrEnum):
    BAND = "band"
    SUSPENDED = "suspended"
    RESUMED = "resumed"


class NotPaid(StrEnum):
    """Why the roll does not pay an elder a period (a run's skip reasons)."""

    NOT_STARTED = "not_started"
    SUSPENDED = "suspended"
    ENDED = "ended"


@dataclass(frozen=True, slots=True)
class Change:
    """One change of an allowance from a period: a band (``AllowanceStarted`` or
    ``AllowanceBandChanged``), a suspension or a resumption."""

    from_period: Period
    kind: Kind
    band_lower: int = 0
    band: str = ""

    def to_json(self) -> list[object]:
        return [str(self.from_period), self.kind.value, self.band_lower, self.band]

    @staticmethod
    def from_json(raw: list[object]) -> Change:
        period, kind, lower, band = raw
        return Change(Period.parse(str(period)), Kind(str(kind)), int(str(lower)), str(band))


@dataclass(frozen=True, slots=True)
class InBand:
    """Paid in a band for a period: the band's lower age (the standard's key) and its label."""

    lower: int
    band: str


@dataclass(frozen=True, slots=True)
class RollEntry:
    """One elder's allowance on the roll (名册): who, where, from when, until when, and its changes."""

    elder_id: str
    allowance_id: str
    person: str
    """The elder's resident ID (the payee named in the payment contract)."""
    residence: str
    starts: Period
    last_period: Period | None
    changes: tuple[Change, ...]

    def standing(self, period: Period) -> InBand | NotPaid:
        """Paid in a band for ``period``, or why not."""
        if period < self.starts:
            return NotPaid.NOT_STARTED
        if self.last_period is not None and self.last_period < period:
            return NotPaid.ENDED
        band: InBand | None = None
        suspended = False
        in_force = sorted(
            (c for c in self.changes if not period < c.from_period), key=lambda c: c.from_period
        )
        for change in in_force:
            if change.kind is Kind.BAND:
                band = InBand(change.band_lower, change.band)
            else:
                suspended = change.kind is Kind.SUSPENDED
        if suspended:
            return NotPaid.SUSPENDED
        if band is None:
            return NotPaid.NOT_STARTED
        return band


__all__ = ["Change", "InBand", "Kind", "NotPaid", "RollEntry"]
