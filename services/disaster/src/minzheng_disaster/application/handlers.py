"""Command handlers of the disaster service, each one unit of work (DESIGN §5a):
load (each stream once) → decide (pure, ``domain``) → guard rows on ``uow.conn`` → record.

Each handler first bounds the command by the caller's division (``jurisdiction``): a report's area,
a registration's village, a delivered household's village, an incident verified or allocated to,
a warehouse (the county's). A place outside the county is the domain's refusal (422), not a 403.

The guard rows (``incidents``, ``affected``, ``stock``, ``allocations``, ``deadlines``) are written
in the same transaction as the events, so the rules hold under concurrency; their CHECK
constraints are the backstop, and a refusal by one is a ``Conflict``."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Any

from minzheng_contracts import ResidentId
from minzheng_eventstore import deadlines
from minzheng_eventstore.builder import Actor
from minzheng_eventstore.context import ServiceContext
from minzheng_eventstore.store import Connection
from minzheng_eventstore.uow import UnitOfWork
from minzheng_kernel.errors import Conflict

from ..domain import household, incident
from ..domain import incident as rules
from ..domain import warehouse as depot
from ..domain.allocation import CASH, Source
from ..domain.events import DeliveryFlaggedForReview, DisasterReported, ReliefDelivered, ReliefSlaMet
from ..domain.incident import Damage
from ..domain.sla import SlaTerms
from .guards import refused_as
from .jurisdiction import require_reaches, require_whole
from .streams import (
    HOUSEHOLD,
    INCIDENT,
    SLA_DEADLINE,
    WAREHOUSE,
    household_key,
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
    "INSERT INTO incidents (incident_id, disaster_type, area, happened_at, reported_at, reporter, summary) "
    "VALUES ($1, $2, $3, $4, $5, $6, $7)"
)


def masked_id(head: str) -> str:
    """The head's resident ID as a read model an operator reads may hold it (``ResidentId.masked``:
    address code and last four characters); an ID that does not parse (benchmarks' synthetic
    keys) is masked the same way by position."""
    try:
        return ResidentId(head).masked
    except ValueError:
        return head[:6] + "*" * 8 + head[14:]


_ALLOCATE = (
    "INSERT INTO allocations (incident_id, item, warehouse, allocated, allocated_at) "
    "VALUES ($1, $2, $3, $4, $5) "
    "ON CONFLICT (incident_id, item, warehouse) DO UPDATE SET allocated = allocations.allocated + $4"
)
_SOURCES = (
    "SELECT item, warehouse, allocated - delivered AS left_, allocated_at FROM allocations "
    "WHERE incident_id = $1 AND item = ANY($2::text[]) ORDER BY item, warehouse FOR UPDATE"
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
    require_whole(actor, [c for c in area if c.startswith(ctx.county)], "area", "the report")

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
                summary,
            )
        await uow.record(INCIDENT, stream, facts, jurisdiction=ctx.county, at=reported_at)

    await ctx.run(actor, unit)
    return incident_id


async def verify_incident(ctx: ServiceContext, actor: Actor, incident_id: uuid.UUID, findings: str) -> None:
    """查灾/核灾: the township or county verified the report."""
    stream = incident_stream(incident_id)

    async def unit(uow: UnitOfWork) -> None:
        state = await uow.load(INCIDENT, stream)
        require_whole(actor, state.area, "incident_id", f"incident {incident_id}")
        facts = incident.verify(state, str(incident_id), findings)
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
    head_name: str = "",
) -> dict[str, Any]:
    """An affected household (受灾户), with its SLA deadline written in the same transaction. The
    same registration sent again answers as the first time; other details for a household already
    registered are refused (``id_reused``). The ``affected`` row keeps the head's name and masked
    ID for the duty board (never the clear ID)."""
    if village.startswith(ctx.county):
        actor.require_within(village, "village")
    key = household_key(ctx.pseudonyms, incident_id, head)
    stream = household_stream(ctx.pseudonyms, incident_id, head)

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
            head_name=head_name,
        )
        if facts:
            await uow.conn.execute(
                "INSERT INTO affected (incident_id, household_key, stream_id, village, township, members, "
                "relocation, damage, vulnerable, registered_at, head_name, head_id) "
                "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)",
                incident_id,
                str(key),
                stream,
                village,
                village[:9],
                members,
                relocation,
                damage.value,
                vulnerable,
                now,
                head_name,
                masked_id(head),
            )
        after = await uow.record(HOUSEHOLD, stream, facts, jurisdiction=village)
        r = after.registration
        assert r is not None
        if facts:
            await deadlines.schedule(
                uow.conn,
                kind=SLA_DEADLINE,
                subject=stream,
                due_at=after.deadline,
                warn_at=datetime.fromisoformat(r.warn_at),
                starts_at=known.reported_at,
                jurisdiction=village,
            )
        return {"household": stream, "deadline": r.deadline, "vulnerable": r.vulnerable}

    result: dict[str, Any] = await ctx.run(actor, unit)
    return result


async def receive_stock(
    ctx: ServiceContext, actor: Actor, *, warehouse: str, item: str, quantity: int
) -> None:
    """入库: stock received into a warehouse."""
    actor.require_within(ctx.county, "warehouse")  # the county's reserve: a county caller
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

    if warehouse is not None or wanted:
        actor.require_within(ctx.county, "warehouse")  # the county's reserve: a county caller

    async def unit(uow: UnitOfWork) -> None:
        state = await uow.load(INCIDENT, stream)
        require_whole(actor, state.area, "incident_id", f"incident {incident_id}")
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
        now = ctx.clock.now()
        for item, quantity in [("cash_fen", cash_fen), *wanted.items()]:
            if quantity:
                with refused_as("allocation_overflow", f"too much {item} allocated", field=item):
                    await uow.conn.execute(
                        _ALLOCATE,
                        incident_id,
                        item,
                        CASH if item == "cash_fen" or warehouse is None else warehouse,
                        quantity,
                        now,
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
    """发放到户: drawn from the incident's allocations, oldest first (``allocation.draw``), never
    more; each part releases its warehouse's reservation and leaves its stock; the first delivery
    by the deadline closes the household's deadline as met. The same delivery sent again answers as
    the first time (``repeat``: True); its id for anything else is refused (``id_reused``)."""
    stream = household_stream(ctx.pseudonyms, incident_id, head)
    did = str(delivery_id)

    async def unit(uow: UnitOfWork) -> dict[str, Any]:
        used = await uow.conn.fetchrow(
            "SELECT incident_id, household FROM delivery_ids WHERE delivery_id = $1", delivery_id
        )
        if used is not None and (used["incident_id"], used["household"]) != (incident_id, stream):
            raise Conflict(
                "id_reused", "this delivery id was already used for another delivery", field="delivery_id"
            )
        # lock the deadline first: the scheduler skips it while this delivery decides
        await deadlines.lock(uow.conn, SLA_DEADLINE, stream)
        known = await uow.load(INCIDENT, incident_stream(incident_id))
        if known.exists:
            require_reaches(actor, known.area, "incident_id", f"incident {incident_id}")
        state = await uow.load(HOUSEHOLD, stream)
        if state.registration is not None:  # the household's village (named by its head)
            actor.require_within(state.registration.village, "head")
        wanted = {"cash_fen": cash_fen, **{k: v for k, v in items.items() if v}}
        rows = await uow.conn.fetch(_SOURCES, incident_id, list(wanted))
        sources = [Source(r["item"], r["warehouse"], r["allocated_at"], r["left_"]) for r in rows]
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
            sources=sources,
        )
        if not facts:
            return {**household.answer(state, did), "repeat": True}
        delivered = facts[0]
        assert isinstance(delivered, ReliefDelivered) and delivered.drawn is not None
        await uow.conn.execute(
            "INSERT INTO delivery_ids (delivery_id, incident_id, household) VALUES ($1, $2, $3)",
            delivery_id,
            incident_id,
            stream,
        )
        for warehouse, parts in delivered.drawn.items():
            for item, quantity in parts.items():
                with refused_as(
                    "over_allocation", f"not that much {item} left of the allocation", field=item
                ):
                    await uow.conn.execute(
                        "UPDATE allocations SET delivered = delivered + $4 "
                        "WHERE incident_id = $1 AND item = $2 AND warehouse = $3",
                        incident_id,
                        item,
                        warehouse,
                        quantity,
                    )
                    if warehouse != CASH:
                        await uow.conn.execute(
                            "UPDATE stock SET on_hand = on_hand - $3, reserved = reserved - $3 "
                            "WHERE warehouse = $1 AND item = $2",
                            warehouse,
                            item,
                            quantity,
                        )
        at = datetime.fromisoformat(delivered.delivered_at)
        flagged = any(isinstance(f, DeliveryFlaggedForReview) for f in facts)
        await uow.conn.execute(
            "UPDATE affected SET delivered_at = LEAST(delivered_at, $2), "
            "delivery_recorded_at = CASE WHEN delivered_at IS NULL OR $2 < delivered_at THEN $3 "
            "ELSE delivery_recorded_at END, review = CASE WHEN $4 THEN $5 ELSE review END "
            "WHERE stream_id = $1",
            stream,
            at,
            now,
            flagged,
            household.REVIEW_REASON,
        )
        if any(isinstance(f, ReliefSlaMet) for f in facts):
            await deadlines.close(uow.conn, SLA_DEADLINE, stream, at=at)
        assert state.registration is not None
        after = await uow.record(
            HOUSEHOLD,
            stream,
            facts,
            jurisdiction=state.registration.village,
            event_ids=household.event_ids(did, stream, facts),
        )
        return {**household.answer(after, did), "repeat": False}

    result: dict[str, Any] = await ctx.run(actor, unit)
    return result
