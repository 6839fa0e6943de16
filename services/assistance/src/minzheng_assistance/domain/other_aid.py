"""特困 support, temporary aid (临时救助) and medical aid (医疗救助): smaller aggregates."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime
from enum import StrEnum

from minzheng_contracts import Period
from minzheng_kernel.errors import Conflict, DomainError
from minzheng_kernel.events import DomainEvent

from . import events as ev
from .amounts import reimbursement
from .overpayments import Overpayment, PaidMonth, overpaid_months
from .standards import Parameter, Standard, StandardsTable


class SupportMode(StrEnum):
    CENTRALISED = "centralised"  # 集中供养 (in a care home)
    DISPERSED = "dispersed"  # 分散供养 (at home)


MODE_PARAMETER = {
    SupportMode.CENTRALISED: Parameter.TEKUN_CENTRALISED,
    SupportMode.DISPERSED: Parameter.TEKUN_DISPERSED,
}


@dataclass(frozen=True, slots=True)
class ModeFrom:
    """供养方式 from a month on: ``mode`` is paid from ``period`` (``None``: from the start)."""

    period: Period | None
    mode: SupportMode


def mode_in(modes: Sequence[ModeFrom], period: Period, default: SupportMode) -> SupportMode:
    """The mode paid in ``period`` by the timeline ``modes`` (in order of their months, an undated
    entry first): the last entry begun by then; ``default`` if none has."""
    found = default
    for entry in modes:
        if entry.period is None or entry.period <= period:
            found = entry.mode
    return found


@dataclass(frozen=True, slots=True)
class TekunSupport:
    """特困人员供养 (formerly 五保): one person, supported monthly, centralised or dispersed."""

    person: str = ""
    residence: str = ""
    mode: SupportMode = SupportMode.DISPERSED
    active: bool = False
    closed: bool = False
    case_id: str = ""
    confirmed: ev.TekunSupportConfirmed | None = None
    """The confirmation as recorded: a re-sent one is recognised against it."""
    ends_from: Period | None = None
    """An ended case is paid for the months before this one (a death: its own month)."""
    overpayments: tuple[Overpayment, ...] = ()
    modes: tuple[ModeFrom, ...] = ()
    """The modes by month (the confirmed or last undated mode, then the changes from a month on);
    ``mode`` is the last of them (the case's mode as last decided)."""
    causes: frozenset[str] = frozenset()
    """The residency facts (``admitted/<residency id>``, ``discharged/<residency id>``) that
    changed the mode: one taken in again changes nothing."""

    def payable_in(self, period: Period) -> bool:
        return self.active or (self.ends_from is not None and period < self.ends_from)

    def mode_in(self, period: Period) -> SupportMode:
        """The mode paid in ``period`` (集中 / 分散供养)."""
        return mode_in(self.modes, period, self.mode)

    def amount_for(self, period: Period, standards: StandardsTable) -> tuple[int, Standard] | None:
        if not self.payable_in(period):
            return None
        standard = standards.in_force(MODE_PARAMETER[self.mode_in(period)], self.residence, period.first_day)
        return standard.value, standard


def confirm_tekun(
    state: TekunSupport,
    *,
    case_id: str,
    person: str,
    residence: str,
    mode: SupportMode,
    confirmed_by: str,
    at: datetime,
) -> list[DomainEvent]:
    """Confirm a 特困 case. Re-sent with the same content (person, residence, mode as first
    confirmed) it changes nothing; the same case id with other content is refused (``id_reused``)."""
    if state.confirmed is not None:
        first = state.confirmed
        if (first.person, first.residence, first.mode) == (person, residence, mode.value):
            return []
        raise Conflict("id_reused", "this case id was already used for another confirmation", field="case_id")
    return [ev.TekunSupportConfirmed(case_id, person, residence, mode.value, confirmed_by, at.isoformat())]


def change_mode(state: TekunSupport, *, mode: SupportMode, by: str) -> list[DomainEvent]:
    """The mode for every month not yet paid; the same mode for every month already changes
    nothing (a change from a month on pending, the case is not yet in that mode for all)."""
    if not state.active:
        raise Conflict("not_active", "the support case is not active")
    if state.mode == mode and all(entry.mode == mode for entry in state.modes):
        return []
    return [ev.SupportModeChanged(state.case_id, mode.value, by, from_mode=state.mode.value)]


RESIDENCY_ACTOR = "eldercare-policy"
"""Who changes a mode on eldercare's admissions and discharges (the subscription's actor)."""


def change_mode_from(
    state: TekunSupport,
    *,
    mode: SupportMode,
    effective_from: Period,
    cause: str,
    cause_date: date,
    paid: Sequence[PaidMonth] = (),
    standards: StandardsTable | None = None,
) -> list[DomainEvent]:
    """The support mode changes from the month ``effective_from`` on (a 特困 person admitted to a
    敬老院 is in centralised support 集中供养 from the month after the admission; discharged home or
    to a transfer, dispersed 分散供养 from the month after the discharge). ``cause`` is the fact
    (``admitted/<residency id>``): taken in again it changes nothing, and so does a change to the
    mode the case already has from that month on. A case not active changes nothing. Months
    already paid from ``effective_from`` on at more than the new mode's standard (``paid``, with
    ``standards``) are recorded as an overpayment to recover (``TekunOverpaymentRecorded``); a
    paid month is never reversed. ``cause_date`` is the day of the fact (the admission, the
    discharge)."""
    if not state.active or cause in state.causes:
        return []
    later = [
        entry.period for entry in state.modes if entry.period is not None and entry.period > effective_from
    ]
    if all(state.mode_in(p) == mode for p in (effective_from, *later)):
        return []
    facts: list[DomainEvent] = [
        ev.SupportModeChanged(
            state.case_id,
            mode.value,
            RESIDENCY_ACTOR,
            from_mode=state.mode_in(effective_from).value,
            effective_from=str(effective_from),
            cause=cause,
        )
    ]
    if paid and standards is not None:

        def due(period: Period) -> int:
            return standards.in_force(MODE_PARAMETER[mode], state.residence, period.first_day).value

        months = overpaid_months(paid, from_period=effective_from, due=due)
        if months:
            facts.append(
                ev.TekunOverpaymentRecorded(
                    state.case_id,
                    overpayment_id=f"mode/{cause}",
                    reason="mode_changed",
                    cause_date=cause_date.isoformat(),
                    months=months,
                    total_fen=sum(m["overpaid_fen"] for m in months),
                )
            )
    return facts


def end_tekun(state: TekunSupport, *, reason: str) -> list[DomainEvent]:
    if not state.active:
        return []
    return [ev.TekunSupportEnded(state.case_id, reason)]


def person_died(
    state: TekunSupport, *, date_of_death: date, registration_id: str, paid: Sequence[PaidMonth]
) -> list[DomainEvent]:
    """The supported person died (死亡登记): support is paid for the month of death and ends from
    the next month, counted from ``date_of_death``; months already paid from then on are an
    overpayment to recover (``TekunOverpaymentRecorded``), never a negative payment."""
    if not state.active:
        return []
    ends = Period.of(date_of_death).next()
    facts: list[DomainEvent] = [ev.TekunSupportEnded(state.case_id, "death", str(ends))]
    months = overpaid_months(paid, from_period=ends, due=lambda _: 0)
    if months:
        facts.append(
            ev.TekunOverpaymentRecorded(
                state.case_id,
                overpayment_id=f"death/{registration_id}",
                reason="death",
                cause_date=date_of_death.isoformat(),
                months=months,
                total_fen=sum(m["overpaid_fen"] for m in months),
            )
        )
    return facts


def evolve_tekun(state: TekunSupport, event: DomainEvent) -> TekunSupport:
    match event:
        case ev.TekunSupportConfirmed():
            confirmed = TekunSupport(
                event.person, event.residence, SupportMode(event.mode), True, False, event.case_id, event
            )
            return replace(confirmed, modes=(ModeFrom(None, confirmed.mode),))
        case ev.SupportModeChanged(to=to, effective_from=""):
            return replace(state, mode=SupportMode(to), modes=(ModeFrom(None, SupportMode(to)),))
        case ev.SupportModeChanged(to=to, effective_from=effective, cause=cause):
            start = Period.parse(effective)
            kept = tuple(m for m in state.modes if m.period is None or m.period < start)
            return replace(
                state,
                mode=SupportMode(to),
                modes=(*kept, ModeFrom(start, SupportMode(to))),
                causes=state.causes | {cause},
            )
        case ev.TekunSupportEnded(ends_from=ends):
            return replace(state, active=False, closed=True, ends_from=Period.parse(ends) if ends else None)
        case ev.TekunOverpaymentRecorded():
            overpayment = Overpayment(
                event.overpayment_id, event.reason, event.cause_date, tuple(event.months), event.total_fen
            )
            return replace(state, overpayments=(*state.overpayments, overpayment))
    return state


class AidCause(StrEnum):
    ILLNESS = "illness"
    ACCIDENT = "accident"
    FIRE = "fire"
    DISASTER = "disaster"
    OTHER = "other"


def grant_temporary_aid(
    state: ev.TemporaryAidGranted | None,
    *,
    grant_id: str,
    beneficiary: str,
    residence: str,
    cause: AidCause,
    amount_fen: int,
    on: date,
    standards: StandardsTable,
) -> list[DomainEvent]:
    """临时救助: a one-off grant, within the per-grant limit in force for the place. Re-sent with the
    same content it changes nothing; the same grant id with other content is refused (``id_reused``)."""
    if state is not None:
        if (state.beneficiary, state.residence, state.cause, state.amount_fen) == (
            beneficiary,
            residence,
            cause.value,
            amount_fen,
        ):
            return []
        raise Conflict("id_reused", "this grant id was already used for another grant", field="grant_id")
    if amount_fen <= 0:
        raise DomainError("amount_not_positive", "the grant must be a positive amount", field="amount_fen")
    limit = standards.in_force(Parameter.TEMPORARY_AID_LIMIT, residence, on)
    if amount_fen > limit.value:
        raise DomainError(
            "over_temporary_aid_limit",
            f"the limit for one grant here is {limit.value} fen ({limit.standard_id})",
            field="amount_fen",
        )
    return [
        ev.TemporaryAidGranted(
            grant_id, beneficiary, residence, cause.value, amount_fen, standard_id=limit.standard_id
        )
    ]


def evolve_temporary(
    state: ev.TemporaryAidGranted | None, event: DomainEvent
) -> ev.TemporaryAidGranted | None:
    return event if isinstance(event, ev.TemporaryAidGranted) else state


@dataclass(frozen=True, slots=True)
class MedicalYear:
    """Medical aid paid to one person in one calendar year, against the annual cap."""

    paid_fen: int = 0
    paid: tuple[ev.MedicalAidPaid, ...] = ()

    def claim(self, claim_id: str) -> ev.MedicalAidPaid | None:
        """The claim as paid, if this year paid it."""
        return next((c for c in self.paid if c.claim_id == claim_id), None)


@dataclass(frozen=True, slots=True)
class Receipt:
    number: str
    amount_fen: int


def claim_medical_aid(
    state: MedicalYear,
    *,
    claim_id: str,
    beneficiary: str,
    residence: str,
    receipts: list[Receipt],
    on: date,
    standards: StandardsTable,
) -> list[DomainEvent]:
    """医疗救助: reimburse the receipts at the rate in force; a claim over the annual cap is paid
    up to the cap and says so. Re-sent with the same content it changes nothing (the claim as paid
    is ``state.claim(claim_id)``); the same claim id with other content is refused (``id_reused``)."""
    earlier = state.claim(claim_id)
    if earlier is not None:
        same = [{"number": r.number, "amount_fen": r.amount_fen} for r in receipts]
        if (earlier.beneficiary, earlier.residence, earlier.receipts) == (beneficiary, residence, same):
            return []
        raise Conflict("id_reused", "this claim id was already used for another claim", field="claim_id")
    if not receipts:
        raise DomainError(
            "receipts_required", "a medical aid claim needs at least one receipt", field="receipts"
        )
    for index, receipt in enumerate(receipts):
        if receipt.amount_fen <= 0:
            raise DomainError(
                "receipt_amount_not_positive",
                "receipt amounts must be positive",
                field=f"receipts.{index}.amount_fen",
            )
    rate = standards.in_force(Parameter.MEDICAL_RATE, residence, on)
    cap = standards.in_force(Parameter.MEDICAL_ANNUAL_CAP, residence, on)
    eligible = sum(r.amount_fen for r in receipts)
    computed = reimbursement(eligible, rate.value)
    room = max(0, cap.value - state.paid_fen)
    paid = min(computed, room)
    return [
        ev.MedicalAidPaid(
            claim_id=claim_id,
            beneficiary=beneficiary,
            residence=residence,
            receipts=[{"number": r.number, "amount_fen": r.amount_fen} for r in receipts],
            eligible_fen=eligible,
            computed_fen=computed,
            paid_fen=paid,
            capped=paid < computed,
            cap_remaining_fen=room - paid,
            standard_id=f"{rate.standard_id}|{cap.standard_id}",
        )
    ]


def evolve_medical(state: MedicalYear, event: DomainEvent) -> MedicalYear:
    if isinstance(event, ev.MedicalAidPaid):
        return MedicalYear(state.paid_fen + event.paid_fen, (*state.paid, event))
    return state
