"""The 低保 household (最低生活保障家庭): from application to approval, rechecks and termination.

The county procedure, in order: application at the township (申请) → home investigation (入户调查)
→ economic-status check (家庭经济状况核对) → democratic appraisal (民主评议) → township preliminary
review (镇街初审) → for close relatives of officials, an extra review (近亲属备案审核) → public
notice (公示) at the village for the notice period, during which objections are raised and must be
resolved → county approval (审批) or rejection. Once approved: annual recheck (年审), suspension,
resumption, self-declared withdrawal, and death of a member.

Each decision is a function ``(state, command…) -> list[DomainEvent]`` (typed: ``events.py``);
``evolve`` folds them back into the state. Amounts are never stored as "the" amount: the
household keeps its *basis* (members and per-capita income from a period on) and the amount of
a month is computed from that basis and the standard in force in that month, so a raise of the
standard pays more from its effective month.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from enum import StrEnum

from minzheng_contracts import Period
from minzheng_kernel.errors import Conflict, DomainError, Forbidden, NotFound
from minzheng_kernel.events import DomainEvent

from . import events as ev
from .amounts import monthly_amount, per_capita_income
from .overpayments import Overpayment, PaidMonth, overpaid_months
from .periods import county_today
from .standards import Parameter, Standard, StandardsTable


class Status(StrEnum):
    NONE = "none"
    REVIEWING = "reviewing"  # 审核中
    NOTICE = "notice"  # 公示中
    ACTIVE = "active"  # 在保
    SUSPENDED = "suspended"  # 暂停
    REJECTED = "rejected"  # 不予批准
    WITHDRAWN = "withdrawn"  # 主动退保
    TERMINATED = "terminated"  # 终止


class Step(StrEnum):
    INVESTIGATION = "investigation"
    ECONOMIC_CHECK = "economic_check"
    APPRAISAL = "appraisal"
    TOWNSHIP_REVIEW = "township_review"
    RELATIVE_REVIEW = "relative_review"


REVIEW_ORDER = (Step.INVESTIGATION, Step.ECONOMIC_CHECK, Step.APPRAISAL, Step.TOWNSHIP_REVIEW)
CLOSED = (Status.REJECTED, Status.WITHDRAWN, Status.TERMINATED)


@dataclass(frozen=True, slots=True)
class Member:
    resident_id: str
    relationship: str
    monthly_income_fen: int
    employment: str
    alive: bool = True


@dataclass(frozen=True, slots=True)
class Basis:
    """From ``effective_from`` on, the household is paid for ``members`` at ``per_capita_income_fen``."""

    effective_from: Period
    members: int
    per_capita_income_fen: int


@dataclass(frozen=True, slots=True)
class Household:
    household_id: str = ""
    programme: str = ""
    residence: str = ""
    members: tuple[Member, ...] = ()
    official_relative: bool = False
    status: Status = Status.NONE
    passed: frozenset[Step] = frozenset()
    failed: frozenset[Step] = frozenset()
    notice_ends_at: datetime | None = None
    objections: frozenset[str] = frozenset()  # open ones
    raised: tuple[tuple[str, str], ...] = ()
    """Every objection ever raised, ``(id, summary)``: a re-sent one is recognised against it."""
    objections_upheld: int = 0
    classification: str | None = None
    bases: tuple[Basis, ...] = ()
    recheck_due: bool = False
    closed_reason: str | None = None
    ends_from: Period | None = None
    """A terminated case is paid for the months before this one (the month after a death)."""
    overpayments: tuple[Overpayment, ...] = ()
    flagged: tuple[str, ...] = ()
    """The business keys of the rechecks other offices flagged (a marriage, a divorce)."""
    application: ev.HouseholdApplied | None = None
    """The application as recorded: a re-sent one is recognised against it."""
    investigated_by: str | None = None
    """Who recorded the home investigation (入户调查): they cannot approve this household."""

    @property
    def category(self) -> str:
        return "urban" if self.programme == "dibao_urban" else "rural"

    @property
    def standard_parameter(self) -> Parameter:
        return Parameter.DIBAO_URBAN if self.programme == "dibao_urban" else Parameter.DIBAO_RURAL

    @property
    def living(self) -> tuple[Member, ...]:
        return tuple(m for m in self.members if m.alive)

    def basis_for(self, period: Period) -> Basis | None:
        current = [b for b in self.bases if b.effective_from <= period]
        return max(current, key=lambda b: b.effective_from) if current else None

    def payable_in(self, period: Period) -> bool:
        """The case is paid for ``period``: it is active, or it was terminated from a later month
        (a death is paid for its own month)."""
        if self.status == Status.ACTIVE:
            return True
        return self.status == Status.TERMINATED and self.ends_from is not None and period < self.ends_from

    def amount_for(self, period: Period, standards: StandardsTable) -> tuple[int, Standard] | None:
        """The month's amount and the standard it used, or ``None`` if nothing is due."""
        if not self.payable_in(period):
            return None
        return self._entitlement(period, standards)

    def _entitlement(self, period: Period, standards: StandardsTable) -> tuple[int, Standard] | None:
        basis = self.basis_for(period)
        if basis is None:
            return None
        standard = standards.in_force(self.standard_parameter, self.residence, period.first_day)
        return monthly_amount(standard.value, basis.per_capita_income_fen, basis.members), standard

    def due_for(self, period: Period, standards: StandardsTable) -> int:
        """What the household was entitled to for ``period`` on what is known now, whether or not it
        is paid now (a suspension does not make a paid month an overpayment): 0 from its end."""
        if self.ends_from is not None and period >= self.ends_from:
            return 0
        if self.status in (Status.REJECTED, Status.WITHDRAWN):
            return 0
        due = self._entitlement(period, standards)
        return max(due[0], 0) if due is not None else 0


# ---------------------------------------------------------------------------------------- decisions


def _same_application(recorded: ev.HouseholdApplied, new: ev.HouseholdApplied) -> bool:
    return replace(new, applied_at=recorded.applied_at) == recorded


def apply(
    state: Household,
    *,
    household_id: str,
    programme: str,
    residence: str,
    members: list[Member],
    official_relative: bool,
    applied_at: datetime,
) -> list[DomainEvent]:
    """The application (申请). Re-sent with the same content it changes nothing (``[]``); the same
    household id with other content is refused (``id_reused``)."""
    if programme not in ("dibao_urban", "dibao_rural"):
        raise DomainError("unknown_programme", f"{programme!r} is not a 低保 programme", field="programme")
    if len(residence) < 9:
        raise DomainError(
            "residence_too_coarse", "residence must be a township or village code", field="residence"
        )
    ids = [m.resident_id for m in members]
    if len(set(ids)) != len(ids):
        raise DomainError("duplicate_member", "a person is listed twice", field="members")
    if sum(1 for m in members if m.relationship == "self") != 1:
        raise DomainError("one_applicant", "exactly one member is the applicant ('self')", field="members")
    for index, member in enumerate(members):
        if member.monthly_income_fen < 0:
            raise DomainError(
                "negative_income",
                "monthly income cannot be negative",
                field=f"members.{index}.monthly_income_fen",
            )
    fact = ev.HouseholdApplied(
        household_id=household_id,
        programme=programme,
        residence=residence,
        official_relative=official_relative,
        applied_at=applied_at.isoformat(),
        members=[
            {
                "resident_id": m.resident_id,
                "relationship": m.relationship,
                "monthly_income_fen": m.monthly_income_fen,
                "employment": m.employment,
            }
            for m in members
        ],
    )
    if state.application is not None:
        if _same_application(state.application, fact):
            return []
        raise Conflict(
            "id_reused", "this household id was already used for another application", field="household_id"
        )
    if state.status != Status.NONE:
        raise Conflict("already_applied", "this household has already applied", field="household_id")
    return [fact]


def _require_reviewing(state: Household) -> None:
    if state.status == Status.NONE:
        raise NotFound("no_application", "this household has not applied")
    if state.status != Status.REVIEWING:
        raise Conflict("not_under_review", f"the household is {state.status.value}, not under review")


def record_step(state: Household, step: Step, *, passed: bool, by: str, notes: str = "") -> list[DomainEvent]:
    """One review step (入户调查, 家庭经济状况核对, 民主评议, 镇街初审, 近亲属备案审核)."""
    _require_reviewing(state)
    if step in state.passed or step in state.failed:
        raise Conflict("step_already_recorded", f"{step.value} is already recorded", field="step")
    if step == Step.RELATIVE_REVIEW:
        if not state.official_relative:
            raise DomainError("no_relative_review", "only close relatives of officials need this review")
        required: tuple[Step, ...] = REVIEW_ORDER
    else:
        required = REVIEW_ORDER[: REVIEW_ORDER.index(step)]
    missing = [s.value for s in required if s not in state.passed]
    if missing:
        raise Conflict("step_out_of_order", f"{step.value} needs {', '.join(missing)} first", field="step")
    return [ev.ReviewStepRecorded(state.household_id, state.programme, step.value, passed, by, notes)]


def post_notice(state: Household, *, posted_at: datetime, standards: StandardsTable) -> list[DomainEvent]:
    """Post the 公示 at the village; its length is the notice-days standard in force there."""
    _require_reviewing(state)
    required = [*REVIEW_ORDER, *([Step.RELATIVE_REVIEW] if state.official_relative else [])]
    missing = [s.value for s in required if s not in state.passed]
    if missing:
        raise Conflict("review_not_complete", f"before the public notice: {', '.join(missing)}")
    days = standards.in_force(Parameter.NOTICE_DAYS, state.residence, posted_at.date())
    ends_at = posted_at + timedelta(days=days.value)
    return [
        ev.PublicNoticePosted(
            state.household_id,
            state.programme,
            posted_at=posted_at.isoformat(),
            ends_at=ends_at.isoformat(),
            standard_id=days.standard_id,
        )
    ]


def raise_objection(state: Household, *, objection_id: str, summary: str, at: datetime) -> list[DomainEvent]:
    """An objection during the notice. Re-sent (same id, same summary) it changes nothing, even
    after it was resolved; the same id with another summary is refused (``id_reused``)."""
    earlier = dict(state.raised).get(objection_id)
    if earlier is not None:
        if earlier == summary:
            return []
        raise Conflict(
            "id_reused", "this objection id was already used for another objection", field="objection_id"
        )
    if state.status != Status.NOTICE:
        raise Conflict("not_on_notice", "objections are raised while the household is on public notice")
    return [ev.ObjectionRaised(state.household_id, state.programme, objection_id, summary, at.isoformat())]


def resolve_objection(
    state: Household, *, objection_id: str, upheld: bool, resolution: str, by: str
) -> list[DomainEvent]:
    if objection_id not in state.objections:
        raise NotFound("unknown_objection", "no open objection with this id", field="objection_id")
    return [ev.ObjectionResolved(state.household_id, state.programme, objection_id, upheld, resolution, by)]


def approve(
    state: Household,
    *,
    now: datetime,
    standards: StandardsTable,
    approved_by: str,
    classification: str | None,
) -> list[DomainEvent]:
    """County approval (审批): only after the notice period, with no open or upheld objection, and
    not by the official who recorded the home investigation (maker-checker: 403
    ``same_official_investigated``)."""
    if state.investigated_by is not None and state.investigated_by == approved_by:
        raise Forbidden(
            "same_official_investigated",
            f"{approved_by} recorded this household's home investigation: another official approves it",
            field="household_id",
        )
    if state.status == Status.REVIEWING:
        raise Conflict("notice_not_posted", "the public notice has not been posted")
    if state.status != Status.NOTICE:
        raise Conflict("not_on_notice", f"the household is {state.status.value}")
    assert state.notice_ends_at is not None
    if state.objections:
        raise Conflict("open_objection", "an objection raised during the notice is not resolved yet")
    if state.objections_upheld:
        raise Conflict("objection_upheld", "an objection was upheld: the application can only be rejected")
    if now < state.notice_ends_at:
        raise Conflict(
            "notice_period_not_over", f"the public notice runs until {state.notice_ends_at.isoformat()}"
        )
    members = state.living
    per_capita = per_capita_income(m.monthly_income_fen for m in members)
    standard = standards.in_force(state.standard_parameter, state.residence, now.date())
    amount = monthly_amount(standard.value, per_capita, len(members))
    if amount <= 0:
        raise Conflict(
            "income_above_standard",
            f"per-capita income {per_capita} fen is not below the standard {standard.value} fen",
        )
    return [
        ev.ApprovalGranted(
            state.household_id,
            state.programme,
            category=state.category,
            classification=classification,
            member_count=len(members),
            per_capita_income_fen=per_capita,
            standard_id=standard.standard_id,
            standard_monthly_fen=standard.value,
            monthly_amount_fen=amount,
            effective_from=str(Period.of(county_today(now))),
            approved_by=approved_by,
        )
    ]


def reject(state: Household, *, reason: str, by: str) -> list[DomainEvent]:
    if state.status not in (Status.REVIEWING, Status.NOTICE):
        raise Conflict("cannot_reject", f"the household is {state.status.value}")
    if not reason.strip():
        raise DomainError("reason_required", "a rejection needs a reason", field="reason")
    return [ev.ApplicationRejected(state.household_id, state.programme, reason, by)]


def _amount_changed(
    state: Household, remaining: int, per_capita: int, next_period: Period, standard: Standard, reason: str
) -> ev.AmountChanged:
    return ev.AmountChanged(
        state.household_id,
        state.programme,
        effective_from=str(next_period),
        member_count=remaining,
        per_capita_income_fen=per_capita,
        monthly_amount_fen=monthly_amount(standard.value, per_capita, remaining),
        standard_id=standard.standard_id,
        reason=reason,
    )


def recheck(
    state: Household, *, incomes: dict[str, int], now: datetime, standards: StandardsTable, by: str
) -> list[DomainEvent]:
    """Annual recheck (年审): new incomes; the amount rises or falls from next month, or ends."""
    if state.status not in (Status.ACTIVE, Status.SUSPENDED):
        raise Conflict("not_in_receipt", f"the household is {state.status.value}")
    living = {m.resident_id: m for m in state.living}
    unknown = [rid for rid in incomes if rid not in living]
    if unknown:
        raise DomainError(
            "not_a_member", "an income was given for a person not in the household", field="incomes"
        )
    if any(v < 0 for v in incomes.values()):
        raise DomainError("negative_income", "monthly income cannot be negative", field="incomes")
    new_incomes = {rid: incomes.get(rid, m.monthly_income_fen) for rid, m in living.items()}
    per_capita = per_capita_income(new_incomes.values())
    next_period = Period.of(now.date()).next()
    standard = standards.in_force(state.standard_parameter, state.residence, next_period.first_day)
    facts: list[DomainEvent] = [
        ev.RecheckCompleted(state.household_id, state.programme, new_incomes, per_capita, by)
    ]
    if monthly_amount(standard.value, per_capita, len(living)) <= 0:
        facts.append(
            ev.BenefitTerminated(
                state.household_id, state.programme, "income_above_standard", str(next_period)
            )
        )
    else:
        facts.append(_amount_changed(state, len(living), per_capita, next_period, standard, "recheck"))
    return facts


def suspend(state: Household, *, reason: str, by: str) -> list[DomainEvent]:
    if state.status != Status.ACTIVE:
        raise Conflict("not_active", f"the household is {state.status.value}")
    return [ev.BenefitSuspended(state.household_id, state.programme, reason, by)]


def resume(state: Household, *, by: str) -> list[DomainEvent]:
    if state.status != Status.SUSPENDED:
        raise Conflict("not_suspended", f"the household is {state.status.value}")
    return [ev.BenefitResumed(state.household_id, state.programme, by)]


def withdraw(state: Household, *, reason: str) -> list[DomainEvent]:
    """Self-declared withdrawal (主动退保), at any stage before the case is closed."""
    if state.status in (*CLOSED, Status.NONE):
        raise Conflict("already_closed", f"the household is {state.status.value}")
    return [ev.BenefitWithdrawn(state.household_id, state.programme, reason)]


def member_died(
    state: Household,
    *,
    resident_id: str,
    date_of_death: date,
    registration_id: str,
    paid: Sequence[PaidMonth],
    standards: StandardsTable,
) -> list[DomainEvent]:
    """A death registered by the registry (死亡登记). The benefit is paid for the month of death and
    stops from the next month, counted from ``date_of_death`` (not from when the registration
    arrives): a sole member's death terminates the case from that month; in a larger household
    it is flagged for recheck and paid for fewer members from then on. Months already ``paid``
    from then on beyond what was due are an overpayment to recover (``OverpaymentRecorded``),
    never a negative payment. A repeated report (same person) changes nothing."""
    member = next((m for m in state.living if m.resident_id == resident_id), None)
    if member is None or state.status in CLOSED or state.status == Status.NONE:
        return []  # not ours, or already recorded: a repeated message changes nothing
    facts: list[DomainEvent] = [
        ev.MemberDeceased(
            state.household_id, state.programme, resident_id, date_of_death.isoformat(), registration_id
        )
    ]
    remaining = [m for m in state.living if m.resident_id != resident_id]
    ends = Period.of(date_of_death).next()
    if not remaining:
        facts.append(ev.BenefitTerminated(state.household_id, state.programme, "death", str(ends)))
    elif state.status in (Status.ACTIVE, Status.SUSPENDED):
        # a death before the approval took effect changes the amount from the approval on
        effective = max(ends, min((b.effective_from for b in state.bases), default=ends))
        per_capita = per_capita_income(m.monthly_income_fen for m in remaining)
        standard = standards.in_force(state.standard_parameter, state.residence, effective.first_day)
        facts.append(
            _amount_changed(state, len(remaining), per_capita, effective, standard, "member_deceased")
        )
    after = state
    for fact in facts:
        after = evolve(after, fact)
    months = overpaid_months(paid, from_period=ends, due=lambda p: after.due_for(p, standards))
    if months:
        facts.append(
            ev.OverpaymentRecorded(
                state.household_id,
                state.programme,
                overpayment_id=f"death/{registration_id}",
                reason="death",
                cause_date=date_of_death.isoformat(),
                months=months,
                total_fen=sum(m["overpaid_fen"] for m in months),
            )
        )
    return facts


def flag_recheck(
    state: Household, *, key: str, reason: str, certificate_number: str, registered_on: date
) -> list[DomainEvent]:
    """Another office registered a fact about a member (a marriage, a divorce): the open case is
    flagged for recheck (需复核); its amount does not change until the recheck. The same ``key``
    again changes nothing."""
    if key in state.flagged or state.status in CLOSED or state.status == Status.NONE:
        return []
    return [
        ev.RecheckFlagged(
            state.household_id,
            state.programme,
            key=key,
            reason=reason,
            certificate_number=certificate_number,
            registered_on=registered_on.isoformat(),
        )
    ]


# ---------------------------------------------------------------------------------------- evolve


def _basis(effective_from: str, members: int, per_capita: int) -> Basis:
    return Basis(Period.parse(effective_from), members, per_capita)


def evolve(state: Household, event: DomainEvent) -> Household:
    match event:
        case ev.HouseholdApplied():
            return replace(
                state,
                household_id=event.household_id,
                programme=event.programme,
                residence=event.residence,
                official_relative=event.official_relative,
                members=tuple(
                    Member(m["resident_id"], m["relationship"], m["monthly_income_fen"], m["employment"])
                    for m in event.members
                ),
                status=Status.REVIEWING,
                application=event,
            )
        case ev.ReviewStepRecorded(step=step, passed=passed, by=by):
            if step == Step.INVESTIGATION:
                state = replace(state, investigated_by=by)
            if passed:
                return replace(state, passed=state.passed | {Step(step)})
            return replace(state, failed=state.failed | {Step(step)})
        case ev.PublicNoticePosted(ends_at=ends_at):
            return replace(state, status=Status.NOTICE, notice_ends_at=datetime.fromisoformat(ends_at))
        case ev.ObjectionRaised(objection_id=oid, summary=summary):
            return replace(state, objections=state.objections | {oid}, raised=(*state.raised, (oid, summary)))
        case ev.ObjectionResolved(objection_id=oid, upheld=upheld):
            return replace(
                state,
                objections=state.objections - {oid},
                objections_upheld=state.objections_upheld + (1 if upheld else 0),
            )
        case ev.ApprovalGranted():
            basis = _basis(event.effective_from, event.member_count, event.per_capita_income_fen)
            return replace(
                state, status=Status.ACTIVE, classification=event.classification, bases=(*state.bases, basis)
            )
        case ev.ApplicationRejected(reason=reason):
            return replace(state, status=Status.REJECTED, closed_reason=reason)
        case ev.RecheckCompleted(incomes=incomes):
            members = tuple(
                replace(m, monthly_income_fen=incomes.get(m.resident_id, m.monthly_income_fen))
                for m in state.members
            )
            return replace(state, members=members, recheck_due=False)
        case ev.AmountChanged():
            # the latest decision holds from its month on: one dated back (a death reported late)
            # replaces the bases it precedes
            basis = _basis(event.effective_from, event.member_count, event.per_capita_income_fen)
            kept = tuple(b for b in state.bases if b.effective_from < basis.effective_from)
            return replace(state, bases=(*kept, basis))
        case ev.BenefitSuspended():
            return replace(state, status=Status.SUSPENDED)
        case ev.BenefitResumed():
            return replace(state, status=Status.ACTIVE)
        case ev.BenefitWithdrawn(reason=reason):
            return replace(state, status=Status.WITHDRAWN, closed_reason=reason)
        case ev.BenefitTerminated(reason=reason, effective_from=ends):
            return replace(
                state,
                status=Status.TERMINATED,
                closed_reason=reason,
                ends_from=Period.parse(ends) if ends else None,
            )
        case ev.MemberDeceased(resident_id=rid):
            members = tuple(replace(m, alive=False) if m.resident_id == rid else m for m in state.members)
            return replace(state, members=members, recheck_due=True)
        case ev.OverpaymentRecorded():
            overpayment = Overpayment(
                event.overpayment_id, event.reason, event.cause_date, tuple(event.months), event.total_fen
            )
            return replace(state, overpayments=(*state.overpayments, overpayment))
        case ev.RecheckFlagged(key=key):
            return replace(state, flagged=(*state.flagged, key), recheck_due=True)
    return state
