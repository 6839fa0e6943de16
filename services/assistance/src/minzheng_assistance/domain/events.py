"""The service's internal events, typed: one frozen dataclass per event type.

The fields are the stored ``data`` keys, exactly as they have always been written (so stored events,
the bulk seeding and the read models stay compatible): every household event names its
``household_id`` and ``programme``, every 特困 event its ``case_id``. Two stored keys are Python
keywords (``from``): those classes hold them as ``effective_from`` / ``from_mode`` and write them
back under their stored names.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, TypedDict

from minzheng_kernel.events import DomainEvent, EventTypes


class MemberData(TypedDict):
    resident_id: str
    relationship: str
    monthly_income_fen: int
    employment: str


class ReceiptData(TypedDict):
    number: str
    amount_fen: int


# ------------------------------------------------------------------------------------ 低保 household


@dataclass(frozen=True, slots=True)
class HouseholdEvent(DomainEvent):
    """Base of the household's events: each names the household and its programme."""

    household_id: str
    programme: str


@dataclass(frozen=True, slots=True)
class HouseholdApplied(HouseholdEvent):
    residence: str
    official_relative: bool
    applied_at: str
    members: list[MemberData]


@dataclass(frozen=True, slots=True)
class ReviewStepRecorded(HouseholdEvent):
    step: str
    passed: bool
    by: str
    notes: str = ""


@dataclass(frozen=True, slots=True)
class PublicNoticePosted(HouseholdEvent):
    posted_at: str
    ends_at: str
    standard_id: str


@dataclass(frozen=True, slots=True)
class ObjectionRaised(HouseholdEvent):
    objection_id: str
    summary: str
    at: str


@dataclass(frozen=True, slots=True)
class ObjectionResolved(HouseholdEvent):
    objection_id: str
    upheld: bool
    resolution: str
    by: str


@dataclass(frozen=True, slots=True)
class ApprovalGranted(HouseholdEvent):
    category: str
    classification: str | None
    member_count: int
    per_capita_income_fen: int
    standard_id: str
    standard_monthly_fen: int
    monthly_amount_fen: int
    effective_from: str
    approved_by: str


@dataclass(frozen=True, slots=True)
class ApplicationRejected(HouseholdEvent):
    reason: str
    by: str


@dataclass(frozen=True, slots=True)
class RecheckCompleted(HouseholdEvent):
    incomes: dict[str, int]
    per_capita_income_fen: int
    by: str


@dataclass(frozen=True, slots=True)
class AmountChanged(HouseholdEvent):
    effective_from: str
    member_count: int
    per_capita_income_fen: int
    monthly_amount_fen: int
    standard_id: str
    reason: str


@dataclass(frozen=True, slots=True)
class BenefitSuspended(HouseholdEvent):
    reason: str
    by: str


@dataclass(frozen=True, slots=True)
class BenefitResumed(HouseholdEvent):
    by: str


@dataclass(frozen=True, slots=True)
class BenefitWithdrawn(HouseholdEvent):
    reason: str


@dataclass(frozen=True, slots=True, init=False)
class BenefitTerminated(HouseholdEvent):
    """Stored as ``{household_id, programme, reason, from}``; ``from`` is ``effective_from`` here."""

    reason: str
    effective_from: str

    def __init__(
        self, household_id: str, programme: str, reason: str, effective_from: str = "", **stored: str
    ) -> None:
        object.__setattr__(self, "household_id", household_id)
        object.__setattr__(self, "programme", programme)
        object.__setattr__(self, "reason", reason)
        object.__setattr__(self, "effective_from", stored.get("from", effective_from))

    def to_data(self) -> dict[str, Any]:
        return {
            "household_id": self.household_id,
            "programme": self.programme,
            "reason": self.reason,
            "from": self.effective_from,
        }


@dataclass(frozen=True, slots=True)
class MemberDeceased(HouseholdEvent):
    resident_id: str
    date_of_death: str
    registration_id: str = ""
    """The registry's death registration (死亡登记) that reported it (empty on events before it was kept)."""


class OverpaidMonth(TypedDict):
    period: str
    payment_id: str
    paid_fen: int
    due_fen: int
    overpaid_fen: int


@dataclass(frozen=True, slots=True)
class OverpaymentRecorded(HouseholdEvent):
    """Months paid after the benefit ended or fell (多发): to be recovered (追回), never paid back as
    a negative payment. ``overpayment_id`` is the business key (``death/<registration_id>``)."""

    overpayment_id: str
    reason: str
    cause_date: str
    months: list[OverpaidMonth]
    total_fen: int


@dataclass(frozen=True, slots=True)
class RecheckFlagged(HouseholdEvent):
    """A fact reported by another office (a marriage or divorce registration) that the household
    is to be rechecked for (需复核); the amount does not change by itself. ``key`` is the business key
    (``marriage/<marriage_id>``, ``divorce/<application_id>``)."""

    key: str
    reason: str
    certificate_number: str
    registered_on: str


HOUSEHOLD_EVENTS = EventTypes(
    HouseholdApplied,
    ReviewStepRecorded,
    PublicNoticePosted,
    ObjectionRaised,
    ObjectionResolved,
    ApprovalGranted,
    ApplicationRejected,
    RecheckCompleted,
    AmountChanged,
    BenefitSuspended,
    BenefitResumed,
    BenefitWithdrawn,
    BenefitTerminated,
    MemberDeceased,
    OverpaymentRecorded,
    RecheckFlagged,
)

# ------------------------------------------------------------------------------------ 特困 support


@dataclass(frozen=True, slots=True)
class TekunSupportConfirmed(DomainEvent):
    case_id: str
    person: str
    residence: str
    mode: str
    by: str
    at: str


@dataclass(frozen=True, slots=True, init=False)
class SupportModeChanged(DomainEvent):
    """Stored as ``{case_id, from, to, by}``; ``from`` is ``from_mode`` here. A change from a
    month on (a residency in a 敬老院 taken in from eldercare) also stores ``effective_from`` (the
    first month paid in the new mode, ``YYYY-MM``) and ``cause`` (``admitted/<residency id>``,
    ``discharged/<residency id>``); without them the change holds for every month not yet paid."""

    case_id: str
    from_mode: str
    to: str
    by: str
    effective_from: str = ""
    cause: str = ""

    def __init__(
        self,
        case_id: str,
        to: str,
        by: str,
        from_mode: str = "",
        effective_from: str = "",
        cause: str = "",
        **stored: str,
    ) -> None:
        object.__setattr__(self, "case_id", case_id)
        object.__setattr__(self, "from_mode", stored.get("from", from_mode))
        object.__setattr__(self, "to", to)
        object.__setattr__(self, "by", by)
        object.__setattr__(self, "effective_from", effective_from)
        object.__setattr__(self, "cause", cause)

    def to_data(self) -> dict[str, Any]:
        data = {"case_id": self.case_id, "from": self.from_mode, "to": self.to, "by": self.by}
        if self.effective_from:
            data |= {"effective_from": self.effective_from, "cause": self.cause}
        return data


@dataclass(frozen=True, slots=True)
class TekunSupportEnded(DomainEvent):
    case_id: str
    reason: str
    ends_from: str = ""
    """Paid for the months before this one (a death: the month after it); empty: ends now."""


@dataclass(frozen=True, slots=True)
class TekunOverpaymentRecorded(DomainEvent):
    """Months of 特困 support paid after the case ended (多发), to recover; never a negative payment."""

    case_id: str
    overpayment_id: str
    reason: str
    cause_date: str
    months: list[OverpaidMonth]
    total_fen: int


TEKUN_EVENTS = EventTypes(
    TekunSupportConfirmed, SupportModeChanged, TekunSupportEnded, TekunOverpaymentRecorded
)

# ------------------------------------------------------------------------------------ one-off aid


@dataclass(frozen=True, slots=True)
class TemporaryAidGranted(DomainEvent):
    grant_id: str
    beneficiary: str
    residence: str
    cause: str
    amount_fen: int
    standard_id: str


@dataclass(frozen=True, slots=True)
class MedicalAidPaid(DomainEvent):
    claim_id: str
    beneficiary: str
    residence: str
    receipts: list[ReceiptData]
    eligible_fen: int
    computed_fen: int
    paid_fen: int
    capped: bool
    cap_remaining_fen: int
    standard_id: str


TEMPORARY_EVENTS = EventTypes(TemporaryAidGranted)
MEDICAL_EVENTS = EventTypes(MedicalAidPaid)

# ------------------------------------------------------------------------------------ payments


@dataclass(frozen=True, slots=True)
class PaymentIssued(DomainEvent):
    """A monthly payment: to a household (低保: ``household_id``) or a person (特困: ``beneficiary``)."""

    payment_id: str
    programme: str
    household_id: str | None
    case_id: str
    period: str
    amount_fen: int
    standard_id: str
    run_id: str | None
    residence: str
    beneficiary: str | None = None

    def to_data(self) -> dict[str, Any]:
        # spelled out: a payment run writes 100,000 of these (``dataclasses.fields`` costs 2 µs each)
        return {
            "payment_id": self.payment_id,
            "programme": self.programme,
            "household_id": self.household_id,
            "case_id": self.case_id,
            "period": self.period,
            "amount_fen": self.amount_fen,
            "standard_id": self.standard_id,
            "run_id": self.run_id,
            "residence": self.residence,
            "beneficiary": self.beneficiary,
        }


@dataclass(frozen=True, slots=True)
class PaymentRunCompleted(DomainEvent):
    run_id: str
    period: str
    considered: int
    paid: int
    already_paid: int
    total_fen: int
    skipped: dict[str, int]


PAYMENT_EVENTS = EventTypes(PaymentIssued)
PAYMENT_RUN_EVENTS = EventTypes(PaymentRunCompleted)

# ------------------------------------------------------------------------------------ configuration


@dataclass(frozen=True, slots=True)
class DivisionRegistered(DomainEvent):
    """A division taken from the registry's record (``DivisionRecorded``): the whole state."""

    code: str
    name: str
    level: str
    parent: str | None = None
    valid_from: str | None = None
    valid_to: str | None = None


@dataclass(frozen=True, slots=True)
class StandardSet(DomainEvent):
    """A standard recorded; ``correction`` is the reason when it took effect in the past (a
    correction by a county approver: the event's actor)."""

    standard_id: str
    value: int
    correction: str | None = None


CONFIGURATION_EVENTS = EventTypes(DivisionRegistered, StandardSet)

ALL_EVENTS = (
    HOUSEHOLD_EVENTS
    | TEKUN_EVENTS
    | TEMPORARY_EVENTS
    | MEDICAL_EVENTS
    | PAYMENT_EVENTS
    | PAYMENT_RUN_EVENTS
    | CONFIGURATION_EVENTS
)
"""Every event type the service records."""
