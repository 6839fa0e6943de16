"""Elders seeded as the allowance area records them (``ElderRegistered``, ``AllowanceStarted``, …
on ``elder-<pseudonym>``), for the payment tests, and the roll projection's own test: rebuilt
from the events it answers the same.

``seed`` writes the declared events through a unit of work on an ``Aggregate`` over
``ELDER_EVENTS``; ``seed_many`` writes many elders' first events at once (``create_streams_once``)
for the kill test and the benchmark."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from typing import TYPE_CHECKING, Any

from minzheng_contracts import make_resident_id
from minzheng_contracts.period import Period
from minzheng_eldercare.application.payments import roll_reads
from minzheng_eldercare.domain.allowance import events as ev
from minzheng_eldercare.domain.payments.roll import InBand
from minzheng_eventstore import Actor, EventMetadata, NewEvent
from minzheng_eventstore.context import ServiceContext
from minzheng_eventstore.uow import Aggregate, UnitOfWork
from minzheng_kernel.events import DomainEvent

if TYPE_CHECKING:
    from .conftest import Running

VILLAGE = "330727101201"
CST = timezone(timedelta(hours=8))
ELDER: Aggregate[None] = Aggregate("elder", ev.ELDER_EVENTS, lambda: None, lambda s, e: s)
SEEDER = Actor("payments-test-seed")
BAND_STANDARD = {
    80: ("80-89", "allowance.band.80:330727:2024-01-01"),
    90: ("90-99", "allowance.band.90:330727:2024-01-01"),
}


@dataclass(frozen=True)
class Seeded:
    elder_id: str
    resident: str


def elder_id_of(ctx: ServiceContext, resident: str) -> str:
    """The allowance area's elder id: the resident ID's pseudonym (``elder-<pseudonym>``)."""
    return ctx.pseudonyms.token("eldercare-elder", resident)


def facts_of(
    eid: str, resident: str, born: date, starts: Period, lower: int, residence: str
) -> list[DomainEvent]:
    band, standard = BAND_STANDARD[lower]
    return [
        ev.ElderRegistered(eid, resident, born.isoformat(), residence, "2024-01-05", "application"),
        ev.AllowanceStarted(eid, eid, resident, residence, band, lower, str(starts), 10_000, standard),
    ]


async def record(ctx: ServiceContext, eid: str, facts: list[DomainEvent], residence: str = VILLAGE) -> None:
    """Append the allowance area's events to an elder's stream (one unit of work)."""

    async def unit(uow: UnitOfWork) -> None:
        stream = f"elder-{eid}"
        await uow.load(ELDER, stream)
        await uow.record(ELDER, stream, facts, jurisdiction=residence)

    await ctx.run(SEEDER, unit)


async def seed(
    ctx: ServiceContext,
    n: int,
    *,
    born: date = date(1941, 5, 10),
    starts: Period = Period(2024, 1),
    lower: int = 80,
    residence: str = VILLAGE,
) -> Seeded:
    """The ``n``-th elder: registered and started in a band from ``starts``."""
    resident = make_resident_id(residence[:6], born, n % 1000).reveal()
    eid = elder_id_of(ctx, resident)
    await record(ctx, eid, facts_of(eid, resident, born, starts, lower, residence), residence)
    return Seeded(eid, resident)


async def seed_many(
    ctx: ServiceContext, count: int, *, batch: int = 2000, start: Period = Period(2024, 1)
) -> None:
    """``count`` elders aged 80–89, started from ``start``, in batches of ``create_streams_once``."""
    at = datetime(2024, 1, 5, 9, 0, tzinfo=CST)
    meta = EventMetadata(actor="bulk-seed", jurisdiction=VILLAGE)
    streams: list[tuple[str, list[NewEvent]]] = []
    for n in range(count):
        born = date(1936 + n % 8, 1 + n % 12, 1 + n % 28)
        resident = make_resident_id(VILLAGE[:6], born, n % 1000).reveal()
        eid = f"bench{n:07d}"
        facts = facts_of(eid, resident, born, start, 80, VILLAGE)
        streams.append(
            (
                f"elder-{eid}",
                [
                    NewEvent(event_type=f.event_type, data=f.to_data(), occurred_at=at, metadata=meta)
                    for f in facts
                ],
            )
        )
        if len(streams) >= batch:
            await ctx.store.create_streams_once("elder", streams)
            streams.clear()
    if streams:
        await ctx.store.create_streams_once("elder", streams)


async def _standings(ctx: ServiceContext, period: Period) -> dict[str, Any]:
    return {e.elder_id: e.standing(period) for e in await roll_reads.allowances(ctx)}


async def test_the_roll_follows_the_elder_events_and_is_rebuilt_the_same(eldercare: Running) -> None:
    ctx = eldercare.service.context()
    a = await seed(ctx, 1)
    b = await seed(ctx, 2, born=date(1935, 3, 3), lower=90)
    await record(
        ctx,
        a.elder_id,
        [ev.AllowanceBandChanged(a.elder_id, a.elder_id, "80-89", "90-99", 90, "2026-05", 20_000, "x")],
    )
    await record(ctx, b.elder_id, [ev.AllowanceSuspended(b.elder_id, b.elder_id, "moved_away", "2026-03")])
    await record(ctx, b.elder_id, [ev.AllowanceResumed(b.elder_id, b.elder_id, "2026-06")])
    before = {p: await _standings(ctx, Period(2026, p)) for p in (2, 3, 5, 6)}
    assert before[2] == {a.elder_id: InBand(80, "80-89"), b.elder_id: InBand(90, "90-99")}
    assert before[3][b.elder_id].value == "suspended" and before[5][a.elder_id] == InBand(90, "90-99")
    assert before[6][b.elder_id] == InBand(90, "90-99")
    await ctx.projection(roll_reads.NAME).rebuild()
    assert {p: await _standings(ctx, Period(2026, p)) for p in (2, 3, 5, 6)} == before
