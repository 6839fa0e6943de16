"""Command handlers of the disaster service, each one unit of work (DESIGN §5a):
load (each stream once) → decide (pure, ``domain``) → guard rows on ``uow.conn`` → record.

The guard rows (``incidents``, ``affected``, ``stock``, ``allocations``, ``deadlines``) are written
in the same transaction as the events, so the rules hold under concurrency; their CHECK
constraints are the backstop, and a refusal by one is a ``Conflict``."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Any

from minzheng_eventstore import deadlines
from minzheng_eventstore.builder import Actor
from minzheng_eventstore.context import ServiceContext
from minzheng_eventstore.store import Connection
from minzheng_eventstore.uow import UnitOfWork

from ..domain import household, incident
from ..domain import incident as rules
from ..domain import warehouse as depot
from ..domain.events import DisasterReported
from ..domain.incident import Damage
from ..domain.sla import SlaTerms
from .guards import refused_as
from .streams import (
    HOUSEHOLD,
    INCIDENT,
    SLA_DEADLINE,
    WAREHOUSE,
    household_stream,
    incident_stream,
    warehouse_stream,
)

__all__ = [
    "Actor",
    "Damage",
    "allocate",
    "deliver",
    "household_stream",
    "receive_stock",
    "register_household",
    "report_incident",
    "rules",
    "sla_terms",
    "verify_incident",
]

_INSERT_INCIDENT = (
    "INSERT INTO incidents (incident_id, disaster_type, area, happened_at, reported_at, reporter) "
    "VALUES ($1, $2, $3, $4, $5, $6)"
)
_ALLOCATE = (
    "INSERT INTO allocations (incident_id, item, warehouse, allocated) VALUES ($1, $2, $3, $4) "
    "ON CONFLICT (incident_id, item) DO UPDATE SET allocated = allocations.allocated + $4"
)


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
    ctx: ServiceContext,
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
    """灾情报送. The same report sent again returns the incident; another under its id is refused."""
    fact = DisasterReported(
        str(incident_id),
        disaster_type,
        list(area),
        happened_at.isoformat(),
        reported_at.isoformat(),
        reporter,
        summary,
    )
    stream = incident_stream(incident_id)

    async def unit(uow: UnitOfWork) -> None:
        state = await uow.load(INCIDENT, stream)
        facts = incident.report(state, fact, now=ctx.clock.now(), county=ctx.county)
        if facts:
            await uow.conn.execute(
                _INSERT_INCIDENT,
                incident_id,
                disaster_type,
                list(area),
                happened_at,
                reported_at,
                reporter,
            )
        await uow.record(INCIDENT, stream, facts, jurisdiction=ctx.county, at=reported_at)

    await ctx.run(actor, unit)
    return incident_id


async def verify_incident(ctx: ServiceContext, actor: Actor, incident_id: uuid.UUID, findings: str) -> None:
    """查灾/核灾: the township or county verified the report."""
    stream = incident_stream(incident_id)

    async def unit(uow: UnitOfWork) -> None:
        facts = incident.verify(await uow.load(INCIDENT, stream), str(incident_id), findings)
        await uow.conn.execute("UPDATE incidents SET verified = true WHERE incident_id = $1", incident_id)
        await uow.record(INCIDENT, stream, facts, jurisdiction=ctx.county)

    await ctx.run(actor, unit)


async def register_household(
    ctx: ServiceContext,
    actor: Actor,
    *,
    incident_id: uuid.UUID,
    head: str,
    village: str,
    members: int,
    relocation: int,
    damage: Damage,
    needs: Mapping[str, bool],
) -> dict[str, Any]:
    """An affected household (受灾户), with its SLA deadline written in the same transaction."""
    stream = household_stream(incident_id, head)

    async def unit(uow: UnitOfWork) -> dict[str, Any]:
        state = await uow.load(HOUSEHOLD, stream)
        known = await uow.load(INCIDENT, incident_stream(incident_id))
        vulnerable = bool(
            await uow.conn.fetchval("SELECT true FROM vulnerable WHERE applicant = $1 AND active", head)
        )
        terms = SlaTerms()
        if known.exists:
            terms = await sla_terms(uow.conn, village, known.reported_at)
        now = ctx.clock.now()
        facts = household.register(
            state,
            known,
            incident_id=str(incident_id),
            head=head,
            village=village,
            members=members,
            relocation=relocation,
            damage=damage,
            needs=needs,
            county=ctx.county,
            vulnerable=vulnerable,
            terms=terms,
            now=now,
        )
        await uow.conn.execute(
            "INSERT INTO affected (incident_id, household_key, stream_id, village, township, members, "
            "relocation, damage, vulnerable, registered_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
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
        after = await uow.record(HOUSEHOLD, stream, facts, jurisdiction=village)
        assert after.registration is not None
        await deadlines.schedule(
            uow.conn,
            kind=SLA_DEADLINE,
            subject=stream,
            due_at=after.deadline,
            warn_at=datetime.fromisoformat(after.registration.warn_at),
            starts_at=known.reported_at,
            jurisdiction=village,
        )
        return {"household": stream, "deadline": after.registration.deadline, "vulnerable": vulnerable}

    result: dict[str, Any] = await ctx.run(actor, unit)
    return result


async def receive_stock(
    ctx: ServiceContext, actor: Actor, *, warehouse: str, item: str, quantity: int
) -> None:
    """入库: stock received into a warehouse."""
    stream = warehouse_stream(warehouse)
    name = warehouse

    async def unit(uow: UnitOfWork) -> None:
        facts = depot.receive(await uow.load(WAREHOUSE, stream), item=item, quantity=quantity)
        with refused_as("stock_overflow", f"{name} cannot hold that much {item}", field="quantity"):
            await uow.conn.execute(
                "INSERT INTO stock (warehouse, item, on_hand) VALUES ($1, $2, $3) "
                "ON CONFLICT (warehouse, item) DO UPDATE SET on_hand = stock.on_hand + excluded.on_hand",
                name,
                item,
                quantity,
            )
        await uow.record(WAREHOUSE, stream, facts, jurisdiction=ctx.county)

    await ctx.run(actor, unit)


async def allocate(
    ctx: ServiceContext,
    actor: Actor,
    *,
    incident_id: uuid.UUID,
    document: str,
    cash_fen: int,
    items: Mapping[str, int],
    warehouse: str | None,
) -> None:
    """Allocate relief to an incident (专款专用: funds by allocation document; items reserved from stock)."""
    stream = incident_stream(incident_id)
    wanted = {item: quantity for item, quantity in items.items() if quantity}

    async def unit(uow: UnitOfWork) -> None:
        state = await uow.load(INCIDENT, stream)
        rows = await uow.conn.fetch(
            "SELECT item, on_hand - reserved AS available FROM stock WHERE warehouse = $1 "
            "AND item = ANY($2::text[]) ORDER BY item FOR UPDATE",
            warehouse,
            list(wanted),
        )
        available = {r["item"]: r["available"] for r in rows}
        facts = incident.allocate(
            state,
            str(incident_id),
            document=document,
            cash_fen=cash_fen,
            items=items,
            warehouse=warehouse,
            available=available,
        )
        for item, quantity in wanted.items():
            with refused_as("insufficient_stock", f"not enough {item} in {warehouse}", field=f"items.{item}"):
                await uow.conn.execute(
                    "UPDATE stock SET reserved = reserved + $3 WHERE warehouse = $1 AND item = $2",
                    warehouse,
                    item,
                    quantity,
                )
        for item, quantity in [("cash_fen", cash_fen), *wanted.items()]:
            if quantity:
                with refused_as("allocation_overflow", f"too much {item} allocated", field=item):
                    await uow.conn.execute(
                        _ALLOCATE,
                        incident_id,
                        item,
                        None if item == "cash_fen" else warehouse,
                        quantity,
                    )
        await uow.record(INCIDENT, stream, facts, jurisdiction=ctx.county)

    await ctx.run(actor, unit)


async def deliver(
    ctx: ServiceContext,
    actor: Actor,
    *,
    incident_id: uuid.UUID,
    head: str,
    cash_fen: int,
    items: Mapping[str, int],
    delivered_at: datetime | None,
    delivery_id: uuid.UUID,
) -> dict[str, Any]:
    """发放到户: from the incident's allocation, never more; items leave the warehouse; the first
    delivery by the deadline closes the household's deadline as met."""
    stream = household_stream(incident_id, head)
    did = str(delivery_id)

    async def unit(uow: UnitOfWork) -> dict[str, Any]:
        # lock the deadline first: the scheduler skips it while this delivery decides
        await deadlines.lock(uow.conn, SLA_DEADLINE, stream)
        state = await uow.load(HOUSEHOLD, stream)
        known = await uow.load(INCIDENT, incident_stream(incident_id))
        wanted = {"cash_fen": cash_fen, **{k: v for k, v in items.items() if v}}
        rows = await uow.conn.fetch(
            "SELECT item, allocated - delivered AS left_, warehouse FROM allocations "
            "WHERE incident_id = $1 AND item = ANY($2::text[]) ORDER BY item FOR UPDATE",
            incident_id,
            list(wanted),
        )
        left = {r["item"]: r["left_"] for r in rows}
        now = ctx.clock.now()
        facts = household.deliver(
            state,
            known,
            delivery_id=did,
            cash_fen=cash_fen,
            items=items,
            delivered_at=delivered_at,
            now=now,
            by=actor.name,
            left=left,
        )
        if not facts:
            return {"delivery_id": did, "duplicate": True}
        sources = {r["item"]: r["warehouse"] for r in rows}
        for item, quantity in wanted.items():
            if not quantity:
                continue
            with refused_as("over_allocation", f"not that much {item} left of the allocation", field=item):
                await uow.conn.execute(
                    "UPDATE allocations SET delivered = delivered + $3 WHERE incident_id = $1 AND item = $2",
                    incident_id,
                    item,
                    quantity,
                )
                if item != "cash_fen":
                    await uow.conn.execute(
                        "UPDATE stock SET on_hand = on_hand - $3, reserved = reserved - $3 "
                        "WHERE warehouse = $1 AND item = $2",
                        sources[item],
                        item,
                        quantity,
                    )
        met = any(f.event_type == "ReliefSlaMet" for f in facts)
        if met:
            await deadlines.close(uow.conn, SLA_DEADLINE, stream, at=delivered_at or now)
        assert state.registration is not None
        await uow.record(
            HOUSEHOLD,
            stream,
            facts,
            jurisdiction=state.registration.village,
            event_ids=household.event_ids(did, stream, facts),
        )
        return {"delivery_id": did, "sla_met": met, "duplicate": False}

    result: dict[str, Any] = await ctx.run(actor, unit)
    return result
