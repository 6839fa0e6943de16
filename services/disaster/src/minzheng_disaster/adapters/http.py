"""The HTTP API of the disaster service."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Header, Request
from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from minzheng_contracts import DisasterType, DivisionCode, ResidentId

from ..application import handlers as h
from ..application.queries import board, replay_outcomes, shares
from ..domain.incident import Damage

Strict = ConfigDict(extra="forbid")
Official = Annotated[str, Header(alias="x-official-id", min_length=1, max_length=100)]
Quantity = Annotated[int, Field(strict=True)]


class ReportIn(BaseModel):
    model_config = Strict
    incident_id: uuid.UUID | None = None
    disaster_type: DisasterType
    area: list[DivisionCode] = Field(min_length=1)
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
    members: int = Field(ge=1, strict=True)
    relocation: int = Field(ge=0, strict=True, description="persons needing relocation (转移安置)")
    damage: Damage
    needs: NeedsIn = NeedsIn()


class ReceiptIn(BaseModel):
    model_config = Strict
    item: str = Field(min_length=1, max_length=50, description="e.g. rice_kg, quilt, tent, clothing")
    quantity: Quantity


class AllocationIn(BaseModel):
    model_config = Strict
    document: str = Field(min_length=1, max_length=200, description="the allocation document (拨款文件)")
    cash_fen: Quantity = 0
    items: dict[str, Quantity] = Field(default_factory=dict)
    warehouse: str | None = None


class DeliveryIn(BaseModel):
    model_config = Strict
    delivery_id: uuid.UUID | None = None
    head: ResidentId
    cash_fen: Quantity = 0
    items: dict[str, Quantity] = Field(default_factory=dict)
    delivered_at: AwareDatetime | None = None


def build_router(context: Callable[[], h.Context]) -> APIRouter:
    r = APIRouter()

    def actor(request: Request, official: str) -> h.Actor:
        return h.Actor(official, getattr(request.state, "correlation_id", None))

    @r.post("/incidents", status_code=201, tags=["incidents"])
    async def report(body: ReportIn, request: Request, official: Official) -> dict[str, str]:
        iid = await h.report_incident(
            context(),
            actor(request, official),
            incident_id=body.incident_id or uuid.uuid4(),
            disaster_type=body.disaster_type.value,
            area=list(body.area),
            happened_at=body.happened_at,
            reported_at=body.reported_at,
            reporter=body.reporter,
            summary=body.summary,
        )
        return {"incident_id": str(iid)}

    @r.post("/incidents/{iid}/verification", tags=["incidents"])
    async def verify(iid: uuid.UUID, body: VerifyIn, request: Request, official: Official) -> dict[str, str]:
        await h.verify_incident(context(), actor(request, official), iid, body.findings)
        return {"incident_id": str(iid), "verified": "true"}

    @r.post("/incidents/{iid}/households", status_code=201, tags=["households"])
    async def register(
        iid: uuid.UUID, body: HouseholdIn, request: Request, official: Official
    ) -> dict[str, Any]:
        return await h.register_household(
            context(),
            actor(request, official),
            incident_id=iid,
            head=body.head.reveal(),
            village=body.village,
            members=body.members,
            relocation=body.relocation,
            damage=body.damage,
            needs=body.needs.model_dump(),
        )

    @r.post("/warehouses/{warehouse}/receipts", status_code=201, tags=["stock"])
    async def receive(
        warehouse: str, body: ReceiptIn, request: Request, official: Official
    ) -> dict[str, str]:
        await h.receive_stock(
            context(), actor(request, official), warehouse=warehouse, item=body.item, quantity=body.quantity
        )
        return {"warehouse": warehouse}

    @r.get("/warehouses/{warehouse}", tags=["stock"])
    async def stock(warehouse: str) -> list[dict[str, Any]]:
        async with context().store.pool.acquire() as conn:
            rows = await conn.fetch(
                "SELECT item, on_hand, reserved, on_hand - reserved AS available FROM stock "
                "WHERE warehouse = $1 ORDER BY item",
                warehouse,
            )
        return [dict(x) for x in rows]

    @r.post("/incidents/{iid}/allocations", status_code=201, tags=["relief"])
    async def allocate(
        iid: uuid.UUID, body: AllocationIn, request: Request, official: Official
    ) -> dict[str, str]:
        await h.allocate(
            context(),
            actor(request, official),
            incident_id=iid,
            document=body.document,
            cash_fen=body.cash_fen,
            items=body.items,
            warehouse=body.warehouse,
        )
        return {"incident_id": str(iid)}

    @r.post("/incidents/{iid}/deliveries", status_code=201, tags=["relief"])
    async def deliver(
        iid: uuid.UUID, body: DeliveryIn, request: Request, official: Official
    ) -> dict[str, Any]:
        return await h.deliver(
            context(),
            actor(request, official),
            incident_id=iid,
            head=body.head.reveal(),
            cash_fen=body.cash_fen,
            items=body.items,
            delivered_at=body.delivered_at,
            delivery_id=body.delivery_id or uuid.uuid4(),
        )

    @r.get("/incidents/{iid}/sla", tags=["sla"])
    async def sla_board(iid: uuid.UUID) -> dict[str, Any]:
        ctx = context()
        entries = await board(ctx.store, iid, ctx.clock.now())
        counts = {k: sum(1 for e in entries if e["outcome"] == k) for k in ("pending", "met", "breached")}
        return {"incident_id": str(iid), "counts": counts, "households": entries}

    @r.get("/incidents/{iid}/sla/shares", tags=["sla"])
    async def sla_shares(iid: uuid.UUID) -> dict[str, Any]:
        ctx = context()
        return shares(await board(ctx.store, iid, ctx.clock.now()))

    @r.get("/incidents/{iid}/sla/replay", tags=["sla"])
    async def sla_replay(iid: uuid.UUID, now: datetime | None = None) -> dict[str, str]:
        ctx = context()
        return await replay_outcomes(ctx.store, iid, now or ctx.clock.now())

    return r
