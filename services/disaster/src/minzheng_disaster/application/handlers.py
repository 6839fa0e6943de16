"""Command handlers of the disaster service. Guards (registration, balances, stock, SLA clocks) are
rows written in the same transaction as the events, so rules hold under concurrency."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import asyncpg

from minzheng_eventstore import ANY_VERSION, EventMetadata, EventStore, NewEvent
from minzheng_eventstore.clock import Clock
from minzheng_eventstore.errors import Conflict, DomainError, NotFound
from minzheng_eventstore.store import Connection

from ..domain import incident as rules
from ..domain.sla import Clock as SlaClock
from ..domain.sla import SlaTerms

NS = uuid.UUID("a3c0f1d2-6b7e-4f4a-9e0b-1d2c3b4a5f60")


@dataclass
class Context:
    store: EventStore
    clock: Clock
    county: str


@dataclass(frozen=True)
class Actor:
    name: str
    correlation_id: uuid.UUID | None = None


def _events(
    ctx: Context,
    actor: Actor,
    jurisdiction: str,
    *facts: tuple[str, dict[str, Any]],
    ids: list[uuid.UUID] | None = None,
    at: datetime | None = None,
) -> list[NewEvent]:
    meta = EventMetadata(correlation_id=actor.correlation_id, actor=actor.name, jurisdiction=jurisdiction)
    moment = at or ctx.clock.now()
    return [
        NewEvent(
            event_type=t, data=d, occurred_at=moment, metadata=meta, **({"event_id": ids[i]} if ids else {})
        )
        for i, (t, d) in enumerate(facts)
    ]


def household_stream(incident_id: uuid.UUID, household_key: str) -> str:
    return f"affected-{incident_id}-{uuid.uuid5(NS, household_key)}"


async def sla_terms(conn: Connection, place: str, on: datetime) -> SlaTerms:
    """The SLA terms in force for a place on a day (most specific jurisdiction, latest effective)."""
    row = await conn.fetchrow(
        "SELECT jurisdiction, effective_from, deadline_minutes, warning_minutes FROM sla_terms "
        "WHERE $1 LIKE jurisdiction || '%' AND effective_from <= $2 "
        "ORDER BY length(jurisdiction) DESC, effective_from DESC LIMIT 1",
        place,
        on.date(),
    )
    if row is None:
        return SlaTerms()
    return SlaTerms(
        timedelta(minutes=row["deadline_minutes"]),
        timedelta(minutes=row["warning_minutes"]),
        f"sla:{row['jurisdiction']}:{row['effective_from'].isoformat()}",
    )


async def report_incident(
    ctx: Context,
    actor: Actor,
    *,
    incident_id: uuid.UUID,
    disaster_type: str,
    area: list[str],
    happened_at: datetime,
    reported_at: datetime,
    reporter: str,
    summary: str | None,
) -> uuid.UUID:
    rules.check_report(
        happened_at=happened_at, reported_at=reported_at, now=ctx.clock.now(), area=area, county=ctx.county
    )
    data = {
        "incident_id": str(incident_id),
        "disaster_type": disaster_type,
        "area": area,
        "happened_at": happened_at.isoformat(),
        "reported_at": reported_at.isoformat(),
        "reporter": reporter,
        "summary": summary,
    }
    async with ctx.store.pool.acquire() as conn, conn.transaction():
        await ctx.store.append(
            f"incident-{incident_id}",
            "incident",
            0,
            _events(ctx, actor, ctx.county, ("DisasterReported", data), at=reported_at),
            conn=conn,
        )
        await conn.execute(
            "INSERT INTO incidents (incident_id, disaster_type, area, happened_at, reported_at, reporter) "
            "VALUES ($1, $2, $3, $4, $5, $6)",
            incident_id,
            disaster_type,
            area,
            happened_at,
            reported_at,
            reporter,
        )
    return incident_id


async def _incident(conn: Connection, incident_id: uuid.UUID) -> asyncpg.Record:
    row = await conn.fetchrow("SELECT * FROM incidents WHERE incident_id = $1", incident_id)
    if row is None:
        raise NotFound("unknown_incident", f"no incident {incident_id}", field="incident_id")
    return row


async def verify_incident(ctx: Context, actor: Actor, incident_id: uuid.UUID, findings: str) -> None:
    """查灾/核灾: the township or county verified the report."""
    async with ctx.store.pool.acquire() as conn, conn.transaction():
        await _incident(conn, incident_id)
        await ctx.store.append(
            f"incident-{incident_id}",
            "incident",
            ANY_VERSION,
            _events(ctx, actor, ctx.county, ("IncidentVerified", {"findings": findings})),
            conn=conn,
        )
        await conn.execute("UPDATE incidents SET verified = true WHERE incident_id = $1", incident_id)


async def register_household(
    ctx: Context,
    actor: Actor,
    *,
    incident_id: uuid.UUID,
    head: str,
    village: str,
    members: int,
    relocation: int,
    damage: rules.Damage,
    needs: dict[str, bool],
) -> dict[str, Any]:
    """An affected household (受灾户). Its clock starts at the incident's report time, whenever it
    is registered; a late registration shows as such on the board."""
    if not village.startswith(ctx.county) or len(village) != 12:
        raise DomainError(
            "village_outside_county", f"{village} is not a village of county {ctx.county}", field="village"
        )
    if members < 1 or relocation < 0 or relocation > members:
        raise DomainError(
            "invalid_household_size", "members ≥ 1 and 0 ≤ relocation ≤ members", field="relocation"
        )
    stream = household_stream(incident_id, head)
    now = ctx.clock.now()
    async with ctx.store.pool.acquire() as conn, conn.transaction():
        incident = await _incident(conn, incident_id)
        if not any(village.startswith(code) for code in incident["area"]):
            raise DomainError(
                "village_not_in_area", "the village is not in the incident's area", field="village"
            )
        vulnerable = bool(
            await conn.fetchval("SELECT true FROM vulnerable WHERE applicant = $1 AND active", head)
        )
        try:
            await conn.execute(
                "INSERT INTO affected (incident_id, household_key, stream_id, village, township, members, "
                "relocation, "
                "damage, vulnerable, registered_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
                incident_id,
                head,
                stream,
                village,
                village[:9],
                members,
                relocation,
                damage.value,
                vulnerable,
                now,
            )
        except asyncpg.UniqueViolationError as exc:
            raise Conflict(
                "household_already_registered",
                "this household is already registered to this incident",
                field="head",
            ) from exc
        terms = await sla_terms(conn, village, incident["reported_at"])
        clock = SlaClock.start(incident["reported_at"], terms)
        data = {
            "incident_id": str(incident_id),
            "head": head,
            "village": village,
            "members": members,
            "relocation": relocation,
            "damage": damage.value,
            "needs": needs,
            "vulnerable": vulnerable,
            "registered_at": now.isoformat(),
            "deadline": clock.deadline.isoformat(),
            "warn_at": clock.warn_at.isoformat(),
            "sla_terms": terms.terms_id,
            "minutes_after_report": int((now - clock.reported_at).total_seconds() // 60),
            "late_registration": now > clock.warn_at,
        }
        await ctx.store.append(
            stream, "affected", 0, _events(ctx, actor, village, ("HouseholdRegistered", data)), conn=conn
        )
        await conn.execute(
            "INSERT INTO sla_clocks (stream_id, incident_id, village, reported_at, warn_at, deadline) "
            "VALUES ($1, $2, $3, $4, $5, $6)",
            stream,
            incident_id,
            village,
            clock.reported_at,
            clock.warn_at,
            clock.deadline,
        )
    return {"household": stream, "deadline": clock.deadline.isoformat(), "vulnerable": vulnerable}


async def receive_stock(ctx: Context, actor: Actor, *, warehouse: str, item: str, quantity: int) -> None:
    if quantity <= 0:
        raise DomainError("negative_quantity", "a receipt adds a positive quantity", field="quantity")
    async with ctx.store.pool.acquire() as conn, conn.transaction():
        await conn.execute(
            "INSERT INTO stock (warehouse, item, on_hand) VALUES ($1, $2, $3) "
            "ON CONFLICT (warehouse, item) DO UPDATE SET on_hand = stock.on_hand + excluded.on_hand",
            warehouse,
            item,
            quantity,
        )
        await ctx.store.append(
            f"warehouse-{warehouse}",
            "warehouse",
            ANY_VERSION,
            _events(ctx, actor, ctx.county, ("StockReceived", {"item": item, "quantity": quantity})),
            conn=conn,
        )


async def allocate(
    ctx: Context,
    actor: Actor,
    *,
    incident_id: uuid.UUID,
    document: str,
    cash_fen: int,
    items: dict[str, int],
    warehouse: str | None,
) -> None:
    """Allocate relief to an incident (专款专用: funds by allocation document; items reserved from stock)."""
    rules.check_quantities(items, cash_fen, "allocation")
    if items and not warehouse:
        raise DomainError("warehouse_required", "in-kind items come from a warehouse", field="warehouse")
    async with ctx.store.pool.acquire() as conn, conn.transaction():
        await _incident(conn, incident_id)
        for item, quantity in items.items():
            if quantity == 0:
                continue
            reserved = await conn.fetchval(
                "UPDATE stock SET reserved = reserved + $3 WHERE warehouse = $1 AND item = $2 "
                "AND on_hand - reserved >= $3 RETURNING reserved",
                warehouse,
                item,
                quantity,
            )
            if reserved is None:
                available = (
                    await conn.fetchval(
                        "SELECT on_hand - reserved FROM stock WHERE warehouse = $1 AND item = $2",
                        warehouse,
                        item,
                    )
                    or 0
                )
                raise Conflict(
                    "insufficient_stock",
                    f"only {available} {item} available in {warehouse}",
                    field=f"items.{item}",
                )
        for item, quantity in [("cash_fen", cash_fen), *items.items()]:
            if quantity:
                await conn.execute(
                    "INSERT INTO allocations (incident_id, item, warehouse, allocated) "
                    "VALUES ($1, $2, $3, $4) "
                    "ON CONFLICT (incident_id, item) DO UPDATE SET allocated = allocations.allocated + $4",
                    incident_id,
                    item,
                    None if item == "cash_fen" else warehouse,
                    quantity,
                )
        data = {"document": document, "cash_fen": cash_fen, "items": items, "warehouse": warehouse}
        await ctx.store.append(
            f"incident-{incident_id}",
            "incident",
            ANY_VERSION,
            _events(ctx, actor, ctx.county, ("ReliefAllocated", data)),
            conn=conn,
        )


async def deliver(
    ctx: Context,
    actor: Actor,
    *,
    incident_id: uuid.UUID,
    head: str,
    cash_fen: int,
    items: dict[str, int],
    delivered_at: datetime | None,
    delivery_id: uuid.UUID,
) -> dict[str, Any]:
    """Relief handed to a household (发放到户): from the incident's allocation, never more; items
    leave the warehouse; a first delivery by the deadline closes the clock as met."""
    rules.check_quantities(items, cash_fen, "delivery")
    now = ctx.clock.now()
    at = delivered_at or now
    if at > now:
        raise DomainError("delivery_in_future", "the delivery time is in the future", field="delivered_at")
    stream = household_stream(incident_id, head)
    async with ctx.store.pool.acquire() as conn, conn.transaction():
        clock = await conn.fetchrow("SELECT * FROM sla_clocks WHERE stream_id = $1 FOR UPDATE", stream)
        if clock is None:
            raise DomainError(
                "household_not_on_incident",
                "this household is not registered to this incident",
                field="head",
                status=404,
            )
        if await conn.fetchval("SELECT true FROM events WHERE event_id = $1", delivery_id):
            return {"delivery_id": str(delivery_id), "duplicate": True}
        for item, quantity in [("cash_fen", cash_fen), *items.items()]:
            if not quantity:
                continue
            row = await conn.fetchrow(
                "UPDATE allocations SET delivered = delivered + $3 WHERE incident_id = $1 AND item = $2 "
                "AND allocated - delivered >= $3 RETURNING warehouse",
                incident_id,
                item,
                quantity,
            )
            if row is None:
                left = (
                    await conn.fetchval(
                        "SELECT allocated - delivered FROM allocations WHERE incident_id = $1 AND item = $2",
                        incident_id,
                        item,
                    )
                    or 0
                )
                raise Conflict(
                    "over_allocation",
                    f"only {left} {item} left of this incident's allocation",
                    field="cash_fen" if item == "cash_fen" else f"items.{item}",
                )
            if item != "cash_fen":
                await conn.execute(
                    "UPDATE stock SET on_hand = on_hand - $3, reserved = reserved - $3 "
                    "WHERE warehouse = $1 AND item = $2",
                    row["warehouse"],
                    item,
                    quantity,
                )
        facts: list[tuple[str, dict[str, Any]]] = [
            (
                "ReliefDelivered",
                {
                    "incident_id": str(incident_id),
                    "cash_fen": cash_fen,
                    "items": items,
                    "delivered_by": actor.name,
                    "delivered_at": at.isoformat(),
                    "head": head,
                },
            )
        ]
        ids = [delivery_id]
        if cash_fen:
            document = await conn.fetchval(
                "SELECT data->>'document' FROM events WHERE stream_id = $1 "
                "AND event_type = 'ReliefAllocated' "
                "AND (data->>'cash_fen')::bigint > 0 ORDER BY version DESC LIMIT 1",
                f"incident-{incident_id}",
            )
            facts.append(
                (
                    "CashReliefPaid",
                    {
                        "incident_id": str(incident_id),
                        "head": head,
                        "cash_fen": cash_fen,
                        "document": document or "unknown",
                    },
                )
            )
            ids.append(uuid.uuid5(NS, f"{delivery_id}/cash"))
        met = clock["state"] == "pending" and at <= clock["deadline"]
        if met:
            facts.append(
                (
                    "ReliefSlaMet",
                    {
                        "incident_id": str(incident_id),
                        "deadline": clock["deadline"].isoformat(),
                        "delivered_at": at.isoformat(),
                    },
                )
            )
            ids.append(uuid.uuid5(NS, f"{stream}/met"))
            await conn.execute(
                "UPDATE sla_clocks SET state = 'met', first_delivery = $2 WHERE stream_id = $1", stream, at
            )
        elif clock["first_delivery"] is None:
            await conn.execute("UPDATE sla_clocks SET first_delivery = $2 WHERE stream_id = $1", stream, at)
        await ctx.store.append(
            stream, "affected", ANY_VERSION, _events(ctx, actor, clock["village"], *facts, ids=ids), conn=conn
        )
    return {"delivery_id": str(delivery_id), "sla_met": met, "duplicate": False}
