"""What the run pays (应发金额): a month at the band's monthly standard in force on the month's
1st (``domain.allowance.bands.bands_in_force`` for the elder's residence), or, in annual mode, the
year's eligible months not yet paid, each at its own month's standard, in one payment.

Decided where the rules are silent: the band is the roll's (the allowance area's automatic band
changes); its amount is the standard in force for that band's lower age on the month's 1st; a band
with no standard in force that day (a county that dropped it) pays nothing that month, with the
reason ``no_band_in_force``.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from minzheng_contracts.period import Period
from minzheng_kernel.standards import StandardsTable

from ..allowance.bands import Band, bands_in_force
from ..allowance.parameters import Mode, Parameter
from .roll import NotPaid, RollEntry

NO_BAND_IN_FORCE = "no_band_in_force"
ALREADY_PAID_ANNUALLY = "already_paid"


@dataclass(frozen=True, slots=True)
class Month:
    """A month due: its band, amount and the standard in force."""

    period: Period
    band: str
    amount_fen: int
    standard_id: str


BandsOn = Callable[[str, date], tuple[Band, ...]]
"""The bands in force for a place on a day (``bands_on``)."""


def bands_on(table: StandardsTable) -> BandsOn:
    """``bands_in_force`` over ``table``, each (place, day) computed once (a run asks for the same
    village and month tens of thousands of times)."""

    @functools.cache
    def bands(place: str, on: date) -> tuple[Band, ...]:
        return bands_in_force(table, place, on)

    return bands


def month_due(bands: BandsOn, entry: RollEntry, period: Period) -> Month | str:
    """The month's due for ``entry``, or the reason it is not paid."""
    standing = entry.standing(period)
    if isinstance(standing, NotPaid):
        return standing.value
    for band in bands(entry.residence, period.first_day):
        if band.lower == standing.lower:
            return Month(period, standing.band, band.monthly_fen, band.standard_id)
    return NO_BAND_IN_FORCE


def year_due(
    bands: BandsOn, entry: RollEntry, year: int, already_paid: frozenset[Period] = frozenset()
) -> tuple[Month, ...]:
    """Annual mode: the year's months ``entry`` is paid for, those not paid already (a month paid
    while the county paid monthly), each at its own standard."""
    due = []
    for month in range(1, 13):
        period = Period(year, month)
        if period in already_paid:
            continue
        owed = month_due(bands, entry, period)
        if isinstance(owed, Month):
            due.append(owed)
    return tuple(due)


def mode_of(table: StandardsTable, place: str, period: Period) -> Mode:
    """The payment mode in force on the period's 1st (monthly where none is set)."""
    return Mode(table.value_or(Parameter.MODE.value, place, period.first_day, Mode.MONTHLY))


def annual_month(table: StandardsTable, place: str, period: Period) -> int:
    """The month an annual-mode county pays in (December where none is set)."""
    return table.value_or(Parameter.ANNUAL_MONTH.value, place, period.first_day, 12)


__all__ = [
    "ALREADY_PAID_ANNUALLY",
    "NO_BAND_IN_FORCE",
    "BandsOn",
    "Month",
    "annual_month",
    "bands_on",
    "mode_of",
    "month_due",
    "year_due",
]
