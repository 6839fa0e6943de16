"""Contracts published by the assistance service (社会救助: 最低生活保障, 特困供养, 临时救助, 医疗救助)."""

from __future__ import annotations

from datetime import date
from enum import StrEnum
from typing import Annotated, ClassVar, Literal, Self
from uuid import UUID

from pydantic import Field, model_validator

from minzheng_contracts.division import DivisionCode
from minzheng_contracts.envelope import EventData, IntegrationEvent
from minzheng_contracts.money import Fen, PositiveFen
from minzheng_contracts.period import Period
from minzheng_contracts.resident_id import ResidentId

__all__ = [
    "AmountChanged",
    "AmountChangedData",
    "ApplicationRejected",
    "ApplicationRejectedData",
    "ApprovalGranted",
    "ApprovalGrantedData",
    "BenefitSuspended",
    "BenefitSuspendedData",
    "BenefitTerminated",
    "BenefitTerminatedData",
    "Category",
    "Employment",
    "HouseholdApplied",
    "HouseholdAppliedData",
    "HouseholdMember",
    "PaymentIssued",
    "PaymentIssuedData",
    "PaymentProgramme",
    "Programme",
    "Relationship",
]

NonEmptyStr = Annotated[str, Field(min_length=1, max_length=200)]


class Programme(StrEnum):
    """Assistance programme (救助项目): dibao_urban 城市低保, dibao_rural 农村低保,
    tekun 特困供养 (incl. 五保), temporary_aid 临时救助, medical_aid 医疗救助."""

    DIBAO_URBAN = "dibao_urban"  # 城市最低生活保障 (城市低保)
    DIBAO_RURAL = "dibao_rural"  # 农村最低生活保障 (农村低保)
    TEKUN = "tekun"  # 特困人员救助供养 (incl. former 五保)
    TEMPORARY_AID = "temporary_aid"  # 临时救助
    MEDICAL_AID = "medical_aid"  # 医疗救助


class PaymentProgramme(StrEnum):
    """Programme of a payment (资金发放): the assistance programmes plus disaster_relief (受灾人员救助)."""

    DIBAO_URBAN = "dibao_urban"
    DIBAO_RURAL = "dibao_rural"
    TEKUN = "tekun"
    TEMPORARY_AID = "temporary_aid"
    MEDICAL_AID = "medical_aid"
    DISASTER_RELIEF = "disaster_relief"  # 受灾人员救助 (cash relief)


class Category(StrEnum):
    """Urban or rural household (城市/农村)."""

    URBAN = "urban"
    RURAL = "rural"


class Relationship(StrEnum):
    """Relationship of a member to the applicant (与申请人关系); exactly one member is ``self`` (本人)."""

    SELF = "self"  # 本人
    SPOUSE = "spouse"  # 配偶
    CHILD = "child"  # 子女
    PARENT = "parent"  # 父母
    GRANDCHILD = "grandchild"  # (外)孙子女
    GRANDPARENT = "grandparent"  # (外)祖父母
    SIBLING = "sibling"  # 兄弟姐妹
    OTHER = "other"


class Employment(StrEnum):
    """Employment status (就业状况): employed 在职, self_employed 个体经营, flexible 灵活就业, farming 务农,
    unemployed 失业/无业, unable_to_work 丧失劳动能力, retired 退休, student 在校学生, minor 未成年, other."""

    EMPLOYED = "employed"  # 在职
    SELF_EMPLOYED = "self_employed"  # 个体经营
    FLEXIBLE = "flexible"  # 灵活就业
    FARMING = "farming"  # 务农
    UNEMPLOYED = "unemployed"  # 失业/无业
    UNABLE_TO_WORK = "unable_to_work"  # 丧失劳动能力
    RETIRED = "retired"  # 退休
    STUDENT = "student"  # 在校学生
    MINOR = "minor"  # 学龄前/未成年
    OTHER = "other"


class HouseholdMember(EventData):
    """A member of the applying household (共同生活的家庭成员)."""

    resident_id: ResidentId
    relationship: Relationship
    monthly_income_fen: Fen
    employment: Employment


class HouseholdAppliedData(EventData):
    """A household applied for assistance (申请救助)."""

    household_id: UUID
    programme: Programme
    applicant: ResidentId
    members: list[HouseholdMember] = Field(min_length=1)
    residence: DivisionCode = Field(description="Township (9-digit) or village (12-digit) code.")
    applied_on: date

    @model_validator(mode="after")
    def _household_is_consistent(self) -> Self:
        selves = [m for m in self.members if m.relationship is Relationship.SELF]
        if len(selves) != 1:
            raise ValueError("members must contain exactly one member with relationship 'self'")
        if selves[0].resident_id != self.applicant:
            raise ValueError("the 'self' member must be the applicant")
        if len({m.resident_id for m in self.members}) != len(self.members):
            raise ValueError("a resident may appear only once in members")
        if self.residence.level == "county":
            raise ValueError("residence must be a township (9-digit) or village (12-digit) code")
        return self


class HouseholdApplied(IntegrationEvent[HouseholdAppliedData]):
    """A household applied for assistance (救助申请已受理)."""

    SUBJECT: ClassVar[str] = "assistance.household.applied"
    event_type: Literal["HouseholdApplied"] = "HouseholdApplied"
    schema_version: Literal[1] = 1


class ApprovalGrantedData(EventData):
    """Assistance was approved (审批通过) with its monthly amount and the standard used."""

    household_id: UUID
    programme: Programme
    category: Category
    classification: str | None = Field(
        default=None, min_length=1, max_length=16, description="分类施保 class, e.g. A, B or C."
    )
    member_count: Annotated[int, Field(strict=True, ge=1)]
    monthly_amount_fen: Fen
    standard_id: NonEmptyStr = Field(
        description="Effective-dated standard, e.g. dibao:330727:urban:2024-07-01."
    )
    standard_monthly_fen: Fen
    per_capita_income_fen: Fen
    effective_from: Period
    approved_by: NonEmptyStr = Field(description="Id of the approving official.")

    @model_validator(mode="after")
    def _category_matches_programme(self) -> Self:
        expected = {Programme.DIBAO_URBAN: Category.URBAN, Programme.DIBAO_RURAL: Category.RURAL}
        if self.programme in expected and self.category is not expected[self.programme]:
            raise ValueError(
                f"programme {self.programme.value} requires category {expected[self.programme].value}"
            )
        return self


class ApprovalGranted(IntegrationEvent[ApprovalGrantedData]):
    """Assistance was granted to a household (审批通过, 纳入保障)."""

    SUBJECT: ClassVar[str] = "assistance.household.approved"
    event_type: Literal["ApprovalGranted"] = "ApprovalGranted"
    schema_version: Literal[1] = 1


class PaymentIssuedData(EventData):
    """A payment (资金发放) of a monthly benefit or a one-off grant to a household and/or a person.

    At least one of ``household_id`` and ``beneficiary`` is set.
    """

    payment_id: UUID
    programme: PaymentProgramme
    household_id: UUID | None = None
    beneficiary: ResidentId | None = Field(
        default=None, description="The person paid; null if the household is paid."
    )
    period: Period | None = Field(default=None, description="Month paid for; null for a one-off payment.")
    amount_fen: PositiveFen
    standard_id: NonEmptyStr = Field(description="Version of the rule or standard the amount comes from.")
    run_id: UUID | None = Field(default=None, description="The payment run (发放批次) that issued it.")
    incident_id: UUID | None = Field(
        default=None, description="The disaster incident (灾害事件) the relief is for, if any."
    )

    @model_validator(mode="after")
    def _has_a_beneficiary(self) -> Self:
        if self.household_id is None and self.beneficiary is None:
            raise ValueError("a payment needs a household_id or a beneficiary (or both)")
        return self


class PaymentIssued(IntegrationEvent[PaymentIssuedData]):
    """Money was paid (资金已发放). Published by assistance and by disaster (cash relief, 救灾资金).

    Each producer publishes on its own subject: ``subject_for("disaster")`` is ``disaster.payment.issued``.
    """

    SUBJECT: ClassVar[str] = "assistance.payment.issued"
    PRODUCERS: ClassVar[frozenset[str]] = frozenset({"assistance", "disaster"})
    event_type: Literal["PaymentIssued"] = "PaymentIssued"
    schema_version: Literal[1] = 1


class ApplicationRejectedData(EventData):
    """The county refused an application (不予批准), with its reason."""

    household_id: UUID
    programme: Programme
    reason: NonEmptyStr
    rejected_by: NonEmptyStr


class ApplicationRejected(IntegrationEvent[ApplicationRejectedData]):
    """An application for assistance was rejected."""

    SUBJECT: ClassVar[str] = "assistance.household.rejected"
    event_type: Literal["ApplicationRejected"] = "ApplicationRejected"
    schema_version: Literal[1] = 1


class AmountChangedData(EventData):
    """The monthly amount changes from a period on (年审 result, a member's death, …)."""

    household_id: UUID
    programme: Programme
    effective_from: Period
    member_count: Annotated[int, Field(strict=True, ge=1)]
    per_capita_income_fen: Fen
    monthly_amount_fen: Fen
    standard_id: NonEmptyStr
    reason: NonEmptyStr


class AmountChanged(IntegrationEvent[AmountChangedData]):
    """A household's monthly benefit was raised or lowered."""

    SUBJECT: ClassVar[str] = "assistance.household.amount_changed"
    event_type: Literal["AmountChanged"] = "AmountChanged"
    schema_version: Literal[1] = 1


class BenefitSuspendedData(EventData):
    household_id: UUID
    programme: Programme
    reason: NonEmptyStr


class BenefitSuspended(IntegrationEvent[BenefitSuspendedData]):
    """Payments to a household are suspended (暂停发放) until resumed."""

    SUBJECT: ClassVar[str] = "assistance.household.suspended"
    event_type: Literal["BenefitSuspended"] = "BenefitSuspended"
    schema_version: Literal[1] = 1


class BenefitTerminatedData(EventData):
    household_id: UUID
    programme: Programme
    reason: NonEmptyStr = Field(description="income_above_standard, death, withdrawn, …")
    last_period: Period | None = Field(default=None, description="Last month paid, if any.")


class BenefitTerminated(IntegrationEvent[BenefitTerminatedData]):
    """A household leaves assistance (终止 / 退保)."""

    SUBJECT: ClassVar[str] = "assistance.household.terminated"
    event_type: Literal["BenefitTerminated"] = "BenefitTerminated"
    schema_version: Literal[1] = 1
