"""The HTTP API's models: every request body bounded, with an example that the demo county accepts
(Swagger's "Try it out" body), and every answer typed."""

from __future__ import annotations

import re
import uuid
from datetime import date, datetime
from typing import Annotated, Any, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, WithJsonSchema, field_validator

from minzheng_contracts import DivisionCode, Employment, Period, Relationship, ResidentId, make_resident_id

from ..domain.income import IncomeItem, IncomeKind, counted_income
from ..domain.other_aid import AidCause, SupportMode
from ..domain.standards import Parameter

EXAMPLE_VILLAGE = "330727101201"
"""A village of the demo county (``demo.py``) and of the test fixture."""
EXAMPLE_HEAD = make_resident_id("330727", date(1972, 3, 14), 417).reveal()
EXAMPLE_CHILD = make_resident_id("330727", date(2012, 9, 1), 418).reveal()


def _examples(*examples: dict[str, Any]) -> ConfigDict:
    return ConfigDict(extra="forbid", json_schema_extra={"examples": list(examples)})


Strict = ConfigDict(extra="forbid")
MAX_MEMBERS = 50
"""A household larger than this is an input error, not a household (the store's size limit is the
backstop for anything that slips through)."""
MAX_FEN = 10**10
"""The largest amount in fen a field takes (a monthly income, a receipt, a grant): 100 million yuan."""
MAX_STANDARD = 10**12
"""The largest value of a standard (each parameter has its own, smaller, maximum: ``Parameter``)."""
MAX_RECEIPTS = 100
TEXT = 2000
"""The longest free text (notes, summaries, reasons)."""
ID_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9._:-]{0,99}$"
"""A client-chosen text id (objection, medical claim): letters, digits and ``._:-``, 100 at most."""

Programme = Literal["dibao_urban", "dibao_rural", "tekun", "temporary_aid", "medical_aid"]
Fen = Annotated[int, Field(ge=0, le=MAX_FEN, strict=True)]
TextId = Annotated[str, Field(min_length=1, max_length=100, pattern=ID_PATTERN)]
_ISO_DATE = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")


def _iso_date(value: object) -> object:
    """A date is a ``YYYY-MM-DD`` string: not a number (``0`` is not 1970-01-01), not a timestamp."""
    if isinstance(value, date):
        return value
    if not isinstance(value, str) or not _ISO_DATE.match(value):
        raise ValueError("a date is written YYYY-MM-DD")
    return value


IsoDate = Annotated[
    date,
    BeforeValidator(_iso_date),
    WithJsonSchema({"type": "string", "format": "date", "pattern": _ISO_DATE.pattern}),
]


MAX_INCOME_ITEMS = 20


class IncomeItemIn(BaseModel):
    """One kind of a member's monthly income. Veterans' 抚恤金, 补助金 and 优待金 are recorded but never
    counted (军人抚恤优待条例 2024 art. 4: ``domain.income.EXCLUDED_KINDS``)."""

    model_config = Strict
    kind: IncomeKind
    monthly_fen: Fen


class _DeclaredIncome(BaseModel):
    """``monthly_income_fen`` (income counted as assessed) plus ``income``, itemised by kind."""

    monthly_income_fen: Fen
    income: list[IncomeItemIn] = Field(
        default_factory=list,
        max_length=MAX_INCOME_ITEMS,
        description="Further monthly income by kind; the excluded kinds (veterans_*) do not count.",
    )

    def counted_income_fen(self) -> int:
        """The monthly income that counts towards household income."""
        items = (IncomeItem(i.kind, i.monthly_fen) for i in self.income)
        return self.monthly_income_fen + counted_income(items)


class MemberIn(_DeclaredIncome):
    model_config = Strict
    resident_id: ResidentId
    relationship: Relationship
    employment: Employment


class ApplyIn(BaseModel):
    """A 低保 application: the household's members (exactly one applicant, ``self``) and where it lives."""

    model_config = _examples(
        {
            "programme": "dibao_rural",
            "residence": EXAMPLE_VILLAGE,
            "members": [
                {
                    "resident_id": EXAMPLE_HEAD,
                    "relationship": "self",
                    "monthly_income_fen": 12_000,
                    "employment": "unemployed",
                },
                {
                    "resident_id": EXAMPLE_CHILD,
                    "relationship": "child",
                    "monthly_income_fen": 0,
                    "employment": "student",
                },
            ],
        }
    )
    household_id: uuid.UUID | None = Field(
        default=None, description="Client-chosen id: re-sending is idempotent."
    )
    programme: Literal["dibao_urban", "dibao_rural"]
    residence: DivisionCode
    members: list[MemberIn] = Field(min_length=1, max_length=MAX_MEMBERS)
    official_relative: bool = Field(default=False, description="近亲属备案: a close relative of an official.")

    @field_validator("members")
    @classmethod
    def _one_applicant(cls, members: list[MemberIn]) -> list[MemberIn]:
        if sum(1 for m in members if m.relationship is Relationship.SELF) != 1:
            raise ValueError("exactly one member must have relationship 'self' (the applicant)")
        return members


class StepIn(BaseModel):
    model_config = _examples({"passed": True, "notes": "home visit: two rooms, no car"})
    passed: bool
    notes: str = Field(default="", max_length=2000)


class ObjectionIn(BaseModel):
    model_config = _examples({"objection_id": "ob-1", "summary": "a neighbour reports a rented-out shop"})
    objection_id: TextId | None = Field(
        default=None, description="Client-chosen id: re-sending is idempotent."
    )
    summary: str = Field(min_length=1, max_length=TEXT)


class ResolutionIn(BaseModel):
    model_config = _examples({"upheld": False, "resolution": "the shop belongs to a cousin"})
    upheld: bool
    resolution: str = Field(min_length=1, max_length=TEXT)


class ApprovalIn(BaseModel):
    model_config = _examples({"classification": "B"})
    classification: str | None = Field(
        default=None, min_length=1, max_length=10, pattern=r"^[A-Za-z0-9]+$", description="分类施保 class"
    )


class ReasonIn(BaseModel):
    model_config = _examples({"reason": "annual recheck documents missing"})
    reason: str = Field(min_length=1, max_length=TEXT)


class IncomeIn(_DeclaredIncome):
    model_config = Strict
    resident_id: ResidentId


class RecheckIn(BaseModel):
    """New monthly incomes of members (a list, not a map keyed by resident ID: an error names
    ``incomes.0.monthly_income_fen``, never a resident ID)."""

    model_config = _examples({"incomes": [{"resident_id": EXAMPLE_HEAD, "monthly_income_fen": 20_000}]})
    incomes: list[IncomeIn] = Field(min_length=1, max_length=MAX_MEMBERS)


class PeriodIn(BaseModel):
    model_config = _examples({"period": "2026-01"})
    period: Period


class StandardIn(BaseModel):
    """A standard from a date, today or later (the county's date)."""

    model_config = _examples(
        {
            "parameter": "dibao_rural",
            "jurisdiction": "330727",
            "effective_from": "2030-01-01",
            "value": 46_000,
        }
    )
    parameter: Parameter
    jurisdiction: DivisionCode
    effective_from: IsoDate
    value: int = Field(ge=0, le=MAX_STANDARD, strict=True)


class StandardCorrectionIn(StandardIn):
    """A standard from a past date (a correction), with its reason."""

    model_config = _examples(
        {
            "parameter": "dibao_rural",
            "jurisdiction": "330727",
            "effective_from": "2026-01-01",
            "value": 44_200,
            "reason": "the county's raise of 2026-01-01 (document 2025-31) was entered late",
        }
    )
    reason: str = Field(min_length=1, max_length=TEXT, description="Why the past is corrected.")


class TekunIn(BaseModel):
    model_config = _examples({"person": EXAMPLE_HEAD, "residence": EXAMPLE_VILLAGE, "mode": "dispersed"})
    case_id: uuid.UUID | None = Field(default=None, description="Client-chosen id: re-sending is idempotent.")
    person: ResidentId
    residence: DivisionCode
    mode: SupportMode


class ModeIn(BaseModel):
    model_config = _examples({"mode": "centralised"})
    mode: SupportMode


class TemporaryAidIn(BaseModel):
    model_config = _examples(
        {"beneficiary": EXAMPLE_HEAD, "residence": EXAMPLE_VILLAGE, "cause": "fire", "amount_fen": 50_000}
    )
    grant_id: uuid.UUID | None = Field(
        default=None, description="Client-chosen id: re-sending is idempotent."
    )
    beneficiary: ResidentId
    residence: DivisionCode
    cause: AidCause
    amount_fen: int = Field(gt=0, le=MAX_FEN, strict=True)


class ReceiptIn(BaseModel):
    model_config = Strict
    number: TextId
    amount_fen: int = Field(gt=0, le=MAX_FEN, strict=True)


class MedicalClaimIn(BaseModel):
    model_config = _examples(
        {
            "claim_id": "claim-2026-0001",
            "beneficiary": EXAMPLE_HEAD,
            "residence": EXAMPLE_VILLAGE,
            "receipts": [{"number": "R-88231", "amount_fen": 120_000}],
        }
    )
    claim_id: TextId = Field(description="Client-chosen id: re-sending is idempotent.")
    beneficiary: ResidentId
    residence: DivisionCode
    receipts: list[ReceiptIn] = Field(min_length=1, max_length=MAX_RECEIPTS)


# ------------------------------------------------------------------------------------ answers


class Out(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Division(Out):
    """A division as the registry recorded it (``DivisionRecorded``)."""

    code: str
    name: str
    level: Literal["county", "township", "village"]
    parent: str | None = None
    valid_from: date | None = None
    valid_to: date | None = Field(default=None, description="Abolished from this day: no new case in it.")


class DivisionPage(Out):
    items: list[Division]
    total: int = Field(description="How many match the filters (all pages).")
    limit: int
    offset: int


class StandardRef(Out):
    standard_id: str = Field(examples=["dibao_rural:330727:2030-01-01"])


class StandardOut(Out):
    standard_id: str
    parameter: Parameter
    jurisdiction: str
    effective_from: date
    value: int


class HouseholdRef(Out):
    household_id: uuid.UUID


Status = Literal["reviewing", "notice", "active", "suspended", "rejected", "withdrawn", "terminated"]


class HouseholdView(Out):
    """A household's current state (from its stream)."""

    household_id: uuid.UUID
    status: Literal[
        "none", "reviewing", "notice", "active", "suspended", "rejected", "withdrawn", "terminated"
    ]
    programme: str
    residence: str
    members: int = Field(description="Living members.")
    steps_passed: list[str]
    steps_failed: list[str]
    notice_ends_at: datetime | None
    open_objections: int
    recheck_due: bool
    closed_reason: str | None
    ends_from: str | None = Field(
        default=None, description="A terminated case is paid for the months before this one (YYYY-MM)."
    )
    overpaid_fen: int = Field(default=0, description="Paid beyond what was due, to recover (fen).")


class OverpaidMonthOut(Out):
    period: str
    payment_id: str
    paid_fen: int
    due_fen: int
    overpaid_fen: int


class OverpaymentOut(Out):
    """Months paid beyond what was due (多发) and the recovery task (追回) open on them. A paid
    month is never reversed by a negative payment."""

    overpayment_id: str = Field(description="Its business key, e.g. death/<registration_id>.")
    reason: str
    cause_date: str = Field(description="The date that ended or lowered the benefit (the date of death).")
    months: list[OverpaidMonthOut]
    total_fen: int
    recovery: Literal["open"]


class ObjectionView(HouseholdView):
    objection_id: str


class HouseholdSummary(Out):
    """One household of the list (the read model)."""

    household_id: uuid.UUID
    programme: str
    category: Literal["urban", "rural"]
    status: Status
    residence: str
    township: str
    persons: int
    notice_ends_at: datetime | None
    open_objections: int
    monthly_amount_fen: int | None
    recheck_due: bool
    applied_at: datetime
    updated_at: datetime


class HouseholdPage(Out):
    items: list[HouseholdSummary]
    total: int = Field(description="How many match the filters (all pages).")
    limit: int
    offset: int


class TimelineEntry(Out):
    version: int
    event_type: str
    occurred_at: datetime
    recorded_at: datetime
    actor: str | None
    data: dict[str, Any]


class PaymentOut(Out):
    payment_id: uuid.UUID
    amount_fen: int
    already_paid: bool = Field(description="True when this month was paid before: nothing was paid now.")


class RunOut(Out):
    run_id: str
    period: str
    considered: int
    paid: int
    already_paid: int
    total_fen: int
    seconds: float
    skipped: dict[str, int] = Field(description="Cases not paid, by reason (nothing_due, not_yet_effective).")


class PaymentRow(Out):
    payment_id: uuid.UUID
    period: str | None
    amount_fen: int
    standard_id: str
    run_id: uuid.UUID | None
    issued_at: datetime


class NoticeRow(Out):
    household_id: uuid.UUID
    programme: str
    persons: int
    notice_ends_at: datetime | None
    open_objections: int


class RollRow(Out):
    township: str
    category: str
    households: int
    persons: int


class PaidRow(Out):
    period: str
    programme: str
    payments: int
    amount_fen: int


class TekunRef(Out):
    case_id: uuid.UUID


class TekunModeOut(Out):
    case_id: uuid.UUID
    mode: SupportMode


class GrantRef(Out):
    grant_id: uuid.UUID


class MedicalOut(Out):
    claim_id: str
    eligible_fen: int
    computed_fen: int
    paid_fen: int
    capped: bool = Field(description="The annual cap cut the payment.")
    cap_remaining_fen: int
    standard_id: str
