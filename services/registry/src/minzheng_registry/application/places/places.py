"""Place names (地名): the units of work — each loads the place and the name indexes it touches,
decides, and appends to all of them in one transaction — and the queries (a name on a date, a
place's history, the gazetteer as of a date, search)."""

from __future__ import annotations

import functools
import uuid
from dataclasses import dataclass
from datetime import date

from minzheng_eventstore import Actor, Aggregate, StreamNotFoundError, deadlines
from minzheng_eventstore.context import ServiceContext
from minzheng_eventstore.uow import UnitOfWork
from minzheng_kernel.calendar import end_of_day, local_date, period_end
from minzheng_kernel.errors import DomainError, NotFound

from ...domain.configuration import Parameter
from ...domain.places import place as p
from ...domain.places.names import Interval, checked_name, normalise
from ...domain.places.place_events import PLACE_EVENTS
from ..configuration import standards_table, working_calendar
from . import divisions, locks, names

PLACE = Aggregate("place_name", PLACE_EVENTS, p.initial, p.evolve)
PUBLICATION = "place-publication"
"""The durable deadline of a name's publication (公布期限), one per approved place."""


def place_stream(place_id: str) -> str:
    return f"place-{place_id}"


@dataclass(frozen=True, slots=True)
class Outcome:
    place: p.Place
    warnings: list[str]


async def _load(uow: UnitOfWork, actor: Actor, place_id: str) -> p.Place:
    """The place to change (the exclusive lock: a house number being issued on it finishes first)."""
    await locks.exclusive(uow, place_stream(place_id))
    state = await uow.load(PLACE, place_stream(place_id))
    if state.status is p.Status.NONE:
        raise NotFound("place_not_found", f"place {place_id} is not recorded", field="place_id")
    actor.require_within(state.division, "place_id")
    return state


def _warnings(found: list[str]) -> list[str]:
    return [f"homophone: {name} sounds the same (同音) on an overlapping interval" for name in found]


async def propose(
    ctx: ServiceContext,
    actor: Actor,
    *,
    place_id: uuid.UUID | None,
    kind: p.PlaceKind,
    name: str,
    division: str,
    effective_from: date,
    reason: str,
) -> Outcome:
    """申报 a new place's name: the division recorded and in force, the name free from
    ``effective_from`` on (claimed in the index now, so a second proposal of it is refused)."""
    actor.require_within(division, "division")
    pid = str(place_id or uuid.uuid4())

    async def unit(uow: UnitOfWork) -> Outcome:
        today = local_date(ctx.clock.now())
        known = (await divisions.read(uow, ctx.county)).get(division)
        if known is None or not known.in_force(effective_from):
            raise DomainError(
                "division_not_in_force",
                f"division {division} is not recorded on {effective_from}",
                field="division",
            )
        state = await uow.load(PLACE, place_stream(pid))
        text = checked_name(name)
        decide = functools.partial(
            p.propose,
            state,
            place_id=pid,
            kind=kind,
            name=text,
            division=division,
            effective_from=effective_from,
            today=today,
            reason=reason,
        )
        decide(homophones=[])  # refused here before the index is touched
        scope = await names.scope(uow, division, effective_from)
        found = await names.claim(
            uow,
            place_id=pid,
            name=text,
            township=division[:9],
            interval=Interval(effective_from),
            scope=scope,
        )
        facts = decide(homophones=found, scope_standard=scope.standard_id)
        after = await uow.record(PLACE, place_stream(pid), facts, jurisdiction=division)
        return Outcome(after, _warnings(found))

    return await ctx.run(actor, unit)


async def record(
    ctx: ServiceContext,
    actor: Actor,
    *,
    place_id: uuid.UUID | None,
    kind: p.PlaceKind,
    division: str,
    history: list[tuple[str, date, date | None]],
    document: str,
) -> Outcome:
    """A historical place (地名普查, the archive) with its names: each interval claimed in the
    indexes (refused ``name_in_use`` on an overlap), as a proposal's is."""
    actor.require_within(division, "division")
    pid = str(place_id or uuid.uuid4())

    async def unit(uow: UnitOfWork) -> Outcome:
        if (await divisions.read(uow, ctx.county)).get(division) is None:
            raise DomainError(
                "division_not_in_force", f"division {division} is not recorded", field="division"
            )
        state = await uow.load(PLACE, place_stream(pid))
        facts = p.record(
            state,
            place_id=pid,
            kind=kind,
            division=division,
            names=history,
            today=local_date(ctx.clock.now()),
            document=document,
        )
        found: list[str] = []
        for name, start, end in history:
            scope = await names.scope(uow, division, start)
            found += await names.claim(
                uow,
                place_id=pid,
                name=name.strip(),
                township=division[:9],
                interval=Interval(start, end),
                scope=scope,
            )
        after = await uow.record(PLACE, place_stream(pid), facts, jurisdiction=division)
        return Outcome(after, _warnings(sorted(set(found))))

    return await ctx.run(actor, unit)


async def review(ctx: ServiceContext, actor: Actor, place_id: str, *, passed: bool, opinion: str) -> p.Place:
    """初审; a failed review withdraws the name's claim."""

    async def unit(uow: UnitOfWork) -> p.Place:
        state = await _load(uow, actor, place_id)
        facts = p.review(
            state, place_id=place_id, passed=passed, opinion=opinion, today=local_date(ctx.clock.now())
        )
        if not passed:
            await names.release(uow, place_id=place_id, name=state.proposed_name)
        return await uow.record(PLACE, place_stream(place_id), facts, jurisdiction=state.division)

    return await ctx.run(actor, unit)


async def reject(ctx: ServiceContext, actor: Actor, place_id: str, *, reason: str) -> p.Place:
    async def unit(uow: UnitOfWork) -> p.Place:
        state = await _load(uow, actor, place_id)
        facts = p.reject(state, place_id=place_id, reason=reason, today=local_date(ctx.clock.now()))
        await names.release(uow, place_id=place_id, name=state.proposed_name)
        return await uow.record(PLACE, place_stream(place_id), facts, jurisdiction=state.division)

    return await ctx.run(actor, unit)


async def approve(ctx: ServiceContext, actor: Actor, place_id: str, *, document: str) -> p.Place:
    """批准: publication due within ``place_name_publication_days`` (the working-day calendar
    moves a last day that is not a working day)."""

    async def unit(uow: UnitOfWork) -> p.Place:
        state = await _load(uow, actor, place_id)
        today = local_date(ctx.clock.now())
        standard = (await standards_table(uow)).in_force(
            Parameter.PLACE_NAME_PUBLICATION_DAYS.value, state.division, today
        )
        calendar = await working_calendar(uow, state.division)
        publish_by = period_end(today, standard.value, calendar)
        facts = p.approve(
            state,
            place_id=place_id,
            today=today,
            publish_by=publish_by,
            standard_id=standard.standard_id,
            document=document,
        )
        # scheduled after the decision: a refused approval writes no deadline
        await deadlines.schedule(
            uow.conn,
            kind=PUBLICATION,
            subject=place_stream(place_id),
            due_at=end_of_day(publish_by),
            starts_at=ctx.clock.now(),
            jurisdiction=state.division,
        )
        return await uow.record(PLACE, place_stream(place_id), facts, jurisdiction=state.division)

    return await ctx.run(actor, unit)


async def publish(ctx: ServiceContext, actor: Actor, place_id: str, *, channel: str) -> p.Place:
    async def unit(uow: UnitOfWork) -> p.Place:
        state = await _load(uow, actor, place_id)
        facts = p.publish(state, place_id=place_id, today=local_date(ctx.clock.now()), channel=channel)
        await deadlines.close(uow.conn, PUBLICATION, place_stream(place_id), at=ctx.clock.now())
        return await uow.record(PLACE, place_stream(place_id), facts, jurisdiction=state.division)

    return await ctx.run(actor, unit)


async def rename(
    ctx: ServiceContext, actor: Actor, place_id: str, *, name: str, effective_from: date, document: str
) -> Outcome:
    """更名 from ``effective_from``: the current name's claim closes there, the new one's opens
    (refused ``name_in_use`` if it overlaps another place's, future renamings included)."""

    async def unit(uow: UnitOfWork) -> Outcome:
        state = await _load(uow, actor, place_id)
        text = checked_name(name)
        decide = functools.partial(
            p.rename,
            state,
            place_id=place_id,
            name=text,
            effective_from=effective_from,
            today=local_date(ctx.clock.now()),
            document=document,
        )
        decide(homophones=[])  # refused here before any index is touched
        await names.close(uow, place_id=place_id, name=state.name, end=effective_from)
        scope = await names.scope(uow, state.division, effective_from)
        found = await names.claim(
            uow,
            place_id=place_id,
            name=text,
            township=state.township,
            interval=Interval(effective_from),
            scope=scope,
        )
        facts = decide(homophones=found, scope_standard=scope.standard_id)
        after = await uow.record(PLACE, place_stream(place_id), facts, jurisdiction=state.division)
        return Outcome(after, _warnings(found))

    return await ctx.run(actor, unit)


async def extend(
    ctx: ServiceContext, actor: Actor, place_id: str, *, length_m: int, description: str
) -> p.Place:
    async def unit(uow: UnitOfWork) -> p.Place:
        state = await _load(uow, actor, place_id)
        facts = p.extend(
            state,
            place_id=place_id,
            length_m=length_m,
            description=description,
            today=local_date(ctx.clock.now()),
        )
        return await uow.record(PLACE, place_stream(place_id), facts, jurisdiction=state.division)

    return await ctx.run(actor, unit)


async def retire(ctx: ServiceContext, actor: Actor, place_id: str, *, valid_to: date, reason: str) -> p.Place:
    """注销 from ``valid_to``: the last name's claim closes there (the name is free after it)."""

    async def unit(uow: UnitOfWork) -> p.Place:
        state = await _load(uow, actor, place_id)
        facts = p.retire(
            state, place_id=place_id, valid_to=valid_to, reason=reason, today=local_date(ctx.clock.now())
        )
        await names.close(uow, place_id=place_id, name=state.name, end=valid_to)
        return await uow.record(PLACE, place_stream(place_id), facts, jurisdiction=state.division)

    return await ctx.run(actor, unit)


# ---------------------------------------------------------------------------------------- queries


async def one(ctx: ServiceContext, actor: Actor, place_id: str) -> p.Place:
    try:
        events = await ctx.store.read_stream(place_stream(place_id))
    except StreamNotFoundError:
        raise NotFound("place_not_found", f"place {place_id} is not recorded", field="place_id") from None
    state = PLACE.fold(events)
    actor.require_within(state.division, "place_id")
    return state


async def every(ctx: ServiceContext, actor: Actor) -> list[p.Place]:
    """Every place the caller reaches (its division's), by id."""
    found = []
    for stream in await ctx.store.stream_ids("place-", stream_type=PLACE.stream_type):
        state = PLACE.fold(await ctx.store.read_stream(stream))
        if actor.within(state.division):
            found.append(state)
    return found


def matches(place: p.Place, query: str, on: date) -> bool:
    """The name in force on ``on`` contains the normalised query."""
    name = place.name_on(on)
    return name is not None and normalise(query) in normalise(name)
