"""The inspections area's events (eldercare-rules §3, "Events"), all on the institution's oversight
stream ``oversight-<institution_id>`` (stream type ``oversight``): the inspections and their
findings, the rectification orders with their clocks and re-inspections, the escalation.

Dates are ISO strings, moments ISO strings with their offset. Only ``RectificationOverdue`` is
published (as the contract of that name); the others are internal."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from minzheng_kernel.events import DomainEvent, EventTypes


class Category(StrEnum):
    """The kind of a hazard (隐患类别)."""

    FIRE = "fire"  # 消防安全
    ELECTRICAL = "electrical"  # 用电安全
    BUILDING = "building"  # 建筑安全
    FOOD = "food"  # 食品安全
    MEDICINE = "medicine"  # 药品管理
    CARE = "care"  # 照护服务
    MANAGEMENT = "management"  # 内部管理
    OTHER = "other"  # 其他


class Sector(StrEnum):
    """Whose institution the hazard is in: the catalogue counts 51 public + 30 private."""

    PUBLIC = "public"  # 公办
    PRIVATE = "private"  # 民办


class Cause(StrEnum):
    """Why admissions were suspended."""

    OVERDUE = "overdue"  # the order's deadline passed (automatic)
    BUREAU = "bureau"  # the bureau's decision (责令暂停收住)
    TRANSFERRED = "transferred"  # the suspending order completed, another overdue order still open


@dataclass(frozen=True, slots=True)
class InspectionCompleted(DomainEvent):
    """An inspection done (安全检查), with the number of its findings."""

    inspection_id: str
    institution_id: str
    township: str
    inspected_on: str
    inspector: str
    findings: int


@dataclass(frozen=True, slots=True)
class HazardFound(DomainEvent):
    """One finding of an inspection (隐患)."""

    inspection_id: str
    hazard_id: str
    category: str
    sector: str
    description: str


@dataclass(frozen=True, slots=True)
class RectificationOrdered(DomainEvent):
    """A rectification order (整改通知) over an inspection's findings, with its deadline."""

    order_id: str
    inspection_id: str
    institution_id: str
    township: str
    hazard_ids: list[str]
    ordered_on: str
    deadline: str
    at_risk_on: str
    standard_ids: list[str]


@dataclass(frozen=True, slots=True)
class RectificationAtRisk(DomainEvent):
    """The order's deadline is near with findings not verified fixed (at 00:00 +08:00 of ``at_risk_on``)."""

    order_id: str
    deadline: str
    open_findings: int


@dataclass(frozen=True, slots=True)
class RectificationOverdue(DomainEvent):
    """The order's deadline passed with findings not verified fixed (once, at 00:00 +08:00 after it)."""

    order_id: str
    institution_id: str
    township: str
    deadline: str
    open_findings: int
    overdue_at: str


@dataclass(frozen=True, slots=True)
class ReinspectionRecorded(DomainEvent):
    """A re-inspection (复查): the findings it verified fixed and those not fixed yet."""

    order_id: str
    reinspected_on: str
    inspector: str
    fixed: list[str]
    not_fixed: list[str]


@dataclass(frozen=True, slots=True)
class RectificationCompleted(DomainEvent):
    """Every finding of the order verified fixed (整改完成)."""

    order_id: str
    completed_on: str
    late: bool


@dataclass(frozen=True, slots=True)
class AdmissionsSuspended(DomainEvent):
    """No new admissions (暂停收住) while the order is open."""

    institution_id: str
    order_id: str
    since: str
    cause: str
    reason: str


@dataclass(frozen=True, slots=True)
class AdmissionsResumed(DomainEvent):
    """Admissions allowed again: the suspending order completed, no other overdue order open."""

    institution_id: str
    order_id: str
    resumed_at: str


@dataclass(frozen=True, slots=True)
class InstitutionClosed(DomainEvent):
    """The bureau's closure order (责令关停)."""

    institution_id: str
    closed_on: str
    closed_at: str
    reason: str
    grounds: list[str]
    """The overdue orders, or the suspending order, it rests on."""


OVERSIGHT_EVENTS = EventTypes(
    InspectionCompleted,
    HazardFound,
    RectificationOrdered,
    RectificationAtRisk,
    RectificationOverdue,
    ReinspectionRecorded,
    RectificationCompleted,
    AdmissionsSuspended,
    AdmissionsResumed,
    InstitutionClosed,
)
