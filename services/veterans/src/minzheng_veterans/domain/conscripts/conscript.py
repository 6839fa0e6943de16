"""A conscript's family allowance (义务兵家庭优待金), pure: per conscript and service year.

- Enlisted (``ConscriptEnlisted``) in a county of enlistment, which pays the family. The service
  years (standard ``conscript_service_years``, 2) and the month of each year the allowance is paid
  in (``conscript_allowance_pay_month``, [assume] 1: the first month of the service year) are fixed
  at enlistment, so each service year has exactly one pay period: the run of that period pays it,
  exactly once (the payment's stream is ``payment-<conscript>-<period>``).
- Service year k begins on the k-1-th anniversary of enlistment (29 Feb: 28 Feb). It is due when
  the conscript is still serving on that day: a service ended (promotion to 军士 or officer,
  discharge: ``ConscriptServiceEnded``) on or before it stops the allowance.
- The amount is the annual standard in force on the first day of the pay period.
- A merit (``ConscriptMeritRecorded``: 一等功 or 荣誉称号, 二等功, 三等功) raises the allowance of the
  service year it was awarded in by its percentage (standards). A higher merit later in the same
  year pays the difference over the highest already recorded, so a year's supplements sum to the
  highest merit's percentage of that year's allowance.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date
from enum import StrEnum

from minzheng_contracts import Period
from minzheng_kernel.errors import Conflict, DomainError, NotFound
from minzheng_kernel.events import DomainEvent, EventTypes
from minzheng_kernel.standards import Standard, StandardsTable

from .parameters import Parameter


class Merit(StrEnum):
    """A merit that raises the allowance (立功受奖)."""

    FIRST_CLASS = "first_class"  # 一等功
    HONOUR_TITLE = "honour_title"  # 荣誉称号
    SECOND_CLASS = "second_class"  # 二等功
    THIRD_CLASS = "third_class"  # 三等功

    @property
    def parameter(self) -> Parameter:
        return _MERIT_PARAMETER[self]


_MERIT_PARAMETER = {
    Merit.FIRST_CLASS: Parameter.MERIT_FIRST_PCT,
    Merit.HONOUR_TITLE: Parameter.MERIT_FIRST_PCT,
    Merit.SECOND_CLASS: Parameter.MERIT_SECOND_PCT,
    Merit.THIRD_CLASS: Parameter.MERIT_THIRD_PCT,
}


class EndReason(StrEnum):
    """Why a conscript's service (and the allowance) ended."""

    PROMOTED_NCO = "promoted_nco"  # 选改军士
    PROMOTED_OFFICER = "promoted_officer"  # 提干
    DISCHARGED = "discharged"  # 退役


class AllowanceKind(StrEnum):
    BASE = "base"  # the service year's allowance
    MERIT_SUPPLEMENT = "merit_supplement"  # 立功增发


@dataclass(frozen=True, slots=True)
class ConscriptEnlisted(DomainEvent):
    conscript_id: str
    resident_id: str
    county: str
    """The division of enlistment (入伍地): its county pays the allowance."""
    enlisted_on: str
    service_years: int
    service_years_standard_id: str
    pay_periods: list[str]
    """Service year k's allowance is paid in ``pay_periods[k - 1]`` (``YYYY-MM``)."""
    pay_month_standard_id: str


@dataclass(frozen=True, slots=True)
class ConscriptMeritRecorded(DomainEvent):
    conscript_id: str
    merit: str
    awarded_on: str
    service_year: int
    document: str


@dataclass(frozen=True, slots=True)
class ConscriptServiceEnded(DomainEvent):
    conscript_id: str
    reason: str
    ended_on: str
    overpaid_years: list[int] = field(default_factory=list)
    """Service years paid already that the end (dated back) falls before: to recover (追回)."""


@dataclass(frozen=True, slots=True)
class ConscriptAllowancePaid(DomainEvent):
    """One payment of the allowance, the first and only event of its payment stream."""

    payment_id: str
    conscript_id: str
    resident_id: str
    county: str
    service_year: int
    period: str
    kind: str
    amount_fen: int
    standard_id: str
    """The standard the amount comes from: the annual allowance, or the merit's percentage."""
    base_fen: int
    base_standard_id: str
    merit: str | None = None
    run_id: str | None = None


CONSCRIPT_EVENTS = EventTypes(ConscriptEnlisted, ConscriptMeritRecorded, ConscriptServiceEnded)
PAYMENT_EVENTS = EventTypes(ConscriptAllowancePaid)


@dataclass(frozen=True, slots=True)
class MeritOnRecord:
    merit: Merit
    awarded_on: date
    service_year: int


@dataclass(frozen=True, slots=True)
class Conscript:
    conscript_id: str | None = None
    resident_id: str = ""
    county: str = ""
    enlisted_on: date | None = None
    pay_periods: tuple[str, ...] = ()
    merits: tuple[MeritOnRecord, ...] = ()
    ended_on: date | None = None
    end_reason: str | None = None
    overpaid_years: tuple[int, ...] = ()

    @property
    def service_years(self) -> int:
        return len(self.pay_periods)

    @property
    def status(self) -> str:
        """none | serving | promoted_nco | promoted_officer | discharged"""
        if self.conscript_id is None:
            return "none"
        return self.end_reason or "serving"

    def year_start(self, year: int) -> date:
        assert self.enlisted_on is not None
        return anniversary(self.enlisted_on, year - 1)

    def service_year_on(self, day: date) -> int | None:
        """The service year ``day`` falls in, or None outside the service."""
        if self.enlisted_on is None or day < self.enlisted_on:
            return None
        years = [k for k in range(1, self.service_years + 1) if self.year_start(k) <= day]
        if not years or day >= anniversary(self.enlisted_on, self.service_years):
            return None
        return years[-1]


def anniversary(start: date, years: int) -> date:
    """``start`` moved ``years`` years on (29 Feb → 28 Feb in a common year)."""
    try:
        return start.replace(year=start.year + years)
    except ValueError:
        return start.replace(year=start.year + years, day=28)


def evolve(state: Conscript, event: DomainEvent) -> Conscript:
    match event:
        case ConscriptEnlisted():
            return Conscript(
                event.conscript_id,
                event.resident_id,
                event.county,
                date.fromisoformat(event.enlisted_on),
                tuple(event.pay_periods),
            )
        case ConscriptMeritRecorded():
            merit = MeritOnRecord(
                Merit(event.merit), date.fromisoformat(event.awarded_on), event.service_year
            )
            return replace(state, merits=(*state.merits, merit))
        case ConscriptServiceEnded():
            return replace(
                state,
                ended_on=date.fromisoformat(event.ended_on),
                end_reason=event.reason,
                overpaid_years=tuple(event.overpaid_years),
            )
    return state


def pay_periods(enlisted_on: date, service_years: int, pay_month: int) -> list[str]:
    """The pay period of each service year: the ``pay_month``-th month of it (1: its first)."""
    periods = []
    for k in range(service_years):
        period = Period.of(anniversary(enlisted_on, k))
        for _ in range(pay_month - 1):
            period = period.next()
        periods.append(str(period))
    return periods


def enlist(
    state: Conscript,
    standards: StandardsTable,
    *,
    conscript_id: str,
    resident_id: str,
    county: str,
    enlisted_on: date,
    today: date,
) -> list[DomainEvent]:
    if state.conscript_id is not None:
        raise Conflict("conscript_exists", "this conscript is already enlisted", field="conscript_id")
    if enlisted_on > today:
        raise DomainError(
            "enlisted_in_future", "the enlistment date is not in the future", field="enlisted_on"
        )
    years = standards.in_force(Parameter.SERVICE_YEARS.value, county, enlisted_on)
    month = standards.in_force(Parameter.PAY_MONTH.value, county, enlisted_on)
    return [
        ConscriptEnlisted(
            conscript_id,
            resident_id,
            county,
            enlisted_on.isoformat(),
            years.value,
            years.standard_id,
            pay_periods(enlisted_on, years.value, month.value),
            month.standard_id,
        )
    ]


def _existing(state: Conscript) -> Conscript:
    if state.conscript_id is None:
        raise NotFound("conscript_not_found", "no such conscript", field="conscript_id")
    return state


def end_service(
    state: Conscript,
    *,
    reason: EndReason,
    ended_on: date,
    today: date,
    paid_years: frozenset[int] = frozenset(),
) -> list[DomainEvent]:
    """End the service; of ``paid_years`` (the years whose allowance is paid), those that begin on
    or after the end are recorded as overpaid (never a negative payment)."""
    _existing(state)
    assert state.conscript_id is not None and state.enlisted_on is not None
    if state.ended_on is not None:
        raise Conflict("service_ended", "the conscript's service has already ended", field="conscript_id")
    if ended_on > today:
        raise DomainError("ended_in_future", "the end of service is not in the future", field="ended_on")
    if ended_on < state.enlisted_on:
        raise DomainError("ended_before_enlistment", "the service ends after enlistment", field="ended_on")
    overpaid = sorted(y for y in paid_years if state.year_start(y) >= ended_on)
    return [ConscriptServiceEnded(state.conscript_id, reason.value, ended_on.isoformat(), overpaid)]


@dataclass(frozen=True, slots=True)
class Supplement:
    """A merit's supplement due: ``pct`` points of the service year's allowance (the difference
    over the highest merit already recorded in that year)."""

    service_year: int
    period: str
    merit: Merit
    pct: int
    pct_standard: Standard
    base: Standard

    @property
    def amount_fen(self) -> int:
        return self.base.value * self.pct // 100


def _pct(standards: StandardsTable, merit: Merit, place: str, on: date) -> Standard:
    return standards.in_force(merit.parameter.value, place, on)


def record_merit(
    state: Conscript,
    standards: StandardsTable,
    *,
    merit: Merit,
    awarded_on: date,
    document: str,
    today: date,
) -> tuple[list[DomainEvent], Supplement | None]:
    """Record a merit awarded during the service; the supplement it makes due, if any."""
    _existing(state)
    assert state.conscript_id is not None
    if awarded_on > today:
        raise DomainError("awarded_in_future", "the award date is not in the future", field="awarded_on")
    year = state.service_year_on(awarded_on)
    if year is None or (state.ended_on is not None and awarded_on >= state.ended_on):
        raise DomainError(
            "not_in_conscript_service",
            "the merit was awarded outside the conscript service",
            field="awarded_on",
        )
    if any(m.merit is merit and m.service_year == year for m in state.merits):
        raise Conflict("merit_recorded", f"a {merit.value} merit is already recorded for service year {year}")
    period = Period.parse(state.pay_periods[year - 1])
    new = _pct(standards, merit, state.county, awarded_on)
    before = max(
        (
            _pct(standards, m.merit, state.county, m.awarded_on).value
            for m in state.merits
            if m.service_year == year
        ),
        default=0,
    )
    base = standards.in_force(Parameter.ALLOWANCE_ANNUAL.value, state.county, period.first_day)
    facts: list[DomainEvent] = [
        ConscriptMeritRecorded(state.conscript_id, merit.value, awarded_on.isoformat(), year, document)
    ]
    due = None
    if new.value > before:
        due = Supplement(year, str(period), merit, new.value - before, new, base)
        if due.amount_fen <= 0:
            due = None
    return facts, due


@dataclass(frozen=True, slots=True)
class Due:
    """The service year a run of ``period`` pays, or why it pays nothing."""

    service_year: int | None
    reason: str | None = None


def allowance_due(state: Conscript, period: Period, *, today: date) -> Due:
    """Which service year the run of ``period`` pays this conscript for (at most one: the pay
    periods are twelve months apart), or the reason it pays nothing."""
    text = str(period)
    if text not in state.pay_periods:
        return Due(None, "not_a_pay_period")
    year = state.pay_periods.index(text) + 1
    start = state.year_start(year)
    if state.ended_on is not None and state.ended_on <= start:
        return Due(None, "service_ended")
    if start > today:
        return Due(None, "service_year_not_begun")
    return Due(year)


def allowance_standard(standards: StandardsTable, state: Conscript, period: Period) -> Standard:
    """The annual allowance in force for the county on the first day of the pay period."""
    return standards.in_force(Parameter.ALLOWANCE_ANNUAL.value, state.county, period.first_day)
