"""House numbers (门牌): the units on a road's numbering (``numbering-<road id>``), which read the
road (its name on the day) and the divisions in the same transaction; the address of a number on a
date."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from minzheng_eventstore import Actor, Aggregate, StreamNotFoundError
from minzheng_eventstore.context import ServiceContext
from minzheng_eventstore.uow import UnitOfWork
from minzheng_kernel.calendar import local_date
from minzheng_kernel.errors import Conflict, DomainError, NotFound

from ...domain.places import numbering as h
from ...domain.places import place as p
from . import divisions, locks
from .places import PLACE, place_stream

NUMBERING = Aggregate("road_numbering", h.NUMBERING_EVENTS, h.initial, h.evolve)
SERIAL = Aggregate("doorplate_serial", h.SERIAL_EVENTS, h.serial_initial, h.serial_evolve)


def numbering_stream(road_id: str) -> str:
    return f"numbering-{road_id}"


def serial_stream(county: str, year: int) -> str:
    return f"doorplate-serial-{county}-{year}"


async def _road(uow: UnitOfWork, actor: Actor, road_id: str, today: date) -> tuple[p.Place, str]:
    """The road and its name today, not renamed or retired by another unit until this one commits."""
    await locks.share(uow, place_stream(road_id))
    road = await uow.load(PLACE, place_stream(road_id))
    if road.status is p.Status.NONE:
        raise NotFound("road_not_found", f"road {road_id} is not recorded", field="road_id")
    actor.require_within(road.division, "road_id")
    if not road.kind.numbered:
        raise DomainError("not_a_road", f"a {road.kind.value} carries no house numbers", field="road_id")
    name = road.name_on(today) if road.status is p.Status.APPROVED else None
    if name is None:
        raise Conflict(
            "road_not_in_force", f"road {road_id} has no name in force on {today}", field="road_id"
        )
    return road, name


async def issue(
    ctx: ServiceContext,
    actor: Actor,
    road_id: str,
    *,
    side: h.Side,
    number: int | None,
    after: int | None,
    division: str | None,
) -> h.Issued:
    """门牌编号 on a road in force today: the side's next number (or a reserved one, or an infill
    sub-number), in ``division`` (the road's by default; a division of the road's township)."""

    async def unit(uow: UnitOfWork) -> h.Issued:
        today = local_date(ctx.clock.now())
        road, road_name = await _road(uow, actor, road_id, today)
        where = division or road.division
        actor.require_within(where, "division")
        known = await divisions.read(uow, ctx.county)
        township = known.get(road.township)
        place = known.get(where)
        if place is None or not place.in_force(today) or not where.startswith(road.township):
            raise DomainError(
                "division_not_on_road",
                f"{where} is not a division of the road's township in force",
                field="division",
            )
        assert township is not None
        state = await uow.load(NUMBERING, numbering_stream(road_id))
        facts = h.issue(
            state,
            road_id=road_id,
            road_name=road_name,
            side=side,
            number=number,
            after=after,
            division=where,
            township_name=township.name_on(today),
            today=today,
        )
        after_state = await uow.record(NUMBERING, numbering_stream(road_id), facts, jurisdiction=where)
        fact = facts[0]
        assert isinstance(fact, h.HouseNumberIssued)
        return after_state.numbers[(fact.number, fact.sub_number)]

    return await ctx.run(actor, unit)


async def reserve(
    ctx: ServiceContext, actor: Actor, road_id: str, *, side: h.Side, first: int, last: int, reason: str
) -> h.RoadNumbering:
    async def unit(uow: UnitOfWork) -> h.RoadNumbering:
        today = local_date(ctx.clock.now())
        road, _ = await _road(uow, actor, road_id, today)
        state = await uow.load(NUMBERING, numbering_stream(road_id))
        facts = h.reserve(
            state, road_id=road_id, side=side, first=first, last=last, reason=reason, today=today
        )
        return await uow.record(NUMBERING, numbering_stream(road_id), facts, jurisdiction=road.division)

    return await ctx.run(actor, unit)


async def _numbering(uow: UnitOfWork, actor: Actor, road_id: str) -> h.RoadNumbering:
    road = await uow.load(PLACE, place_stream(road_id))
    if road.status is p.Status.NONE:
        raise NotFound("road_not_found", f"road {road_id} is not recorded", field="road_id")
    actor.require_within(road.division, "road_id")
    return await uow.load(NUMBERING, numbering_stream(road_id))


async def retire(
    ctx: ServiceContext, actor: Actor, road_id: str, *, number: int, sub: int | None, reason: str
) -> h.Issued:
    async def unit(uow: UnitOfWork) -> h.Issued:
        state = await _numbering(uow, actor, road_id)
        facts = h.retire(
            state, road_id=road_id, number=number, sub=sub, reason=reason, today=local_date(ctx.clock.now())
        )
        after = await uow.record(
            NUMBERING, numbering_stream(road_id), facts, jurisdiction=state.numbers[(number, sub)].division
        )
        return after.numbers[(number, sub)]

    return await ctx.run(actor, unit)


async def install(
    ctx: ServiceContext,
    actor: Actor,
    road_id: str,
    *,
    kind: h.SignKind,
    number: int | None,
    sub: int | None,
    count: int,
) -> h.RoadNumbering:
    """标志设置: plates put up on a road in force today."""

    async def unit(uow: UnitOfWork) -> h.RoadNumbering:
        today = local_date(ctx.clock.now())
        road, _ = await _road(uow, actor, road_id, today)
        state = await uow.load(NUMBERING, numbering_stream(road_id))
        facts = h.install(
            state,
            road_id=road_id,
            kind=kind,
            number=number,
            sub=sub,
            count=count,
            road_kind=road.kind.value,
            today=today,
        )
        return await uow.record(NUMBERING, numbering_stream(road_id), facts, jurisdiction=road.division)

    return await ctx.run(actor, unit)


@dataclass(frozen=True, slots=True)
class Certificate:
    certificate_no: str
    voids: str | None


async def certify(
    ctx: ServiceContext, actor: Actor, road_id: str, *, number: int, sub: int | None, holder: str
) -> Certificate:
    """门牌证 with the county's next serial of the year (no gap, no repeat: the serial stream)."""

    async def unit(uow: UnitOfWork) -> Certificate:
        today = local_date(ctx.clock.now())
        state = await _numbering(uow, actor, road_id)
        state.require(number, sub)
        stream = serial_stream(ctx.county, today.year)
        serial = h.take_serial(await uow.load(SERIAL, stream), county=ctx.county, year=today.year)
        facts = h.certify(
            state,
            road_id=road_id,
            number=number,
            sub=sub,
            certificate_no=serial.certificate_no,
            holder=holder,
            today=today,
        )
        await uow.record(SERIAL, stream, [serial])
        await uow.record(
            NUMBERING, numbering_stream(road_id), facts, jurisdiction=state.numbers[(number, sub)].division
        )
        fact = facts[0]
        assert isinstance(fact, h.DoorplateCertificateIssued)
        return Certificate(fact.certificate_no, fact.voids)

    return await ctx.run(actor, unit)


async def current(ctx: ServiceContext, actor: Actor, road_id: str) -> tuple[p.Place, h.RoadNumbering]:
    """The road and its numbering, as committed."""
    try:
        road = PLACE.fold(await ctx.store.read_stream(place_stream(road_id)))
    except StreamNotFoundError:
        raise NotFound("road_not_found", f"road {road_id} is not recorded", field="road_id") from None
    actor.require_within(road.division, "road_id")
    try:
        numbering = NUMBERING.fold(await ctx.store.read_stream(numbering_stream(road_id)))
    except StreamNotFoundError:
        numbering = h.initial()
    return road, numbering


@dataclass(frozen=True, slots=True)
class Address:
    road_id: str
    road_name: str
    number: str
    division: str
    text: str
    on: date
    in_use: bool


async def address(ctx: ServiceContext, actor: Actor, road_id: str, label: str, on: date) -> Address:
    """The address of a number on a date: the road's name on that date plus the number (404 when
    the number was not issued by then)."""
    number, sub = h.parse_label(label)
    road, numbering = await current(ctx, actor, road_id)
    issued = numbering.numbers.get((number, sub))
    if issued is None or issued.issued_on > on:
        raise NotFound(
            "house_number_not_found", f"{label} was not issued on this road by {on}", field="number"
        )
    road_name = road.require_name_on(on)
    known = await divisions.current(ctx)
    township = known.get(road.township)
    prefix = township.name_on(on) if township is not None else ""
    in_use = issued.retired_on is None or on < issued.retired_on
    return Address(
        road_id,
        road_name,
        h.label(number, sub),
        issued.division,
        f"{prefix}{road_name}{h.label(number, sub)}号",
        on,
        in_use,
    )
