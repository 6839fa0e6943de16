"""Inspections and rectification (安全检查 · 整改) over HTTP: inspections with their findings,
rectification orders with their deadlines, re-inspections, the escalation (admissions suspended,
the closure order) and the reads (inspections, orders by status, hazards, an institution's
oversight).

Every input is bounded and strict; refusals come from the domain (422 naming the field and rule,
409 for the state, 404), never a 500, with nothing written."""

from __future__ import annotations

import uuid
from datetime import date
from enum import Enum
from typing import Annotated, Generic, Literal, TypeVar

from fastapi import APIRouter, Path, Query
from pydantic import BaseModel, Field, StringConstraints

from minzheng_contracts import DivisionCode
from minzheng_eventstore import Actor
from minzheng_eventstore.access import permit
from minzheng_eventstore.deps import Ctx
from minzheng_eventstore.errors_api import refusals
from minzheng_kernel.errors import DomainError

from ...application.inspections import handlers as h
from ...application.inspections import queries as q
from ...domain.inspections import decisions as d
from ...domain.inspections import events as e
from ...domain.inspections.oversight import Hazard, Inspection, Order, Oversight
from ..common import strict

router = APIRouter(responses=refusals(401, 403, 422))

EXAMPLE_INSTITUTION = "inst-330727101-01"
EXAMPLE_INSPECTION = "1a5e0000-0000-4000-8000-000000000001"
EXAMPLE_ORDER = "0de50000-0000-4000-8000-000000000001"
Line = r"^[^\x00-\x1f\x7f]+$"
Text = Annotated[str, StringConstraints(min_length=1, max_length=200, pattern=Line)]
Description = Annotated[str, StringConstraints(min_length=1, max_length=500, pattern=Line)]
InstitutionId = Annotated[str, StringConstraints(min_length=1, max_length=64, pattern=r"^[0-9A-Za-z_-]+$")]
HazardId = Annotated[str, StringConstraints(min_length=1, max_length=80, pattern=r"^[0-9A-Za-z_-]+$")]
Day = Annotated[date, Field(ge=date(2000, 1, 1), le=date(2199, 12, 31))]
InstitutionPath = Annotated[
    str,
    Path(description="the institution's id", min_length=1, max_length=64, pattern=r"^[0-9A-Za-z_-]+$"),
]
InspectionPath = Annotated[uuid.UUID, Path(description="the inspection's id", examples=[EXAMPLE_INSPECTION])]
OrderPath = Annotated[uuid.UUID, Path(description="the order's id", examples=[EXAMPLE_ORDER])]

Inspector = Annotated[Actor, permit("inspections.inspect")]
Orderer = Annotated[Actor, permit("inspections.order")]
Escalator = Annotated[Actor, permit("inspections.escalate")]
Reader = Annotated[Actor, permit("inspections.read")]


class FindingIn(BaseModel):
    model_config = strict({"category": "fire", "description": "灭火器过期", "sector": "public"})
    category: e.Category = Field(
        description="fire, electrical, building, food, medicine, care, management, other"
    )
    description: Description
    sector: e.Sector | None = Field(
        default=None, description="public 公办 | private 民办; by default from the institution's kind"
    )


class InspectionIn(BaseModel):
    model_config = strict(
        {
            "inspection_id": EXAMPLE_INSPECTION,
            "institution_id": EXAMPLE_INSTITUTION,
            "inspected_on": "2026-03-02",
            "inspector": "县民政局安全检查组",
            "findings": [{"category": "fire", "description": "灭火器过期"}],
        }
    )
    inspection_id: uuid.UUID | None = None
    institution_id: InstitutionId
    inspected_on: Day
    inspector: Text
    findings: list[FindingIn] = Field(default_factory=list, max_length=d.MAX_FINDINGS)


class OrderIn(BaseModel):
    model_config = strict({"order_id": EXAMPLE_ORDER}, {})
    order_id: uuid.UUID | None = None


class VerdictIn(BaseModel):
    model_config = strict({"hazard_id": f"{EXAMPLE_INSPECTION}-1", "fixed": True})
    hazard_id: HazardId
    fixed: bool = Field(description="verified fixed, or not yet")


class ReinspectionIn(BaseModel):
    model_config = strict(
        {
            "reinspected_on": "2026-03-20",
            "inspector": "县民政局安全检查组",
            "findings": [{"hazard_id": f"{EXAMPLE_INSPECTION}-1", "fixed": True}],
        }
    )
    reinspected_on: Day
    inspector: Text
    findings: list[VerdictIn] = Field(min_length=1, max_length=d.MAX_FINDINGS)


class SuspensionIn(BaseModel):
    model_config = strict({"order_id": EXAMPLE_ORDER, "reason": "重大火灾隐患未整改"})
    order_id: uuid.UUID
    reason: Text


class ClosureIn(BaseModel):
    model_config = strict({"reason": "逾期未整改, 责令关停"})
    reason: Text


class HazardOut(BaseModel):
    hazard_id: str
    inspection_id: str
    institution_id: str
    township: str
    category: str
    sector: str
    description: str
    found_on: date
    order_id: str | None
    open: bool = Field(description="not verified fixed yet (in progress)")
    fixed_on: date | None


class InspectionOut(BaseModel):
    inspection_id: str
    institution_id: str
    township: str
    inspected_on: date
    inspector: str
    order_id: str | None
    hazards: list[HazardOut]


class OrderOut(BaseModel):
    order_id: str
    inspection_id: str
    institution_id: str
    township: str
    status: str = Field(description="open | at_risk | overdue | completed")
    ordered_on: date
    deadline: date = Field(description="the last day (calendar days after the order)")
    at_risk_on: date
    hazard_ids: list[str]
    open_hazard_ids: list[str]
    reinspections: int
    completed_on: date | None
    standard_ids: list[str]


class OversightOut(BaseModel):
    institution_id: str
    township: str
    status: str = Field(
        description="not_inspected | inspected | rectifying | admissions_suspended | rectified | closed"
    )
    admissions_suspended: bool
    suspended_for_order: str | None
    suspended_since: str | None
    closed_on: date | None
    inspections: int
    hazards_open: int
    hazards_fixed: int
    orders: dict[str, int] = Field(description="orders by status")


T = TypeVar("T")


class Page(BaseModel, Generic[T]):
    total: int
    items: list[T]


def hazard_out(f: Oversight, x: Hazard) -> HazardOut:
    return HazardOut(
        hazard_id=x.hazard_id,
        inspection_id=x.inspection_id,
        institution_id=f.institution_id or "",
        township=f.township,
        category=x.category,
        sector=x.sector,
        description=x.description,
        found_on=x.found_on,
        order_id=x.order_id,
        open=x.open,
        fixed_on=x.fixed_on,
    )


def inspection_out(f: Oversight, i: Inspection) -> InspectionOut:
    return InspectionOut(
        inspection_id=i.inspection_id,
        institution_id=f.institution_id or "",
        township=f.township,
        inspected_on=i.inspected_on,
        inspector=i.inspector,
        order_id=i.order_id,
        hazards=[hazard_out(f, f.hazards[x]) for x in i.hazard_ids],
    )


def order_out(f: Oversight, o: Order) -> OrderOut:
    return OrderOut(
        order_id=o.order_id,
        inspection_id=o.inspection_id,
        institution_id=f.institution_id or "",
        township=f.township,
        status=o.status,
        ordered_on=o.ordered_on,
        deadline=o.deadline,
        at_risk_on=o.at_risk_on,
        hazard_ids=list(o.hazard_ids),
        open_hazard_ids=f.open_hazards(o),
        reinspections=o.reinspections,
        completed_on=o.completed_on,
        standard_ids=list(o.standard_ids),
    )


def oversight_out(f: Oversight) -> OversightOut:
    by_status: dict[str, int] = {}
    for o in f.orders.values():
        by_status[o.status] = by_status.get(o.status, 0) + 1
    fixed = sum(1 for x in f.hazards.values() if not x.open)
    return OversightOut(
        institution_id=f.institution_id or "",
        township=f.township,
        status=f.status,
        admissions_suspended=f.suspended_by is not None,
        suspended_for_order=f.suspended_by,
        suspended_since=f.suspended_since,
        closed_on=f.closed_on,
        inspections=len(f.inspections),
        hazards_open=len(f.hazards) - fixed,
        hazards_fixed=fixed,
        orders=by_status,
    )


TAGS: list[str | Enum] = ["inspections and rectification"]
Offset = Annotated[int, Query(ge=0, le=100_000)]
Limit = Annotated[int, Query(ge=1, le=500)]
Township = Annotated[DivisionCode | None, Query(description="the institutions' township (or village)")]


@router.post(
    "/inspections",
    status_code=201,
    tags=TAGS,
    summary="Record an inspection and its findings (安全检查)",
    response_model=InspectionOut,
    responses=refusals(404, 409),
)
async def inspect(body: InspectionIn, ctx: Ctx, actor: Inspector) -> InspectionOut:
    """One `HazardFound` per finding. The same inspection sent again (same id and details) answers
    the same and writes nothing; its id with other details: 409 `id_reused`. 404
    `institution_not_found` for an institution not registered, 409 `institution_closed`; 422
    `inspected_in_future`."""
    inspection_id = str(body.inspection_id or uuid.uuid4())
    findings = [d.Finding(f.category, f.sector, f.description) for f in body.findings]
    state = await h.inspect(
        ctx,
        actor,
        inspection_id=inspection_id,
        institution_id=body.institution_id,
        inspected_on=body.inspected_on,
        inspector=body.inspector,
        findings=findings,
    )
    return inspection_out(state, state.inspections[inspection_id])


@router.post(
    "/inspections/{inspection_id}/rectification-orders",
    status_code=201,
    tags=TAGS,
    summary="Order the findings rectified (整改通知)",
    response_model=OrderOut,
    responses=refusals(404, 409),
)
async def order(inspection_id: InspectionPath, body: OrderIn, ctx: Ctx, actor: Orderer) -> OrderOut:
    """Over every open finding of the inspection, once (409 `already_ordered`; 422 `no_findings`);
    the same order id again answers the same (another inspection's: 409 `id_reused`).
    The deadline is `rectification.days` calendar days after today, at risk from 00:00 +08:00 on
    the day `rectification.at_risk_days` before it; overdue at 00:00 +08:00 after it, raised once
    (durable, across restarts), which suspends admissions."""
    order_id = str(body.order_id or uuid.uuid4())
    state = await h.order(ctx, actor, inspection_id=str(inspection_id), order_id=order_id)
    return order_out(state, state.orders[order_id])


@router.post(
    "/rectification-orders/{order_id}/reinspections",
    status_code=201,
    tags=TAGS,
    summary="Record a re-inspection (复查)",
    response_model=OrderOut,
    responses=refusals(404, 409),
)
async def reinspect(order_id: OrderPath, body: ReinspectionIn, ctx: Ctx, actor: Inspector) -> OrderOut:
    """Each finding named is verified fixed or not yet; the order completes
    (`RectificationCompleted`) only when every finding is fixed, and admissions suspended for it
    resume. 409 `order_completed`, `institution_closed`, `hazard_verified_fixed` (a fixed finding is not
    reopened); 422 `unknown_hazard`, `duplicate_hazard`, `before_order`."""
    verdicts: dict[str, bool] = {}
    for v in body.findings:
        if v.hazard_id in verdicts:
            raise DomainError("duplicate_hazard", f"{v.hazard_id} is named twice", field="findings")
        verdicts[v.hazard_id] = v.fixed
    state = await h.reinspect(
        ctx,
        actor,
        order_id=str(order_id),
        reinspected_on=body.reinspected_on,
        inspector=body.inspector,
        verdicts=verdicts,
    )
    return order_out(state, state.orders[str(order_id)])


@router.post(
    "/institutions/{institution_id}/admission-suspensions",
    status_code=201,
    tags=TAGS,
    summary="Suspend admissions for an open order (暂停收住)",
    response_model=OversightOut,
    responses=refusals(404, 409),
)
async def suspend(
    institution_id: InstitutionPath, body: SuspensionIn, ctx: Ctx, actor: Escalator
) -> OversightOut:
    """The standing row changes in the same transaction (no admission commits after it). 409
    `already_suspended`, `order_completed`, `institution_closed`; 404 `order_not_found`."""
    state = await h.suspend(
        ctx, actor, institution_id=institution_id, order_id=str(body.order_id), reason=body.reason
    )
    return oversight_out(state)


@router.post(
    "/institutions/{institution_id}/closure-orders",
    status_code=201,
    tags=TAGS,
    summary="Order the institution closed (责令关停)",
    response_model=OversightOut,
    responses=refusals(404, 409),
)
async def close(institution_id: InstitutionPath, body: ClosureIn, ctx: Ctx, actor: Escalator) -> OversightOut:
    """Only with an overdue order open or admissions suspended (409 `no_grounds_for_closure`);
    once (409 `already_closed`). The standing row is `closed` in the same transaction."""
    return oversight_out(await h.close(ctx, actor, institution_id=institution_id, reason=body.reason))


@router.get(
    "/inspections",
    tags=TAGS,
    summary="The inspections, filtered and paged",
    response_model=Page[InspectionOut],
)
async def list_inspections(
    ctx: Ctx,
    actor: Reader,
    township: Township = None,
    institution_id: Annotated[str | None, Query(max_length=64, pattern=r"^[0-9A-Za-z_-]+$")] = None,
    offset: Offset = 0,
    limit: Limit = 50,
) -> Page[InspectionOut]:
    """Within the caller's division, by date."""
    rows = q.inspections(await q.files(ctx.store, actor, str(township) if township else None), institution_id)
    return Page[InspectionOut](
        total=len(rows), items=[inspection_out(r.file, r.item) for r in rows[offset : offset + limit]]
    )


@router.get(
    "/rectification-orders",
    tags=TAGS,
    summary="The rectification orders, by status, paged",
    response_model=Page[OrderOut],
)
async def list_orders(
    ctx: Ctx,
    actor: Reader,
    status: Literal["open", "at_risk", "overdue", "completed"] | None = None,
    township: Township = None,
    offset: Offset = 0,
    limit: Limit = 50,
) -> Page[OrderOut]:
    """`open` (before its at-risk day), `at_risk`, `overdue`, `completed`."""
    rows = q.orders(await q.files(ctx.store, actor, str(township) if township else None), status)
    return Page[OrderOut](
        total=len(rows), items=[order_out(r.file, r.item) for r in rows[offset : offset + limit]]
    )


@router.get(
    "/rectification-orders/{order_id}",
    tags=TAGS,
    summary="One rectification order",
    response_model=OrderOut,
    responses=refusals(404),
)
async def get_order(order_id: OrderPath, ctx: Ctx, actor: Reader) -> OrderOut:
    row = await q.order(ctx.store, actor, str(order_id))
    return order_out(row.file, row.item)


@router.get(
    "/hazards", tags=TAGS, summary="The hazards (隐患), filtered and paged", response_model=Page[HazardOut]
)
async def list_hazards(
    ctx: Ctx,
    actor: Reader,
    open: bool | None = Query(default=None, description="true: in progress, false: fixed"),
    township: Township = None,
    sector: e.Sector | None = None,
    category: e.Category | None = None,
    offset: Offset = 0,
    limit: Limit = 50,
) -> Page[HazardOut]:
    rows = q.hazards(
        await q.files(ctx.store, actor, str(township) if township else None),
        open=open,
        sector=sector.value if sector else None,
        category=category.value if category else None,
    )
    return Page[HazardOut](
        total=len(rows), items=[hazard_out(r.file, r.item) for r in rows[offset : offset + limit]]
    )


@router.get(
    "/institutions/{institution_id}/oversight",
    tags=TAGS,
    summary="An institution's oversight: inspections, hazards, orders, admissions",
    response_model=OversightOut,
    responses=refusals(404),
)
async def get_oversight(institution_id: InstitutionPath, ctx: Ctx, actor: Reader) -> OversightOut:
    """`not_inspected` for a registered institution never inspected; 404 `institution_not_found`
    for one not registered."""
    return oversight_out(await q.oversight(ctx.store, actor, institution_id))
