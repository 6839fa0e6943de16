"""One entitlement (优抚资格) of a person in one category, pure.

- Recognised (认定, ``EntitledPersonRecognised``) at most once per person and category (the
  application's guard table holds that across streams). The pension starts the month after the
  grade (or the entitlement) is approved [mem 伤残抚恤管理办法]; a person transferred in from another
  county (``transferred_from``) is paid here from 1 January after the transfer.
- The terms (category and grade) change from an effective month (``GradeChanged``,
  ``CategoryChanged``): months before it keep the old terms.
- Suspended (``EntitlementSuspended``, with a reason) from a month and resumed from a later one
  (``EntitlementResumed``): no month in between is paid.
- Cancelled (``EntitlementCancelled``: death, disqualification, revocation, transfer out) from a
  month: nothing from it is paid. A transfer out pays the current year here: the cancellation is
  from 1 January of the next year.

``basis_in(period)`` is what the pension run asks: ``None`` where this county does not pay the
month, otherwise the month's ``Basis``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date
from enum import StrEnum

from minzheng_contracts import Period
from minzheng_kernel.errors import Conflict, DomainError, NotFound
from minzheng_kernel.events import DomainEvent, EventTypes
from minzheng_kernel.standards import StandardsTable

from ..pensions.monthly import Basis
from .categories import CATEGORIES, Category, Terms


class Status(StrEnum):
    NONE = "none"
    ACTIVE = "active"  # 在册
    SUSPENDED = "suspended"  # 暂停
    CANCELLED = "cancelled"  # 注销
    TRANSFERRED_OUT = "transferred_out"  # 迁出


class CancelReason(StrEnum):
    DEATH = "death"  # 死亡
    DISQUALIFIED = "disqualified"  # 丧失资格 (e.g. a criminal sentence)
    REVOKED = "revoked"  # 认定撤销
    TRANSFERRED_OUT = "transferred_out"  # 迁出 (set by a transfer, never given)


@dataclass(frozen=True, slots=True)
class EntitledPersonRecognised(DomainEvent):
    entitlement_id: str
    person: str
    """The person's pseudonym (``ctx.pseudonyms``), the key of their entitlements."""
    resident_id: str
    residence: str
    category: str
    key: str | None
    service_years: int
    approved_on: str
    starts: str
    """The first month paid here (``YYYY-MM``)."""
    standard_id: str | None
    """The standard in force on the first day of ``starts`` (``None``: none yet)."""
    transferred_from: str | None = None
    transferred_on: str | None = None


@dataclass(frozen=True, slots=True)
class GradeChanged(DomainEvent):
    entitlement_id: str
    key: str
    from_period: str
    standard_id: str | None


@dataclass(frozen=True, slots=True)
class CategoryChanged(DomainEvent):
    entitlement_id: str
    category: str
    key: str | None
    service_years: int
    from_period: str
    standard_id: str | None


@dataclass(frozen=True, slots=True)
class EntitlementSuspended(DomainEvent):
    entitlement_id: str
    reason: str
    from_period: str


@dataclass(frozen=True, slots=True)
class EntitlementResumed(DomainEvent):
    entitlement_id: str
    from_period: str


@dataclass(frozen=True, slots=True)
class EntitlementCancelled(DomainEvent):
    entitlement_id: str
    person: str
    resident_id: str
    residence: str
    category: str
    key: str | None
    reason: str
    effective_from: str
    """The first month not paid here."""
    note: str = ""
    transferred_to: str | None = None


ENTITLEMENT_EVENTS = EventTypes(
    EntitledPersonRecognised,
    GradeChanged,
    CategoryChanged,
    EntitlementSuspended,
    EntitlementResumed,
    EntitlementCancelled,
)


@dataclass(frozen=True, slots=True)
class Suspension:
    from_period: Period
    reason: str
    resumed_from: Period | None = None

    def covers(self, period: Period) -> bool:
        return self.from_period <= period and (self.resumed_from is None or period < self.resumed_from)


@dataclass(frozen=True, slots=True)
class Entitlement:
    """An entitlement's state, folded from its stream."""

    entitlement_id: str | None = None
    person: str = ""
    resident_id: str = ""
    residence: str = ""
    approved_on: date | None = None
    starts: Period | None = None
    terms: tuple[Terms, ...] = ()
    suspensions: tuple[Suspension, ...] = ()
    status: Status = Status.NONE
    ended_from: Period | None = None
    cancel_reason: str | None = None
    transferred_from: str | None = None
    transferred_to: str | None = None

    @property
    def current(self) -> Terms:
        if not self.terms:
            raise NotFound("entitlement_not_found", "no such entitlement", field="entitlement_id")
        return self.terms[-1]

    @property
    def township(self) -> str:
        return self.residence[:9]

    def terms_in(self, period: Period) -> Terms | None:
        found = None
        for t in self.terms:
            if t.from_period <= period:
                found = t
        return found

    def basis_in(self, period: Period) -> Basis | None:
        """The month's terms as the pension run takes them, or ``None`` where it is not paid here."""
        if self.starts is None or period < self.starts:
            return None
        if self.ended_from is not None and self.ended_from <= period:
            return None
        if any(s.covers(period) for s in self.suspensions):
            return None
        found = self.terms_in(period)
        return None if found is None else found.basis


def evolve(state: Entitlement, event: DomainEvent) -> Entitlement:
    match event:
        case EntitledPersonRecognised():
            starts = Period.parse(event.starts)
            first = Terms(starts, CATEGORIES[event.category], event.key, event.service_years)
            return Entitlement(
                entitlement_id=event.entitlement_id,
                person=event.person,
                resident_id=event.resident_id,
                residence=event.residence,
                approved_on=date.fromisoformat(event.approved_on),
                starts=starts,
                terms=(first,),
                status=Status.ACTIVE,
                transferred_from=event.transferred_from,
            )
        case GradeChanged():
            t = replace(state.current, from_period=Period.parse(event.from_period), key=event.key)
            return replace(state, terms=(*state.terms, t))
        case CategoryChanged():
            t = Terms(
                Period.parse(event.from_period), CATEGORIES[event.category], event.key, event.service_years
            )
            return replace(state, terms=(*state.terms, t))
        case EntitlementSuspended():
            s = Suspension(Period.parse(event.from_period), event.reason)
            return replace(state, suspensions=(*state.suspensions, s), status=Status.SUSPENDED)
        case EntitlementResumed():
            *earlier, last = state.suspensions
            resumed = replace(last, resumed_from=Period.parse(event.from_period))
            return replace(state, suspensions=(*earlier, resumed), status=Status.ACTIVE)
        case EntitlementCancelled():
            out = event.reason == CancelReason.TRANSFERRED_OUT
            return replace(
                state,
                status=Status.TRANSFERRED_OUT if out else Status.CANCELLED,
                ended_from=Period.parse(event.effective_from),
                cancel_reason=event.reason,
                transferred_to=event.transferred_to,
            )
    return state


def _standard_id(table: StandardsTable, t: Terms, place: str) -> str | None:
    """The standard the terms are paid on from their first month; ``None`` where none is in force
    yet (the run skips those months with ``no_standard_in_force`` until one is set)."""
    try:
        return table.in_force(t.basis.parameter, place, t.from_period.first_day).standard_id
    except DomainError:
        return None


def starts_after(approved_on: date, transferred_on: date | None = None) -> Period:
    """The first month paid: the month after approval; for a transfer in, 1 January after it."""
    if transferred_on is not None:
        return Period(transferred_on.year + 1, 1)
    return Period.of(approved_on).next()


def recognise(
    state: Entitlement,
    table: StandardsTable,
    *,
    entitlement_id: str,
    person: str,
    resident_id: str,
    residence: str,
    terms: Terms,
    approved_on: date,
    today: date,
    transferred_from: str | None = None,
    transferred_on: date | None = None,
) -> list[DomainEvent]:
    """Recognise (认定) a person in a category, or take over a transferred one (迁入); ``terms``'
    month is ignored, the entitlement's first month is ``starts_after``."""
    if state.entitlement_id is not None:
        raise Conflict("already_recognised", "this person holds this category already", field="category")
    if approved_on > today:
        raise DomainError("approved_in_future", "the approval date has not come", field="approved_on")
    if transferred_on is not None and not approved_on <= transferred_on <= today:
        raise DomainError(
            "transfer_date_invalid",
            "the transfer is after the approval and not in the future",
            field="transferred_on",
        )
    first = replace(terms, from_period=starts_after(approved_on, transferred_on))
    return [
        EntitledPersonRecognised(
            entitlement_id=entitlement_id,
            person=person,
            resident_id=resident_id,
            residence=residence,
            category=first.category.value,
            key=first.key,
            service_years=first.service_years,
            approved_on=approved_on.isoformat(),
            starts=str(first.from_period),
            standard_id=_standard_id(table, first, residence),
            transferred_from=transferred_from,
            transferred_on=None if transferred_on is None else transferred_on.isoformat(),
        )
    ]


def _open(state: Entitlement) -> Terms:
    current = state.current
    if state.status in (Status.CANCELLED, Status.TRANSFERRED_OUT):
        raise Conflict(
            "entitlement_ended", f"the entitlement is {state.status.value}", field="entitlement_id"
        )
    return current


def _effective(state: Entitlement, from_period: Period, *, after_changes: bool = True) -> None:
    """The month is not before the start (nor, for new terms, before the last change)."""
    assert state.starts is not None
    if from_period < state.starts or (after_changes and from_period < state.current.from_period):
        raise DomainError(
            "effective_too_early",
            "the effective month is before the entitlement's start or its last change",
            field="from_period",
        )


def change_terms(state: Entitlement, table: StandardsTable, new: Terms) -> list[DomainEvent]:
    """A grade change (评残调级: same category, new key) or a category change from ``new.from_period``."""
    current = _open(state)
    _effective(state, new.from_period)
    if (new.category, new.key, new.service_years) == (current.category, current.key, current.service_years):
        raise DomainError("terms_unchanged", "the entitlement has these terms already", field="category")
    assert state.entitlement_id is not None
    standard_id = _standard_id(table, new, state.residence)
    if new.category is current.category is Category.DISABLED:
        assert new.key is not None
        return [GradeChanged(state.entitlement_id, new.key, str(new.from_period), standard_id)]
    # another category, or new terms within one (a survivor's kind, a rural veteran's years)
    return [
        CategoryChanged(
            state.entitlement_id,
            new.category.value,
            new.key,
            new.service_years,
            str(new.from_period),
            standard_id,
        )
    ]


def suspend(state: Entitlement, *, reason: str, from_period: Period) -> list[DomainEvent]:
    """Suspend (暂停发放) from a month, with a reason."""
    _open(state)
    if state.status is Status.SUSPENDED:
        raise Conflict("already_suspended", "the entitlement is suspended already", field="entitlement_id")
    _effective(state, from_period, after_changes=False)
    last = state.suspensions[-1].resumed_from if state.suspensions else None
    if last is not None and from_period < last:
        raise DomainError(
            "effective_too_early", "the month is before the last resumption", field="from_period"
        )
    assert state.entitlement_id is not None
    return [EntitlementSuspended(state.entitlement_id, reason, str(from_period))]


def resume(state: Entitlement, *, from_period: Period) -> list[DomainEvent]:
    """Lift the suspension (恢复发放) from a month after it began."""
    _open(state)
    if state.status is not Status.SUSPENDED:
        raise Conflict("not_suspended", "the entitlement is not suspended", field="entitlement_id")
    if not state.suspensions[-1].from_period < from_period:
        raise DomainError(
            "effective_too_early", "resumption is after the suspension began", field="from_period"
        )
    assert state.entitlement_id is not None
    return [EntitlementResumed(state.entitlement_id, str(from_period))]


def cancel(
    state: Entitlement,
    reason: CancelReason,
    effective_from: Period,
    *,
    note: str = "",
    transferred_to: str | None = None,
) -> list[DomainEvent]:
    """Cancel (注销) from ``effective_from`` (the first month not paid): 404 for no entitlement,
    409 ``entitlement_ended`` for one ended already."""
    current = _open(state)
    assert state.entitlement_id is not None
    return [
        EntitlementCancelled(
            entitlement_id=state.entitlement_id,
            person=state.person,
            resident_id=state.resident_id,
            residence=state.residence,
            category=current.category.value,
            key=current.key,
            reason=reason.value,
            effective_from=str(effective_from),
            note=note,
            transferred_to=transferred_to,
        )
    ]


def transfer_out(
    state: Entitlement, *, to_county: str, transferred_on: date, today: date
) -> list[DomainEvent]:
    """Transfer to another county (迁出): this county pays the current year, nothing from the next
    1 January."""
    if transferred_on > today:
        raise DomainError("transfer_in_future", "the transfer date has not come", field="transferred_on")
    if state.residence.startswith(to_county[:6]):
        raise DomainError("same_county", "the new county is this county", field="to_county")
    ends = Period(transferred_on.year + 1, 1)
    return cancel(state, CancelReason.TRANSFERRED_OUT, ends, transferred_to=to_county)


__all__ = [
    "ENTITLEMENT_EVENTS",
    "CancelReason",
    "CategoryChanged",
    "Decision",
    "EntitledPersonRecognised",
    "Entitlement",
    "EntitlementCancelled",
    "EntitlementResumed",
    "EntitlementSuspended",
    "GradeChanged",
    "Status",
    "Suspension",
    "cancel",
    "change_terms",
    "evolve",
    "recognise",
    "resume",
    "starts_after",
    "suspend",
    "transfer_out",
]

Decision = Callable[[Entitlement], list[DomainEvent]]
"""A decision on one entitlement's state."""
