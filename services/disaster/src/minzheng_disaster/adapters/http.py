"""The HTTP API of the disaster service. Every input is bounded; refusals come from the domain
(their HTTP status from the error's class) and guard rows (a ``Conflict``), never a 500. Every
operation has a description, a typed answer, its refusals (``refusals``) and, for a body, an
example that is accepted as written (``tests/integration/test_openapi.py`` posts them).

Every route declares its one permission (``permit``, the table in ``policy.py``): no valid bearer
token is 401, a role the table does not name 403 ``role_not_permitted``; the caller's division
bounds what it reaches (``application/jurisdiction.py``: 403 ``outside_jurisdiction``, lists
filtered)."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Path, Query, Response
from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, StringConstraints

from minzheng_contracts import DisasterType, DivisionCode, ResidentId, make_resident_id
from minzheng_eventstore.access import permit
from minzheng_eventstore.builder import Actor
from minzheng_eventstore.deps import Ctx
from minzheng_eventstore.errors_api import refusals
from minzheng_kernel.errors import NotFound

from ..application import handlers as h
from ..application import queries as q
from ..application.jurisdiction import overlaps, require_reaches, scope
from ..domain.incident import MAX_CASH_FEN, MAX_QUANTITY, Damage

NAME = r"^[^\x00-\x1f\x7f/]+$"
# quantities are bounded both ways; a negative one is refused by the domain (``negative_quantity``)
Quantity = Annotated[int, Field(strict=True, ge=-MAX_QUANTITY, le=MAX_QUANTITY)]
Cash = Annotated[int, Field(strict=True, ge=-MAX_CASH_FEN, le=MAX_CASH_FEN)]
Item = Annotated[str, StringConstraints(min_length=1, max_length=50, pattern=NAME)]
Items = Annotated[dict[Item, Quantity], Field(max_length=50)]
WarehouseName = Annotated[str, StringConstraints(min_length=1, max_length=100, pattern=NAME)]
WarehousePath = Annotated[
    str,
    Path(
        min_length=1, max_length=100, pattern=NAME, description="warehouse name", examples=["county-reserve"]
    ),
]
IncidentPath = Annotated[uuid.UUID, Path(description="the incident's id")]
Limit = Annotated[int, Query(ge=1, le=200, description="page size")]
Offset = Annotated[int, Query(ge=0, le=1_000_000, description="items to skip")]
DIVISION = r"^[1-9]\d{5}(\d{3}(\d{3})?)?$"

# the examples, consistent with each other: report → verify → stock in → allocate → register → deliver
EXAMPLE_INCIDENT = "e1a1b2c3-0000-4000-8000-00000000d001"
EXAMPLE_HEAD = make_resident_id("330727", date(1962, 5, 8), 31).reveal()
EXAMPLE_WAREHOUSE = "county-reserve"

router = APIRouter(responses=refusals(401, 403))

Reporter = Annotated[Actor, permit("incident.report")]
Verifier = Annotated[Actor, permit("incident.verify")]
IncidentReader = Annotated[Actor, permit("incident.read")]
Registrar = Annotated[Actor, permit("household.register")]
Deliverer = Annotated[Actor, permit("relief.deliver")]
Allocator = Annotated[Actor, permit("relief.allocate")]
Receiver = Annotated[Actor, permit("stock.receive")]
StockReader = Annotated[Actor, permit("stock.read")]
SlaReader = Annotated[Actor, permit("sla.read")]


def strict(*examples: dict[str, Any]) -> ConfigDict:
    return ConfigDict(extra="forbid", json_schema_extra={"examples": list(examples)})


class ReportIn(BaseModel):
    model_config = strict(
        {
            "incident_id": EXAMPLE_INCIDENT,
            "disaster_type": "flood",
            "area": ["330727101"],
            "happened_at": "2026-07-14T04:30:00+08:00",
            "reported_at": "2026-07-14T06:00:00+08:00",
            "reporter": "Township 101 civil-affairs office",
            "summary": "river burst its banks",
        }
    )
    incident_id: uuid.UUID | None = Field(
        default=None, description="your id for the report (sent again with the same body: the same answer)"
    )
    disaster_type: DisasterType
    area: list[DivisionCode] = Field(min_length=1, max_length=200, description="divisions of the county hit")
    happened_at: AwareDatetime
    reported_at: AwareDatetime = Field(description="the SLA clocks start here; not in the future")
    reporter: str = Field(min_length=1, max_length=200)
    summary: str | None = Field(default=None, max_length=2000)


class VerifyIn(BaseModel):
    model_config = strict({"findings": "12 houses flooded, 2 collapsed"})
    findings: str = Field(min_length=1, max_length=4000)


class NeedsIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    cash: bool = False
    food: bool = False
    quilts: bool = False
    clothing: bool = False
    shelter: bool = False


class HouseholdIn(BaseModel):
    model_config = strict(
        {
            "head": EXAMPLE_HEAD,
            "village": "330727101201",
            "members": 3,
            "relocation": 1,
            "damage": "severe",
            "needs": {"cash": True, "quilts": True},
            "head_name": "王建国",
        }
    )
    head: ResidentId = Field(description="the head's resident ID: one household per head and incident")
    head_name: str = Field(
        default="",
        max_length=50,
        pattern=r"^[^\x00-\x1f\x7f]*$",
        description="the head's name, for the duty team's board (optional)",
    )
    village: DivisionCode = Field(description="12-digit village code, in the incident's area")
    members: int = Field(ge=1, le=1000, strict=True)
    relocation: int = Field(ge=0, le=1000, strict=True, description="persons needing relocation (转移安置)")
    damage: Damage
    needs: NeedsIn = NeedsIn()


class ReceiptIn(BaseModel):
    model_config = strict({"item": "quilt", "quantity": 200})
    item: Item = Field(description="e.g. rice_kg, quilt, tent, clothing")
    quantity: Quantity


class AllocationIn(BaseModel):
    model_config = strict(
        {
            "document": "county relief allocation 2026-18",
            "cash_fen": 2_000_000,
            "items": {"quilt": 20},
            "warehouse": EXAMPLE_WAREHOUSE,
        }
    )
    document: str = Field(min_length=1, max_length=200, description="the allocation document (拨款文件)")
    cash_fen: Cash = 0
    items: Items = Field(default_factory=dict, description="reserved from the warehouse's available stock")
    warehouse: WarehouseName | None = None


class DeliveryIn(BaseModel):
    model_config = strict(
        {
            "delivery_id": "e1a1b2c3-0000-4000-8000-00000000d101",
            "head": EXAMPLE_HEAD,
            "cash_fen": 50_000,
            "items": {"quilt": 2},
        }
    )
    delivery_id: uuid.UUID | None = Field(
        default=None, description="your id for the delivery (sent again with the same body: the same answer)"
    )
    head: ResidentId
    cash_fen: Cash = 0
    items: Items = Field(default_factory=dict)
    delivered_at: AwareDatetime | None = Field(
        default=None,
        description="when it was handed over (default: now); not in the future, not before the disaster, "
        "the registration or the allocation drawn from",
    )


# ---------------------------------------------------------------------------------------- answers


class IncidentRef(BaseModel):
    incident_id: uuid.UUID


class Verified(BaseModel):
    incident_id: uuid.UUID
    verified: bool


class Registered(BaseModel):
    household: str = Field(description="the household's stream id (a keyed pseudonym, no resident ID)")
    deadline: datetime
    vulnerable: bool = Field(description="a 低保/特困 household, per the assistance service")


class Received(BaseModel):
    warehouse: str
    item: str
    quantity: int


class Allocated(BaseModel):
    incident_id: uuid.UUID


class Delivered(BaseModel):
    delivery_id: uuid.UUID
    delivered_at: datetime = Field(description="the claimed time (the recorded time is the event's)")
    sla_met: bool = Field(description="this delivery met the household's SLA")
    flagged_for_review: bool = Field(description="recorded after the deadline, claiming a time within it")
    drawn: dict[str, dict[str, int]] = Field(
        description="warehouse (empty for cash) → item → quantity, drawn oldest allocation first"
    )


class IncidentSummary(BaseModel):
    incident_id: uuid.UUID
    disaster_type: str
    area: list[str]
    happened_at: datetime
    reported_at: datetime
    reporter: str
    status: Literal["reported", "verified"]
    households: int


class AllocationView(BaseModel):
    item: str
    warehouse: str | None
    allocated: int
    delivered: int
    left: int


class IncidentDetail(IncidentSummary):
    allocations: list[AllocationView]


class Page(BaseModel):
    total: int
    limit: int
    offset: int
    next_offset: int | None = Field(description="the offset of the next page; null on the last")


class IncidentPage(Page):
    items: list[IncidentSummary]


class WarehouseSummary(BaseModel):
    warehouse: str
    items: int = Field(description="distinct items with a stock row")
    on_hand: int
    reserved: int


class WarehousePage(Page):
    items: list[WarehouseSummary]


class StockLine(BaseModel):
    item: str
    on_hand: int
    reserved: int = Field(description="reserved by allocations, not yet delivered")
    available: int


class StockPage(Page):
    warehouse: str
    items: list[StockLine]


class BoardEntry(BaseModel):
    household: str
    village: str
    township: str
    vulnerable: bool
    outcome: Literal["pending", "met", "breached"]
    deadline: datetime
    minutes_left: int | None
    at_risk: bool
    registered_late: bool
    delivered_at: datetime | None = Field(description="the first delivery's claimed time")
    delivery_recorded_at: datetime | None = Field(description="when that delivery was recorded")
    review: str | None = Field(description="`recorded_after_deadline`: a delivery to review")


class BoardCounts(BaseModel):
    pending: int
    met: int
    breached: int
    flagged_for_review: int


class Board(BaseModel):
    incident_id: uuid.UUID
    counts: BoardCounts
    households: list[BoardEntry]


class DutyHousehold(BaseModel):
    household: str = Field(description="the household's stream id, for links only")
    head_name: str = Field(description="the head's name ('' when it was not given)")
    head_id: str = Field(description="the head's resident ID, masked", examples=["330727********0311"])
    village: str
    vulnerable: bool = Field(description="a 低保/特困 household when registered")
    outcome: Literal["pending", "met", "breached"]
    at_risk: bool = Field(description="pending, past the warning point")
    deadline: datetime
    seconds_left: int | None = Field(description="seconds to the deadline while pending, else null")


class DutyCounts(BaseModel):
    pending: int = Field(description="within the deadline, not yet helped (at risk included)")
    at_risk: int = Field(description="of the pending, those past the warning point")
    breached: int
    met: int


class DutyTownship(BaseModel):
    township: str = Field(description="9-digit township code")
    name: str | None = Field(description="the township's name when the service knows it")
    counts: DutyCounts = Field(description="the township's households, all of them")
    total: int = Field(description="its households (pending + breached + met)")
    households: list[DutyHousehold] = Field(
        description="the most urgent first; only the first `per_township` when that is given"
    )


class DutyIncident(BaseModel):
    incident_id: uuid.UUID
    title: str
    reported_at: datetime
    counts: DutyCounts
    townships: list[DutyTownship]


class DutyBoard(BaseModel):
    generated_at: datetime = Field(description="the service clock's now, that the board was judged at")
    incidents: list[DutyIncident]


class Share(BaseModel):
    households: int
    met: int
    share_met: float | None


class Shares(BaseModel):
    incident: Share
    townships: dict[str, Share]


class Replay(BaseModel):
    incident_id: uuid.UUID
    now: datetime
    outcomes: dict[str, Literal["pending", "met", "breached"]] = Field(description="household → outcome")


# ----------------------------------------------------------------------------------------- routes


async def _reached(ctx: Ctx, actor: Actor, iid: uuid.UUID) -> None:
    """404 for an unknown incident, 403 for one whose area does not concern the caller."""
    area = await q.incident_area(ctx.store, iid)
    if area is None:
        raise NotFound("unknown_incident", f"no incident {iid}", field="incident_id")
    require_reaches(actor, area, "incident_id", f"incident {iid}")


def _county_reserve(ctx: Ctx, actor: Actor) -> None:
    """The warehouses are the county's: read by every official of the county."""
    if not overlaps(actor, ctx.county):
        actor.require_within(ctx.county, "warehouse")


@router.post(
    "/incidents",
    status_code=201,
    tags=["incidents"],
    summary="Report an incident (灾情报送)",
    response_model=IncidentRef,
    responses=refusals(409),
)
async def report(body: ReportIn, ctx: Ctx, actor: Reporter) -> dict[str, Any]:
    """A disaster reported: its type, the divisions hit, when it happened and was reported. Every
    affected household's 24-hour clock starts at `reported_at`. Sent again with the same
    `incident_id` and body, the answer is the same; another body under that id is refused (409
    `id_reused`)."""
    iid = await h.report_incident(
        ctx,
        actor,
        incident_id=body.incident_id or uuid.uuid4(),
        disaster_type=body.disaster_type.value,
        area=list(body.area),
        happened_at=body.happened_at,
        reported_at=body.reported_at,
        reporter=body.reporter,
        summary=body.summary,
    )
    return {"incident_id": iid}


@router.get(
    "/incidents",
    tags=["incidents"],
    summary="List incidents",
    response_model=IncidentPage,
)
async def incidents(
    ctx: Ctx,
    actor: IncidentReader,
    limit: Limit = 50,
    offset: Offset = 0,
    status: Annotated[Literal["reported", "verified"] | None, Query(description="verified or not")] = None,
    disaster_type: Annotated[DisasterType | None, Query(alias="type", description="kind of disaster")] = None,
    area: Annotated[
        str | None, Query(pattern=DIVISION, description="a division: incidents covering it or inside it")
    ] = None,
) -> dict[str, Any]:
    """Incidents, newest report first, paginated (`limit`, `offset`; `next_offset` is null on the
    last page), filtered by status, type (`flood`, …) and area. Only incidents whose area lies in
    the caller's division or covers it are listed, with the households of its villages."""
    return await q.list_incidents(
        ctx.store,
        status=status,
        disaster_type=None if disaster_type is None else disaster_type.value,
        area=area,
        limit=limit,
        offset=offset,
        scope=scope(actor),
    )


@router.get(
    "/incidents/{iid}",
    tags=["incidents"],
    summary="One incident",
    response_model=IncidentDetail,
    responses=refusals(404),
)
async def incident(iid: IncidentPath, ctx: Ctx, actor: IncidentReader) -> dict[str, Any]:
    """The incident, its status, how many households are registered (in the caller's division),
    and per item and warehouse what was allocated and delivered."""
    await _reached(ctx, actor, iid)
    found = await q.get_incident(ctx.store, iid, scope=scope(actor))
    if found is None:
        raise NotFound("unknown_incident", f"no incident {iid}", field="incident_id")
    return found


@router.post(
    "/incidents/{iid}/verification",
    tags=["incidents"],
    summary="Verify an incident (查灾/核灾)",
    response_model=Verified,
    responses=refusals(404),
)
async def verify(iid: IncidentPath, body: VerifyIn, ctx: Ctx, actor: Verifier) -> dict[str, Any]:
    """The township or county checked the report on the ground and records its findings (the
    whole area in the caller's division)."""
    await h.verify_incident(ctx, actor, iid, body.findings)
    return {"incident_id": iid, "verified": True}


@router.post(
    "/incidents/{iid}/households",
    status_code=201,
    tags=["households"],
    summary="Register an affected household (受灾户)",
    response_model=Registered,
    responses=refusals(404, 409),
)
async def register(iid: IncidentPath, body: HouseholdIn, ctx: Ctx, actor: Registrar) -> dict[str, Any]:
    """A household hit by the incident, by its head's resident ID, in a village of the incident's
    area. Its SLA deadline counts from the incident's report. The same registration sent again
    answers the same; other details for a household already registered: 409 `id_reused`."""
    return await h.register_household(
        ctx,
        actor,
        incident_id=iid,
        head=body.head.reveal(),
        village=body.village,
        members=body.members,
        relocation=body.relocation,
        damage=body.damage,
        needs=body.needs.model_dump(),
        head_name=body.head_name,
    )


@router.get(
    "/warehouses",
    tags=["stock"],
    summary="List warehouses",
    response_model=WarehousePage,
)
async def warehouses(ctx: Ctx, actor: StockReader, limit: Limit = 50, offset: Offset = 0) -> dict[str, Any]:
    """Every warehouse that received stock, by name, with its totals; paginated. Warehouses are
    the county's reserve: listed to the county's officials (to a caller of another division, none)."""
    if not overlaps(actor, ctx.county):
        return {"items": [], "total": 0, "limit": limit, "offset": offset, "next_offset": None}
    return await q.list_warehouses(ctx.store, limit=limit, offset=offset)


@router.post(
    "/warehouses/{warehouse}/receipts",
    status_code=201,
    tags=["stock"],
    summary="Receive stock (入库)",
    response_model=Received,
    responses=refusals(409),
)
async def receive(warehouse: WarehousePath, body: ReceiptIn, ctx: Ctx, actor: Receiver) -> dict[str, Any]:
    """Stock received into a warehouse (created by its first receipt), by a caller over the
    whole county (the warehouses are the county's reserve)."""
    await h.receive_stock(ctx, actor, warehouse=warehouse, item=body.item, quantity=body.quantity)
    return {"warehouse": warehouse, "item": body.item, "quantity": body.quantity}


@router.get(
    "/warehouses/{warehouse}",
    tags=["stock"],
    summary="A warehouse's stock",
    response_model=StockPage,
    responses=refusals(404),
)
async def stock(
    warehouse: WarehousePath,
    ctx: Ctx,
    actor: StockReader,
    limit: Limit = 50,
    offset: Offset = 0,
    item: Annotated[str | None, Query(min_length=1, max_length=50, pattern=NAME)] = None,
) -> dict[str, Any]:
    """Per item: on hand, reserved by allocations and available; paginated, optionally one item.
    Read by the county's officials."""
    _county_reserve(ctx, actor)
    found = await q.warehouse_stock(ctx.store, warehouse, item=item, limit=limit, offset=offset)
    if found is None:
        raise NotFound("unknown_warehouse", f"no warehouse {warehouse}", field="warehouse")
    return found


@router.post(
    "/incidents/{iid}/allocations",
    status_code=201,
    tags=["relief"],
    summary="Allocate relief (专款专用)",
    response_model=Allocated,
    responses=refusals(404, 409),
)
async def allocate(iid: IncidentPath, body: AllocationIn, ctx: Ctx, actor: Allocator) -> dict[str, Any]:
    """Funds by allocation document, and in-kind items reserved from one warehouse's available
    stock (409 `insufficient_stock`). Allocate from several warehouses with one call each. The
    incident's whole area, and for items the county's reserve, in the caller's division."""
    await h.allocate(
        ctx,
        actor,
        incident_id=iid,
        document=body.document,
        cash_fen=body.cash_fen,
        items=body.items,
        warehouse=body.warehouse,
    )
    return {"incident_id": iid}


@router.post(
    "/incidents/{iid}/deliveries",
    status_code=201,
    tags=["relief"],
    summary="Deliver relief to a household (发放到户)",
    response_model=Delivered,
    responses=refusals(404, 409),
)
async def deliver(
    iid: IncidentPath, body: DeliveryIn, ctx: Ctx, actor: Deliverer, response: Response
) -> dict[str, Any]:
    """Cash and items handed to a registered household, drawn from the incident's allocations
    (oldest first: each part releases its warehouse's reservation and leaves its stock; never more
    than allocated, 409 `over_allocation`). The first delivery by the deadline meets the SLA; one
    recorded after the deadline but claiming a time within it is also flagged for review. Sent
    again with the same `delivery_id` and body, the answer is the same (header
    `idempotent-replayed: true`); that id for anything else: 409 `id_reused`."""
    result = await h.deliver(
        ctx,
        actor,
        incident_id=iid,
        head=body.head.reveal(),
        cash_fen=body.cash_fen,
        items=body.items,
        delivered_at=body.delivered_at,
        delivery_id=body.delivery_id or uuid.uuid4(),
    )
    if result.pop("repeat"):
        response.headers["idempotent-replayed"] = "true"
    return result


@router.get(
    "/incidents/{iid}/sla",
    tags=["sla"],
    summary="The SLA board",
    response_model=Board,
    responses=refusals(404),
)
async def sla_board(iid: IncidentPath, ctx: Ctx, actor: SlaReader) -> dict[str, Any]:
    """Every household of the incident in the caller's division: pending (minutes left, at risk
    past the warning point), met or breached; vulnerable households first; deliveries to review
    flagged."""
    await _reached(ctx, actor, iid)
    entries = await q.board(ctx.store, iid, ctx.clock.now(), scope=scope(actor))
    counts = {k: sum(1 for e in entries if e["outcome"] == k) for k in ("pending", "met", "breached")}
    counts["flagged_for_review"] = sum(1 for e in entries if e["review"])
    return {"incident_id": iid, "counts": counts, "households": entries}


@router.get(
    "/sla/board",
    tags=["sla"],
    summary="The duty team's SLA board, every open incident",
    response_model=DutyBoard,
)
async def duty_board(
    ctx: Ctx,
    actor: SlaReader,
    per_township: Annotated[
        int | None,
        Query(ge=1, le=10_000, description="at most this many households per township (the most urgent)"),
    ] = None,
) -> Response:
    """Every open incident (no household registered yet, or one still waiting for relief) in the
    caller's division, newest report first: its counts (`pending` includes those `at_risk`) and,
    per township (those with a breach first, then those at risk, then by code), its households of
    the caller's villages ordered breached, at risk, pending (each by deadline), met, with the
    head's name and masked ID and the seconds left while pending, judged at the service clock's
    now (`generated_at`). One SQL statement builds the whole answer (10,000 households well under
    a second)."""
    text = await q.duty_board(ctx.store, ctx.clock.now(), scope=scope(actor), per_township=per_township)
    return Response(text.encode(), media_type="application/json")


@router.get(
    "/incidents/{iid}/sla/shares",
    tags=["sla"],
    summary="Share of households helped in time",
    response_model=Shares,
    responses=refusals(404),
)
async def sla_shares(iid: IncidentPath, ctx: Ctx, actor: SlaReader) -> dict[str, Any]:
    """The share of households whose SLA was met, for the incident and per township (of the
    households in the caller's division)."""
    await _reached(ctx, actor, iid)
    return q.shares(await q.board(ctx.store, iid, ctx.clock.now(), scope=scope(actor)))


@router.get(
    "/incidents/{iid}/sla/replay",
    tags=["sla"],
    summary="Recompute the SLA outcomes from the events",
    response_model=Replay,
    responses=refusals(404),
)
async def sla_replay(
    iid: IncidentPath,
    ctx: Ctx,
    actor: SlaReader,
    now: Annotated[
        AwareDatetime | None, Query(description="the moment to judge at, with its timezone (default: now)")
    ] = None,
) -> dict[str, Any]:
    """Every household's outcome recomputed from its stream alone (event times only): it agrees
    with the board (the households in the caller's division). A `now` without a timezone is
    refused (422)."""
    await _reached(ctx, actor, iid)
    at = now or ctx.clock.now()
    outcomes = await q.replay_outcomes(ctx.store, iid, at, scope=scope(actor))
    return {"incident_id": iid, "now": at, "outcomes": outcomes}
