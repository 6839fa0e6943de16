"""The HTTP API of the disaster service. Every input is bounded; refusals come from the domain
(their HTTP status from the error's class) and guard rows (a ``Conflict``), never a 500."""

from __future__ import annotations

import uuid
from typing import Annotated, Any

from fastapi import APIRouter, Path
from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, StringConstraints

from minzheng_contracts import DisasterType, DivisionCode, ResidentId
from minzheng_eventstore.deps import Ctx, CurrentActor

from ..application import handlers as h
from ..application.queries import board, replay_outcomes, shares
from ..domain.incident import MAX_CASH_FEN, MAX_QUANTITY, Damage

Strict = ConfigDict(extra="forbid")
NAME = r"^[^\x00-\x1f\x7f/]+$"
# quantities are bounded both ways; a negative one is refused by the domain (``negative_quantity``)
Quantity = Annotated[int, Field(strict=True, ge=-MAX_QUANTITY, le=MAX_QUANTITY)]
Cash = Annotated[int, Field(strict=True, ge=-MAX_CASH_FEN, le=MAX_CASH_FEN)]
Item = Annotated[str, StringConstraints(min_length=1, max_length=50, pattern=NAME)]
Items = Annotated[dict[Item, Quantity], Field(max_length=50)]
WarehouseName = Annotated[str, StringConstraints(min_length=1, max_length=100, pattern=NAME)]
WarehousePath = Annotated[str, Path(min_length=1, max_length=100, pattern=NAME)]

router = APIRouter()


class ReportIn(BaseModel):
    model_config = Strict
    incident_id: uuid.UUID | None = None
    disaster_type: DisasterType
    area: list[DivisionCode] = Field(min_length=1, max_length=200)
    happened_at: AwareDatetime
    reported_at: AwareDatetime
    reporter: str = Field(min_length=1, max_length=200)
    summary: str | None = Field(default=None, max_length=2000)


class VerifyIn(BaseModel):
    model_config = Strict
    findings: str = Field(min_length=1, max_length=4000)


class NeedsIn(BaseModel):
    model_config = Strict
    cash: bool = False
    food: bool = False
    quilts: bool = False
    clothing: bool = False
    shelter: bool = False


class HouseholdIn(BaseModel):
    model_config = Strict
    head: ResidentId
    village: DivisionCode
    members: int = Field(ge=1, le=1000, strict=True)
    relocation: int = Field(ge=0, le=1000, strict=True, description="persons needing relocation (转移安置)")
    damage: Damage
    needs: NeedsIn = NeedsIn()


class ReceiptIn(BaseModel):
    model_config = Strict
    item: Item = Field(description="e.g. rice_kg, quilt, tent, clothing")
    quantity: Quantity


class AllocationIn(BaseModel):
    model_config = Strict
    document: str = Field(min_length=1, max_length=200, description="the allocation document (拨款文件)")
    cash_fen: Cash = 0
    items: Items = Field(default_factory=dict)
    warehouse: WarehouseName | None = None


class DeliveryIn(BaseModel):
    model_config = Strict
    delivery_id: uuid.UUID | None = None
    head: ResidentId
    cash_fen: Cash = 0
    items: Items = Field(default_factory=dict)
    delivered_at: AwareDatetime | None = None


@router.post("/incidents", status_code=201, tags=["incidents"])
async def report(body: ReportIn, ctx: Ctx, actor: CurrentActor) -> dict[str, str]:
    """灾情报送."""
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
    return {"incident_id": str(iid)}


@router.post("/incidents/{iid}/verification", tags=["incidents"])
async def verify(iid: uuid.UUID, body: VerifyIn, ctx: Ctx, actor: CurrentActor) -> dict[str, str]:
    """查灾/核灾."""
    await h.verify_incident(ctx, actor, iid, body.findings)
    return {"incident_id": str(iid), "verified": "true"}


@router.post("/incidents/{iid}/households", status_code=201, tags=["households"])
async def register(iid: uuid.UUID, body: HouseholdIn, ctx: Ctx, actor: CurrentActor) -> dict[str, Any]:
    """An affected household (受灾户)."""
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
    )


@router.post("/warehouses/{warehouse}/receipts", status_code=201, tags=["stock"])
async def receive(warehouse: WarehousePath, body: ReceiptIn, ctx: Ctx, actor: CurrentActor) -> dict[str, str]:
    """入库."""
    await h.receive_stock(ctx, actor, warehouse=warehouse, item=body.item, quantity=body.quantity)
    return {"warehouse": warehouse}


@router.get("/warehouses/{warehouse}", tags=["stock"])
async def stock(warehouse: WarehousePath, ctx: Ctx) -> list[dict[str, Any]]:
    async with ctx.store.pool.acquire() as conn:
        rows = await conn.fetch(
            "SELECT item, on_hand, reserved, on_hand - reserved AS available FROM stock "
            "WHERE warehouse = $1 ORDER BY item",
            warehouse,
        )
    return [dict(x) for x in rows]


@router.post("/incidents/{iid}/allocations", status_code=201, tags=["relief"])
async def allocate(iid: uuid.UUID, body: AllocationIn, ctx: Ctx, actor: CurrentActor) -> dict[str, str]:
    """Allocate relief (专款专用)."""
    await h.allocate(
        ctx,
        actor,
        incident_id=iid,
        document=body.document,
        cash_fen=body.cash_fen,
        items=body.items,
        warehouse=body.warehouse,
    )
    return {"incident_id": str(iid)}


@router.post("/incidents/{iid}/deliveries", status_code=201, tags=["relief"])
async def deliver(iid: uuid.UUID, body: DeliveryIn, ctx: Ctx, actor: CurrentActor) -> dict[str, Any]:
    """发放到户."""
    return await h.deliver(
        ctx,
        actor,
        incident_id=iid,
        head=body.head.reveal(),
        cash_fen=body.cash_fen,
        items=body.items,
        delivered_at=body.delivered_at,
        delivery_id=body.delivery_id or uuid.uuid4(),
    )


@router.get("/incidents/{iid}/sla", tags=["sla"])
async def sla_board(iid: uuid.UUID, ctx: Ctx) -> dict[str, Any]:
    entries = await board(ctx.store, iid, ctx.clock.now())
    counts = {k: sum(1 for e in entries if e["outcome"] == k) for k in ("pending", "met", "breached")}
    return {"incident_id": str(iid), "counts": counts, "households": entries}


@router.get("/incidents/{iid}/sla/shares", tags=["sla"])
async def sla_shares(iid: uuid.UUID, ctx: Ctx) -> dict[str, Any]:
    return shares(await board(ctx.store, iid, ctx.clock.now()))


@router.get("/incidents/{iid}/sla/replay", tags=["sla"])
async def sla_replay(iid: uuid.UUID, ctx: Ctx, now: AwareDatetime | None = None) -> dict[str, str]:
    return await replay_outcomes(ctx.store, iid, now or ctx.clock.now())
