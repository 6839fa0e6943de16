"""The allowance area's commands: an elder registered by application or an imported roll (one
elder per person: the stream id is the person's pseudonym), a move, a proof of life. Each unit
loads the elder, decides, records and writes the elder's row of ``allowance_elders`` in the same
transaction."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date

from minzheng_contracts import Period, ResidentId
from minzheng_eventstore import Actor
from minzheng_eventstore.context import ServiceContext
from minzheng_eventstore.standards import within_county
from minzheng_eventstore.uow import UnitOfWork
from minzheng_kernel.calendar import local_date
from minzheng_kernel.events import DomainEvent

from ...domain.allowance import elder as d
from . import rows
from .streams import ELDER, elder_id, elder_stream

IMPORT_CHUNK = 500
"""Elders of an imported roll registered per transaction."""


@dataclass(frozen=True, slots=True)
class Application:
    """One elder to register: by application (申请) or a row of an imported roll (名册导入)."""

    resident_id: ResidentId
    residence: str
    dibao: bool = False
    monthly_income_fen: int | None = None


def _today(ctx: ServiceContext) -> date:
    return local_date(ctx.clock.now())


def _facts(eid: str, a: Application, today: date, source: str) -> list[DomainEvent]:
    return d.register(
        d.Elder(),
        elder_id=eid,
        person=a.resident_id.reveal(),
        born=a.resident_id.birth_date,
        residence=a.residence,
        registered_on=today,
        source=source,
        dibao=a.dibao,
        monthly_income_fen=a.monthly_income_fen,
    )


async def register(ctx: ServiceContext, actor: Actor, a: Application) -> d.Elder:
    """Register an elder; 409 ``already_registered`` naming the first elder's id."""
    within_county(ctx, a.residence, "residence")
    actor.require_within(a.residence, "residence")
    eid = elder_id(ctx.pseudonyms, a.resident_id)
    stream = elder_stream(eid)
    today = _today(ctx)

    async def unit(uow: UnitOfWork) -> d.Elder:
        state = await uow.load(ELDER, stream)
        facts = d.register(
            state,
            elder_id=eid,
            person=a.resident_id.reveal(),
            born=a.resident_id.birth_date,
            residence=a.residence,
            registered_on=today,
            source="application",
            dibao=a.dibao,
            monthly_income_fen=a.monthly_income_fen,
        )
        after = await uow.record(ELDER, stream, facts, jurisdiction=a.residence)
        await rows.insert(uow.conn, after, Period.of(today))
        return after

    return await ctx.run(actor, unit)


@dataclass
class ImportResult:
    registered: list[str] = field(default_factory=list)
    """The new elders' ids."""
    already_registered: list[str] = field(default_factory=list)
    """Elders of the roll registered before (a re-import adds nothing)."""


async def register_roll(ctx: ServiceContext, actor: Actor, roll: Sequence[Application]) -> ImportResult:
    """Register the valid rows of an imported roll, a chunk per transaction: a person registered
    already (before, by another import at once, or twice in this roll) is counted, not added."""
    today = _today(ctx)
    result = ImportResult()
    seen: dict[str, Application] = {}
    for a in roll:
        eid = elder_id(ctx.pseudonyms, a.resident_id)
        if eid in seen:
            result.already_registered.append(eid)
        else:
            seen[eid] = a
    items = list(seen.items())
    for start in range(0, len(items), IMPORT_CHUNK):
        chunk = items[start : start + IMPORT_CHUNK]

        async def unit(uow: UnitOfWork, chunk: list[tuple[str, Application]] = chunk) -> list[str]:
            fresh = []
            for eid, a in chunk:
                state = d.apply(d.Elder(), _facts(eid, a, today, "roll_import"))
                fresh.append(rows.values(state, Period.of(today)))
            claimed = await uow.conn.fetch(
                f"INSERT INTO allowance_elders ({rows.COLUMNS}) SELECT * FROM unnest("
                "$1::text[], $2::date[], $3::text[], $4::text[], $5::text[], $6::int[], $7::text[], "
                "$8::text[], $9::date[], $10::bool[], $11::bool[], $12::bool[], $13::bool[], $14::bigint[]) "
                "ON CONFLICT (elder_id) DO NOTHING RETURNING elder_id",
                *[[v[i] for v in fresh] for i in range(14)],
            )
            mine = {r["elder_id"] for r in claimed}
            streams = [
                (
                    elder_stream(eid),
                    uow.builder.build(_facts(eid, a, today, "roll_import"), jurisdiction=a.residence),
                )
                for eid, a in chunk
                if eid in mine
            ]
            await uow.store.create_streams_once(ELDER.stream_type, streams, conn=uow.conn)
            return [eid for eid, _ in chunk if eid in mine]

        added = await ctx.run(actor, unit)
        result.registered += added
        result.already_registered += [eid for eid, _ in chunk if eid not in set(added)]
    return result


async def _existing(uow: UnitOfWork, actor: Actor, eid: str) -> d.Elder:
    state = (await uow.load(ELDER, elder_stream(eid))).exists()
    actor.require_within(state.home, "elder_id")
    return state


async def move(ctx: ServiceContext, actor: Actor, eid: str, *, residence: str, moved_on: date) -> d.Elder:
    """A move (迁居): within the county a new residence; out of it the allowance held from the next
    month; back into it released from the next month."""
    inside = residence.startswith(ctx.county)
    if inside:
        actor.require_within(residence, "residence")
    today = _today(ctx)

    async def unit(uow: UnitOfWork) -> d.Elder:
        state = await _existing(uow, actor, eid)
        facts = d.move(state, residence=residence, moved_on=moved_on, within_county=inside, today=today)
        after = await uow.record(ELDER, elder_stream(eid), facts, jurisdiction=state.home)
        await rows.look_again(uow.conn, after, Period.of(today))
        return after

    return await ctx.run(actor, unit)


async def record_proof(ctx: ServiceContext, actor: Actor, eid: str, *, on: date) -> d.Elder:
    """The annual proof of life (生存认证); after a lapse the allowance is paid from the next month."""
    today = _today(ctx)

    async def unit(uow: UnitOfWork) -> d.Elder:
        state = await _existing(uow, actor, eid)
        facts = d.record_proof(state, on=on, today=today)
        after = await uow.record(ELDER, elder_stream(eid), facts, jurisdiction=state.home)
        await rows.look_again(uow.conn, after, Period.of(today))
        return after

    return await ctx.run(actor, unit)
