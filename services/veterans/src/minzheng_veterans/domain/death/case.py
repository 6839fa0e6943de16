"""The death-benefit case (抚恤丧葬案件) of an entitled person, pure (veterans-rules §2).

Opened by ``DeathRegistered`` on date D, once per person: the person's entitlements are paid
through ``Period.of(D)`` and end from the next month (the application cancels them in the same
unit); every month paid after the month of death is ``OverpaymentRecorded`` with a recovery task
(追回), never a negative payment and never netted against a one-off. A task is closed by what a
caseworker records: repayments (退回, against a receipt; partial ones add up, never above what is
owed) until nothing is owed (``repaid``), or the county approver's waiver of the rest, with a
reason (核销, ``waived``).

States: ``awaiting_cause`` (a disabled serviceman 因战 / 因公: a caseworker decides whether he died of
illness or of a recurring war or duty wound, 旧伤复发) → ``determined`` → ``payee_recorded`` →
``paid``. Other cases are determined on opening; a case whose standard is not in force yet waits
in ``awaiting_standard`` for a caseworker to determine it again.

One one-off per death, by the category held (a disabled entitlement first, then a survivor's):

- disabled, died of illness: the funeral subsidy, 12 months of the disability pension on D;
  因战 / 因公 grade 1–4: the survivors may claim the 病故 survivors' 定期抚恤金
  (``SurvivorEligibilityOpened`` kind ``illness``);
- disabled 因战 / 因公, recurring wound: the one-off pension (20 × income + 40 × wage), no funeral
  subsidy; the survivors get 因公牺牲 survivor treatment (kind ``duty``);
- survivor on 定期抚恤金: 6 months of that pension;
- any other category: the local funeral grant.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date
from enum import StrEnum

from minzheng_contracts import Period
from minzheng_kernel.errors import Conflict, DomainError, NotFound
from minzheng_kernel.events import DomainEvent, EventTypes
from minzheng_kernel.standards import StandardsTable

from ..entitlement.categories import Category, Terms
from ..entitlement.entitlement import Entitlement
from ..pensions.amounts import annual_fen
from . import amounts as a


class Status(StrEnum):
    NONE = "none"
    AWAITING_CAUSE = "awaiting_cause"
    AWAITING_STANDARD = "awaiting_standard"
    DETERMINED = "determined"
    PAYEE_RECORDED = "payee_recorded"
    PAID = "paid"


class Cause(StrEnum):
    ILLNESS = "illness"  # 病故
    RECURRING_WOUND = "recurring_wound"  # 旧伤复发


class Relation(StrEnum):
    SPOUSE = "spouse"
    CHILD = "child"
    PARENT = "parent"
    SIBLING = "sibling"
    OTHER = "other"


MAX_NAME = 50


@dataclass(frozen=True, slots=True)
class DeathBenefitCaseOpened(DomainEvent):
    case_id: str
    person: str
    resident_id: str
    """The deceased (the one-off is theirs; masked in responses but for the approver and auditor)."""
    residence: str
    died_on: str
    death_event_id: str
    entitlement_id: str
    """The entitlement the one-off follows (``held`` picks it)."""
    category: str
    key: str | None
    ended: tuple[str, ...]
    """Every entitlement the death ended."""


@dataclass(frozen=True, slots=True)
class OverpaymentRecorded(DomainEvent):
    case_id: str
    entitlement_id: str
    period: str
    amount_fen: int
    payment_ids: tuple[str, ...]
    recovery_task_id: str


@dataclass(frozen=True, slots=True)
class DeathCauseDetermined(DomainEvent):
    case_id: str
    cause: str
    wage_fen: int | None


@dataclass(frozen=True, slots=True)
class FuneralSubsidyDetermined(DomainEvent):
    case_id: str
    kind: str
    """``funeral_subsidy`` (丧葬补助) or ``funeral_grant`` (丧葬费)."""
    amount_fen: int
    standard_ids: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class OneOffPensionDetermined(DomainEvent):
    case_id: str
    amount_fen: int
    wage_fen: int
    standard_ids: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class SurvivorEligibilityOpened(DomainEvent):
    case_id: str
    survivor_kind: str
    """The survivors' category key it opens: ``illness`` (病故) or ``duty`` (因公牺牲)."""


@dataclass(frozen=True, slots=True)
class PayeeRecorded(DomainEvent):
    case_id: str
    name: str
    relation: str


@dataclass(frozen=True, slots=True)
class RepaymentRecorded(DomainEvent):
    """Part or all of an overpayment repaid (退回), against a receipt (缴款凭证)."""

    case_id: str
    recovery_task_id: str
    receipt: str
    amount_fen: int
    repaid_on: str
    note: str = ""


@dataclass(frozen=True, slots=True)
class RecoveryWaived(DomainEvent):
    """What was still owed on a task waived (核销) by the county approver, with the reason."""

    case_id: str
    recovery_task_id: str
    amount_fen: int
    reason: str


@dataclass(frozen=True, slots=True)
class RecoveryTaskClosed(DomainEvent):
    """Nothing more is owed: ``repaid`` (in full) or ``waived`` (the rest written off)."""

    case_id: str
    recovery_task_id: str
    outcome: str


@dataclass(frozen=True, slots=True)
class DeathBenefitPaid(DomainEvent):
    case_id: str
    payment_id: str
    """A UUID derived from the case (``payment_id``): one payment per case."""
    resident_id: str
    kind: str
    amount_fen: int
    standard_ids: tuple[str, ...]


CASE_EVENTS = EventTypes(
    DeathBenefitCaseOpened,
    OverpaymentRecorded,
    DeathCauseDetermined,
    FuneralSubsidyDetermined,
    OneOffPensionDetermined,
    SurvivorEligibilityOpened,
    PayeeRecorded,
    DeathBenefitPaid,
    RepaymentRecorded,
    RecoveryWaived,
    RecoveryTaskClosed,
)


class Outcome(StrEnum):
    REPAID = "repaid"  # 已追回
    WAIVED = "waived"  # 已核销 (the rest, after any repayments)


@dataclass(frozen=True, slots=True)
class Overpayment:
    """A month paid after the month of death, and its recovery task (追回): open until what is
    owed (``amount_fen``) is repaid or the rest waived."""

    entitlement_id: str
    period: Period
    amount_fen: int
    payment_ids: tuple[str, ...]
    recovery_task_id: str
    repaid_fen: int = 0
    receipts: tuple[str, ...] = ()
    waived_fen: int = 0
    waiver_reason: str | None = None
    outcome: Outcome | None = None

    @property
    def outstanding_fen(self) -> int:
        return self.amount_fen - self.repaid_fen - self.waived_fen

    @property
    def closed(self) -> bool:
        return self.outcome is not None


@dataclass(frozen=True, slots=True)
class Case:
    """A death-benefit case's state, folded from its stream."""

    case_id: str | None = None
    person: str = ""
    resident_id: str = ""
    residence: str = ""
    died_on: date | None = None
    death_event_id: str = ""
    entitlement_id: str = ""
    category: str = ""
    key: str | None = None
    ended: tuple[str, ...] = ()
    status: Status = Status.NONE
    cause: str | None = None
    one_off: a.OneOff | None = None
    survivor_kind: str | None = None
    payee_name: str | None = None
    payee_relation: str | None = None
    payment_id: str | None = None
    overpayments: tuple[Overpayment, ...] = ()

    def exists(self) -> Case:
        if self.case_id is None:
            raise NotFound("case_not_found", "no such death-benefit case", field="case_id")
        return self

    @property
    def township(self) -> str:
        return self.residence[:9]


def evolve(state: Case, event: DomainEvent) -> Case:
    match event:
        case DeathBenefitCaseOpened():
            nature = (event.key or "").partition(".")[0]
            waits = event.category == Category.DISABLED and nature in ("war", "duty")
            return Case(
                case_id=event.case_id,
                person=event.person,
                resident_id=event.resident_id,
                residence=event.residence,
                died_on=date.fromisoformat(event.died_on),
                death_event_id=event.death_event_id,
                entitlement_id=event.entitlement_id,
                category=event.category,
                key=event.key,
                ended=tuple(event.ended),
                status=Status.AWAITING_CAUSE if waits else Status.AWAITING_STANDARD,
            )
        case OverpaymentRecorded():
            o = Overpayment(
                event.entitlement_id,
                Period.parse(event.period),
                event.amount_fen,
                tuple(event.payment_ids),
                event.recovery_task_id,
            )
            return replace(state, overpayments=(*state.overpayments, o))
        case DeathCauseDetermined():
            return replace(state, cause=event.cause)
        case FuneralSubsidyDetermined():
            one = a.OneOff(event.kind, event.amount_fen, tuple(event.standard_ids))
            return replace(state, one_off=one, status=Status.DETERMINED)
        case OneOffPensionDetermined():
            one = a.OneOff("one_off_pension", event.amount_fen, tuple(event.standard_ids))
            return replace(state, one_off=one, status=Status.DETERMINED)
        case SurvivorEligibilityOpened():
            return replace(state, survivor_kind=event.survivor_kind)
        case PayeeRecorded():
            return replace(
                state, payee_name=event.name, payee_relation=event.relation, status=Status.PAYEE_RECORDED
            )
        case DeathBenefitPaid():
            return replace(state, payment_id=event.payment_id, status=Status.PAID)
        case RepaymentRecorded():
            return _task_changed(
                state,
                event.recovery_task_id,
                lambda o: replace(
                    o, repaid_fen=o.repaid_fen + event.amount_fen, receipts=(*o.receipts, event.receipt)
                ),
            )
        case RecoveryWaived():
            return _task_changed(
                state,
                event.recovery_task_id,
                lambda o: replace(o, waived_fen=o.waived_fen + event.amount_fen, waiver_reason=event.reason),
            )
        case RecoveryTaskClosed():
            return _task_changed(
                state, event.recovery_task_id, lambda o: replace(o, outcome=Outcome(event.outcome))
            )
    return state


def _task_changed(state: Case, task_id: str, change: Callable[[Overpayment], Overpayment]) -> Case:
    return replace(
        state,
        overpayments=tuple(change(o) if o.recovery_task_id == task_id else o for o in state.overpayments),
    )


def fold(events: Sequence[DomainEvent], state: Case | None = None) -> Case:
    s = state or Case()
    for event in events:
        s = evolve(s, event)
    return s


def held(ended: Sequence[Entitlement]) -> Entitlement:
    """The entitlement the one-off follows: a disabled one, else a survivor's, else the first."""
    order = {Category.DISABLED: 0, Category.SURVIVOR: 1}
    return min(ended, key=lambda e: (order.get(e.current.category, 2), e.entitlement_id or ""))


def terms_on(entitlement: Entitlement, died_on: date) -> Terms:
    """The terms in force in the month of death (the first terms for a death before the start)."""
    return entitlement.terms_in(Period.of(died_on)) or entitlement.terms[0]


def recovery_task_id(case_id: str, entitlement_id: str, period: Period) -> str:
    return f"{case_id}-{entitlement_id}-{period}"


_TASK = re.compile(
    r"^(death-[A-Za-z0-9_.:-]+)-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}-[0-9]{4}-[0-9]{2}$"
)


def case_of_task(task_id: str) -> str | None:
    """The case a recovery task belongs to (its id begins with it; entitlement ids are UUIDs), or
    ``None`` for an id no task has."""
    found = _TASK.match(task_id)
    return None if found is None else found.group(1)


MAX_RECEIPT = 40


def task(state: Case, task_id: str) -> Overpayment:
    """One recovery task of the case, 404 ``task_not_found`` for none."""
    state.exists()
    for o in state.overpayments:
        if o.recovery_task_id == task_id:
            return o
    raise NotFound("task_not_found", "no such recovery task", field="task_id")


def _open_task(state: Case, task_id: str) -> Overpayment:
    o = task(state, task_id)
    if o.closed:
        raise Conflict("task_closed", f"the recovery task is closed ({o.outcome})", field="task_id")
    return o


def record_repayment(
    state: Case, task_id: str, *, receipt: str, amount_fen: int, repaid_on: date, today: date, note: str = ""
) -> list[DomainEvent]:
    """A repayment (退回) against its receipt: partial repayments add up, never above what is still
    owed (422 ``repayment_exceeds_owed``); the task closes (``repaid``) when nothing is owed.
    A receipt recorded already is 409 ``receipt_recorded`` (the same repayment twice)."""
    o = _open_task(state, task_id)
    receipt = receipt.strip()
    if not 1 <= len(receipt) <= MAX_RECEIPT:
        raise DomainError("receipt_length", f"the receipt is 1 to {MAX_RECEIPT} characters", field="receipt")
    if any(receipt in t.receipts for t in state.overpayments):
        raise Conflict("receipt_recorded", "this receipt is recorded already", field="receipt")
    if amount_fen <= 0:
        raise DomainError("amount_not_positive", "a repayment is at least 1 fen", field="amount_fen")
    if amount_fen > o.outstanding_fen:
        raise DomainError(
            "repayment_exceeds_owed",
            f"at most {o.outstanding_fen} fen is still owed on this task",
            field="amount_fen",
        )
    if repaid_on > today:
        raise DomainError("repaid_in_future", "the repayment date has not come", field="repaid_on")
    assert state.died_on is not None
    if repaid_on < state.died_on:
        raise DomainError("repaid_before_death", "the repayment is before the death", field="repaid_on")
    cid = state.case_id or ""
    facts: list[DomainEvent] = [
        RepaymentRecorded(cid, task_id, receipt, amount_fen, repaid_on.isoformat(), note.strip())
    ]
    if amount_fen == o.outstanding_fen:
        facts.append(RecoveryTaskClosed(cid, task_id, Outcome.REPAID.value))
    return facts


def waive(state: Case, task_id: str, *, reason: str) -> list[DomainEvent]:
    """Waive (核销) what is still owed on a task, with the reason; it closes (``waived``)."""
    o = _open_task(state, task_id)
    reason = reason.strip()
    if not 1 <= len(reason) <= 200:
        raise DomainError("reason_length", "the reason is 1 to 200 characters", field="reason")
    cid = state.case_id or ""
    return [
        RecoveryWaived(cid, task_id, o.outstanding_fen, reason),
        RecoveryTaskClosed(cid, task_id, Outcome.WAIVED.value),
    ]


def open_case(
    state: Case,
    table: StandardsTable,
    *,
    case_id: str,
    died_on: date,
    death_event_id: str,
    ended: Sequence[Entitlement],
    paid: Mapping[str, Mapping[Period, tuple[int, tuple[str, ...]]]],
) -> list[DomainEvent]:
    """Open the case of a death over the entitlements it ended (``ended``, non-empty), with
    ``paid`` the months paid per entitlement (amount, payment ids): every month after the month
    of death with a positive amount is an overpayment. Determined at once unless it awaits a
    cause; left ``awaiting_standard`` where the one-off's standard is not in force on D."""
    if state.case_id is not None:
        raise Conflict("case_exists", "this person's death-benefit case is open already", field="person")
    if not ended:
        raise DomainError("no_entitlement", "the person holds no open entitlement", field="person")
    main = held(ended)
    t = terms_on(main, died_on)
    assert main.entitlement_id is not None
    facts: list[DomainEvent] = [
        DeathBenefitCaseOpened(
            case_id=case_id,
            person=main.person,
            resident_id=main.resident_id,
            residence=main.residence,
            died_on=died_on.isoformat(),
            death_event_id=death_event_id,
            entitlement_id=main.entitlement_id,
            category=t.category.value,
            key=t.key,
            ended=tuple(sorted(e.entitlement_id or "" for e in ended)),
        )
    ]
    last = Period.of(died_on)
    for eid in sorted(paid):
        for period, (amount, ids) in sorted(paid[eid].items(), key=lambda i: i[0]):
            if period > last and amount > 0:
                facts.append(
                    OverpaymentRecorded(
                        case_id, eid, str(period), amount, tuple(ids), recovery_task_id(case_id, eid, period)
                    )
                )
    opened = fold(facts)
    if opened.status is Status.AWAITING_STANDARD:
        try:
            facts += _determined(opened, table, None, None)
        except DomainError as refused:
            if refused.code != "no_standard_in_force":
                raise
    return facts


def determine(
    state: Case, table: StandardsTable, *, cause: Cause | None, wage_fen: int | None
) -> list[DomainEvent]:
    """A caseworker's determination: the cause of a 因战 / 因公 disabled serviceman's death (and,
    for a recurring wound, the wage base), or a determination again once the standard is in force."""
    state.exists()
    if state.status not in (Status.AWAITING_CAUSE, Status.AWAITING_STANDARD):
        raise Conflict("case_determined", f"the case is {state.status.value}", field="case_id")
    if state.status is Status.AWAITING_CAUSE and cause is None:
        raise DomainError("cause_missing", "the cause of death is required for this case", field="cause")
    if state.status is Status.AWAITING_STANDARD and cause is not None:
        raise DomainError("cause_not_applicable", "this case has no cause to determine", field="cause")
    if cause is Cause.RECURRING_WOUND and wage_fen is None:
        raise DomainError("wage_missing", "a recurring wound needs the monthly wage", field="wage_fen")
    if cause is not Cause.RECURRING_WOUND and wage_fen is not None:
        raise DomainError("wage_not_applicable", "only a recurring wound takes a wage", field="wage_fen")
    facts: list[DomainEvent] = []
    if cause is not None:
        facts.append(DeathCauseDetermined(state.case_id or "", cause.value, wage_fen))
    return facts + _determined(state, table, cause, wage_fen)


def _determined(
    state: Case, table: StandardsTable, cause: Cause | None, wage_fen: int | None
) -> list[DomainEvent]:
    assert state.died_on is not None and state.case_id is not None
    cid, d, place = state.case_id, state.died_on, state.residence
    if cause is Cause.RECURRING_WOUND:
        assert wage_fen is not None
        one = a.one_off_pension(table, place, d, wage_fen)
        return [
            OneOffPensionDetermined(cid, one.amount_fen, wage_fen, one.standard_ids),
            SurvivorEligibilityOpened(cid, "duty"),
        ]
    if state.category in (Category.DISABLED, Category.SURVIVOR):
        t = Terms(Period.of(d), Category(state.category), state.key)
        s = table.in_force(t.basis.parameter, place, d)
        annual = annual_fen(s.value, t.basis.rate)
        if state.category == Category.DISABLED:
            one = a.disabled_funeral_subsidy(annual, s.standard_id)
        else:
            one = a.survivor_funeral_subsidy(annual, s.standard_id)
    else:
        one = a.funeral_grant(table, place, d)
    facts: list[DomainEvent] = [FuneralSubsidyDetermined(cid, one.kind, one.amount_fen, one.standard_ids)]
    nature, _, grade = (state.key or "").partition(".")
    if cause is Cause.ILLNESS and nature in ("war", "duty") and grade.isdigit() and int(grade) <= 4:
        facts.append(SurvivorEligibilityOpened(cid, "illness"))
    return facts


def record_payee(state: Case, *, name: str, relation: Relation) -> list[DomainEvent]:
    """Who receives the one-off (领款人); again before payment to correct it."""
    state.exists()
    if state.status not in (Status.DETERMINED, Status.PAYEE_RECORDED):
        raise Conflict("case_not_determined", f"the case is {state.status.value}", field="case_id")
    name = name.strip()
    if not 1 <= len(name) <= MAX_NAME:
        raise DomainError("name_length", f"the payee's name is 1 to {MAX_NAME} characters", field="name")
    return [PayeeRecorded(state.case_id or "", name, relation.value)]


PAYMENT_NAMESPACE = uuid.UUID("6d1f5a3e-0b7c-5e47-9a55-76657465726e")


def payment_id(case_id: str) -> str:
    """The one-off's payment id, a UUID derived from the case: one per case, so paying twice is
    refused, never doubled."""
    return str(uuid.uuid5(PAYMENT_NAMESPACE, case_id))


def pay(state: Case) -> list[DomainEvent]:
    """Pay the one-off once the payee is recorded; a paid case is 409 ``already_paid``."""
    state.exists()
    if state.status is Status.PAID:
        raise Conflict("already_paid", "the one-off is paid already", field="case_id")
    if state.status is not Status.PAYEE_RECORDED or state.one_off is None:
        raise Conflict("payee_missing", "record the payee before paying", field="case_id")
    cid = state.case_id or ""
    one = state.one_off
    return [
        DeathBenefitPaid(cid, payment_id(cid), state.resident_id, one.kind, one.amount_fen, one.standard_ids)
    ]


__all__ = [
    "CASE_EVENTS",
    "Case",
    "Cause",
    "Outcome",
    "Overpayment",
    "RecoveryTaskClosed",
    "RecoveryWaived",
    "Relation",
    "RepaymentRecorded",
    "Status",
    "case_of_task",
    "determine",
    "evolve",
    "fold",
    "open_case",
    "pay",
    "record_payee",
    "record_repayment",
    "task",
    "waive",
]
