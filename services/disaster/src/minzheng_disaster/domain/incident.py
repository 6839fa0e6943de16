"""Incidents (灾情): report, verification and allocation; the rules, with no I/O."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from minzheng_kernel.errors import Conflict, DomainError, NotFound
from minzheng_kernel.events import DomainEvent

from .events import DisasterReported, IncidentVerified, ReliefAllocated

MAX_QUANTITY = 10**9
"""Largest quantity of one item in one command."""
MAX_CASH_FEN = 10**12
"""Largest cash amount in one command (10 billion yuan)."""


class Damage(StrEnum):
    NONE = "none"
    LIGHT = "light"  # 一般损坏
    SEVERE = "severe"  # 严重损坏
    COLLAPSED = "collapsed"  # 倒塌


@dataclass(frozen=True, slots=True)
class Incident:
    """What the incident stream knows: its report, whether verified, its allocation documents."""

    report: DisasterReported | None = None
    verified: bool = False
    cash_documents: tuple[str, ...] = ()
    """Allocation documents (拨款文件) that brought cash, oldest first."""

    @property
    def exists(self) -> bool:
        return self.report is not None

    @property
    def area(self) -> list[str]:
        return [] if self.report is None else self.report.area

    @property
    def reported_at(self) -> datetime:
        assert self.report is not None
        return datetime.fromisoformat(self.report.reported_at)

    @property
    def happened_at(self) -> datetime:
        assert self.report is not None
        return datetime.fromisoformat(self.report.happened_at)


def evolve(state: Incident, event: DomainEvent) -> Incident:
    match event:
        case DisasterReported():
            return dataclasses.replace(state, report=event)
        case IncidentVerified():
            return dataclasses.replace(state, verified=True)
        case ReliefAllocated(cash_fen=cash) if cash > 0:
            return dataclasses.replace(state, cash_documents=(*state.cash_documents, event.document))
    return state


def require(state: Incident, incident_id: str) -> Incident:
    if not state.exists:
        raise NotFound("unknown_incident", f"no incident {incident_id}", field="incident_id")
    return state


def check_report(
    *, happened_at: datetime, reported_at: datetime, now: datetime, area: list[str], county: str
) -> None:
    """灾情报送: a report comes after the disaster, not from the future, and inside the county."""
    if reported_at > now:
        raise DomainError("report_in_future", "the report time is in the future", field="reported_at")
    if reported_at < happened_at:
        raise DomainError(
            "report_before_occurrence", "the report time is before the disaster", field="reported_at"
        )
    outside = [code for code in area if not code.startswith(county)]
    if outside:
        raise DomainError(
            "area_outside_county", f"{', '.join(outside)} is outside county {county}", field="area"
        )
    if not area:
        raise DomainError("area_required", "name at least one division", field="area")


def report(state: Incident, fact: DisasterReported, *, now: datetime, county: str) -> list[DomainEvent]:
    """Report an incident. The same report sent again records nothing; another one under the
    same id is refused."""
    check_report(
        happened_at=datetime.fromisoformat(fact.happened_at),
        reported_at=datetime.fromisoformat(fact.reported_at),
        now=now,
        area=fact.area,
        county=county,
    )
    if state.report is not None:
        if state.report == fact:
            return []
        raise Conflict(
            "id_reused", "this incident id was already used for another report", field="incident_id"
        )
    return [fact]


def verify(state: Incident, incident_id: str, findings: str) -> list[DomainEvent]:
    require(state, incident_id)
    return [IncidentVerified(findings)]


def check_quantities(items: Mapping[str, int], cash_fen: int, field: str) -> None:
    if cash_fen < 0:
        raise DomainError("negative_quantity", "cash cannot be negative", field=f"{field}.cash_fen")
    if cash_fen > MAX_CASH_FEN:
        raise DomainError("quantity_too_large", f"cash above {MAX_CASH_FEN} fen", field=f"{field}.cash_fen")
    for item, quantity in items.items():
        if quantity < 0:
            raise DomainError(
                "negative_quantity", f"{item} cannot be negative", field=f"{field}.items.{item}"
            )
        if quantity > MAX_QUANTITY:
            raise DomainError(
                "quantity_too_large", f"{item} above {MAX_QUANTITY}", field=f"{field}.items.{item}"
            )
    if cash_fen == 0 and not any(items.values()):
        raise DomainError("nothing_given", "give cash or at least one item", field=field)


def allocate(
    state: Incident,
    incident_id: str,
    *,
    document: str,
    cash_fen: int,
    items: Mapping[str, int],
    warehouse: str | None,
    available: Mapping[str, int],
) -> list[DomainEvent]:
    """Allocate relief (专款专用). ``available`` is each item's stock not yet reserved in the
    warehouse (``on_hand - reserved``): items are reserved from it, never beyond."""
    check_quantities(items, cash_fen, "allocation")
    if any(items.values()) and not warehouse:
        raise DomainError("warehouse_required", "in-kind items come from a warehouse", field="warehouse")
    require(state, incident_id)
    for item, quantity in items.items():
        left = available.get(item, 0)
        if quantity > left:
            raise Conflict(
                "insufficient_stock", f"only {left} {item} available in {warehouse}", field=f"items.{item}"
            )
    return [ReliefAllocated(document, cash_fen, dict(items), warehouse)]


@dataclass(frozen=True, slots=True)
class Needs:
    cash: bool = True
    food: bool = False
    quilts: bool = False
    clothing: bool = False
    shelter: bool = False
