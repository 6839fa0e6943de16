"""特困 support, temporary aid (临时救助) and medical aid (医疗救助): smaller aggregates."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime
from enum import StrEnum

from minzheng_contracts import Period
from minzheng_kernel.errors import Conflict, DomainError
from minzheng_kernel.events import DomainEvent

from . import events as ev
from .amounts import reimbursement
from .standards import Parameter, Standard, StandardsTable


class SupportMode(StrEnum):
    CENTRALISED = "centralised"  # 集中供养 (in a care home)
    DISPERSED = "dispersed"  # 分散供养 (at home)


MODE_PARAMETER = {
    SupportMode.CENTRALISED: Parameter.TEKUN_CENTRALISED,
    SupportMode.DISPERSED: Parameter.TEKUN_DISPERSED,
}


@dataclass(frozen=True, slots=True)
class TekunSupport:
    """特困人员供养 (formerly 五保): one person, supported monthly, centralised or dispersed."""

    person: str = ""
    residence: str = ""
    mode: SupportMode = SupportMode.DISPERSED
    active: bool = False
    closed: bool = False
    case_id: str = ""

    def amount_for(self, period: Period, standards: StandardsTable) -> tuple[int, Standard] | None:
        if not self.active:
            return None
        standard = standards.in_force(MODE_PARAMETER[self.mode], self.residence, period.first_day)
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
    """Confirm a 特困 case; re-sent for the same person it changes nothing, for another it is refused."""
    if state.active or state.closed:
        if state.person == person and state.residence == residence:
            return []
        raise Conflict("id_reused", "this case id was already used for another person", field="case_id")
    return [ev.TekunSupportConfirmed(case_id, person, residence, mode.value, confirmed_by, at.isoformat())]


def change_mode(state: TekunSupport, *, mode: SupportMode, by: str) -> list[DomainEvent]:
    if not state.active:
        raise Conflict("not_active", "the support case is not active")
    if state.mode == mode:
        return []
    return [ev.SupportModeChanged(state.case_id, mode.value, by, from_mode=state.mode.value)]


def end_tekun(state: TekunSupport, *, reason: str) -> list[DomainEvent]:
    if not state.active:
        return []
    return [ev.TekunSupportEnded(state.case_id, reason)]


def evolve_tekun(state: TekunSupport, event: DomainEvent) -> TekunSupport:
    match event:
        case ev.TekunSupportConfirmed():
            return TekunSupport(
                event.person, event.residence, SupportMode(event.mode), True, False, event.case_id
            )
        case ev.SupportModeChanged(to=to):
            return replace(state, mode=SupportMode(to))
        case ev.TekunSupportEnded():
            return replace(state, active=False, closed=True)
    return state


class AidCause(StrEnum):
    ILLNESS = "illness"
    ACCIDENT = "accident"
    FIRE = "fire"
    DISASTER = "disaster"
    OTHER = "other"


def grant_temporary_aid(
    *,
    grant_id: str,
    beneficiary: str,
    residence: str,
    cause: AidCause,
    amount_fen: int,
    on: date,
    standards: StandardsTable,
) -> list[DomainEvent]:
    """临时救助: a one-off grant, within the per-grant limit in force for the place."""
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


@dataclass(frozen=True, slots=True)
class MedicalYear:
    """Medical aid paid to one person in one calendar year, against the annual cap."""

    paid_fen: int = 0
    claims: frozenset[str] = frozenset()


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
    up to the cap and says so."""
    if claim_id in state.claims:
        return []
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
        return MedicalYear(state.paid_fen + event.paid_fen, state.claims | {event.claim_id})
    return state
