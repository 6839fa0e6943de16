"""The veterans monthly pension run (抚恤金按月发放) for many entitled persons, timed end to end.

``python -m minzheng_bench.veterans [COUNT SEQ [RUNS]]`` prints the veterans' rows alone on their
own embedded stack (with ``RUNS`` > 1: the pension run alone, ``RUNS`` times, and the medians);
``make bench`` runs them among the others (``__main__._veterans_rows``). The entitled persons are
seeded as the real ``EntitledPersonRecognised`` events the recognition command decides (the pure
``recognise``, its guard rows), in batches of ``create_streams_once``: set-up speed is not what is
measured, and the pension roll's projection is brought up to date with it. The run is the
service's ``run_pensions`` over the entitlement area's roll (selected from that projection); the
relay runs in a process of its own and another service's consumer of ``PaymentIssued`` v2 in a
third.
"""

from __future__ import annotations

import asyncio
import sys
import time
import uuid
from datetime import UTC, date, datetime
from typing import Any

from minzheng_contracts import Period, make_resident_id
from minzheng_eventstore import Actor, EventMetadata, NewEvent
from minzheng_eventstore.clock import SystemClock
from minzheng_eventstore.context import ServiceContext
from minzheng_eventstore.host import ServiceSettings

from .timed_run import time_run

VILLAGE = "330727101201"
PERIOD = Period(2026, 3)
APPROVED_ON = date(2026, 1, 10)
PSEUDONYM_KEY = "benchmark-key-not-a-secret"


async def load_standards(ctx: ServiceContext) -> None:
    """The service's national standards and the pension figures, for the county."""
    from minzheng_veterans.application.configuration import load_national_standards
    from minzheng_veterans.application.pensions.standards import load_pension_standards

    await load_national_standards(ctx)
    await load_pension_standards(ctx)


async def seed_entitled_persons(ctx: ServiceContext, count: int, *, batch: int = 2000) -> None:
    """``count`` persons recognised as 带病回乡 veterans (approved 2026-01-10, paid from 2026-02)."""
    from minzheng_veterans.application.configuration import standards_table
    from minzheng_veterans.application.entitlement.streams import (
        ENTITLEMENT,
        entitlement_stream,
        person_token,
    )
    from minzheng_veterans.domain.entitlement import entitlement as e
    from minzheng_veterans.domain.entitlement.categories import Category, Terms

    table = await ctx.run(Actor("bulk-seed"), standards_table)
    terms = Terms(PERIOD, Category.ILL_RETURNED)
    at = datetime(2026, 1, 10, 9, 0, tzinfo=UTC)
    meta = EventMetadata(actor="bulk-seed", jurisdiction=VILLAGE)
    streams: list[tuple[str, list[NewEvent]]] = []
    guards: list[tuple[str, str, str]] = []

    async def flush() -> None:
        await ctx.store.create_streams_once(ENTITLEMENT.stream_type, streams)
        async with ctx.store.pool.acquire() as conn:
            await conn.executemany(
                "INSERT INTO veterans_entitlements (entitlement_id, person_token, category) "
                "VALUES ($1, $2, $3) ON CONFLICT DO NOTHING",
                guards,
            )
        streams.clear()
        guards.clear()

    for n in range(count):
        resident = make_resident_id(VILLAGE[:6], date(1940 + n % 20, 1 + n % 12, 1 + n % 28), n % 1000)
        eid = str(uuid.uuid5(uuid.NAMESPACE_URL, f"bench-entitlement-{n}"))
        person = person_token(ctx.pseudonyms, resident)  # distinct below 42,000 persons
        facts = e.recognise(
            e.Entitlement(),
            table,
            entitlement_id=eid,
            person=person,
            resident_id=resident.reveal(),
            residence=VILLAGE,
            terms=terms,
            approved_on=APPROVED_ON,
            today=APPROVED_ON,
        )
        streams.append(
            (
                entitlement_stream(eid),
                [
                    NewEvent(event_type=f.event_type, data=f.to_data(), occurred_at=at, metadata=meta)
                    for f in facts
                ],
            )
        )
        guards.append((eid, person, terms.category.value))
        if len(streams) >= batch:
            await flush()
    if streams:
        await flush()


async def pension_run(
    database_url: str, consumer_database_url: str, nats_url: str, count: int
) -> dict[str, Any]:
    """Seed ``count`` entitled persons, then time one monthly run: every payment appended, every
    payment published (the relay's durable count), the other process's read model holding all."""
    from minzheng_veterans.application.pensions.roll_reads import NAME as ROLL
    from minzheng_veterans.application.pensions.run import run_pensions
    from minzheng_veterans.entrypoints.app import Veterans

    settings = ServiceSettings("veterans", database_url, nats_url, pseudonym_key=PSEUDONYM_KEY)
    service = Veterans(settings, clock=SystemClock(), scheduler=False)
    await service.host.migrate()
    async with service.host.running(consume=False, relay=False):
        ctx = service.context()
        await load_standards(ctx)
        t = time.perf_counter()
        await seed_entitled_persons(ctx, count)
        # the roll projection up to date, as in a county whose recognitions came one by one (the
        # run still brings it up to date first: here it finds nothing left)
        await ctx.projection(ROLL).catch_up()
        seeded = time.perf_counter() - t
        result, marks = await time_run(
            ctx.store,
            service="veterans",
            database_url=database_url,
            consumer_database_url=consumer_database_url,
            nats_url=nats_url,
            count=count,
            run=lambda: run_pensions(ctx, Actor("bench"), PERIOD),
        )
    return {"entitled": count, "paid": result.monthly.paid, "seed_s": seeded, **marks}


def entitled_person_library(database_url: str, n: int) -> dict[str, float]:
    """The ``eventsourcing`` library (9.x) doing what :func:`entitled_person_ours` does: recognise an
    entitled person, load and suspend them, load them. Runs synchronously: call it in a thread."""
    from eventsourcing.application import Application
    from eventsourcing.domain import Aggregate, event

    from .eslib import configure_library

    class EntitledPerson(Aggregate):  # type: ignore[misc,unused-ignore]
        @event("Recognised")  # type: ignore[untyped-decorator,unused-ignore]
        def __init__(self, person: str, category: str, residence: str, starts: str, standard_id: str) -> None:
            self.person, self.category, self.residence = person, category, residence
            self.starts, self.standard_id, self.status = starts, standard_id, "active"

        @event("Suspended")  # type: ignore[untyped-decorator,unused-ignore]
        def suspend(self, reason: str, from_period: str) -> None:
            assert self.status == "active" and from_period >= self.starts
            self.status, self.suspended_from, self.reason = "suspended", from_period, reason

    class Pensions(Application):  # type: ignore[misc,type-arg,unused-ignore]
        pass

    configure_library(database_url)
    app = Pensions()
    t = time.perf_counter()
    ids = []
    for i in range(n):
        person = EntitledPerson(f"person-{i}", "ill_returned", VILLAGE, "2026-02", "ill_returned:2026")
        app.save(person)
        ids.append(person.id)
    create = n / (time.perf_counter() - t)
    t = time.perf_counter()
    for pid in ids:
        person = app.repository.get(pid)
        person.suspend("documents missing", "2026-03")
        app.save(person)
    decide = n / (time.perf_counter() - t)
    t = time.perf_counter()
    for pid in ids:
        app.repository.get(pid)
    load = n / (time.perf_counter() - t)
    app.close()
    return {"create": create, "decide": decide, "load": load}


async def entitled_person_ours(database_url: str, nats_url: str, n: int) -> dict[str, float]:
    """The veterans service's own entitlement aggregate on the kit's Repository: recognise (the pure
    ``recognise`` decision), load and suspend (the pure ``suspend``), load."""
    from minzheng_eventstore import RecordedEvent, Repository
    from minzheng_veterans.application.configuration import standards_table
    from minzheng_veterans.application.entitlement.streams import ENTITLEMENT, entitlement_stream
    from minzheng_veterans.domain.entitlement import entitlement as e
    from minzheng_veterans.domain.entitlement.categories import Category, Terms
    from minzheng_veterans.entrypoints.app import Veterans

    service = Veterans(ServiceSettings("veterans", database_url, nats_url), scheduler=False)
    async with service.host.running(consume=False, relay=False, project=False):
        ctx = service.context()
        await load_standards(ctx)
        table = await ctx.run(Actor("bench"), standards_table)

        def evolve(state: e.Entitlement, event: RecordedEvent) -> e.Entitlement:
            return ENTITLEMENT.fold([event], state)

        repo: Repository[e.Entitlement] = Repository(
            ctx.store, ENTITLEMENT.stream_type, initial=e.Entitlement, evolve=evolve
        )
        at = datetime(2026, 1, 10, 9, 0, tzinfo=UTC)
        meta = EventMetadata(actor="bench", jurisdiction=VILLAGE)

        def new(facts: list[Any]) -> list[NewEvent]:
            return [
                NewEvent(event_type=f.event_type, data=f.to_data(), occurred_at=at, metadata=meta)
                for f in facts
            ]

        ids = [str(uuid.uuid4()) for _ in range(n)]
        terms = Terms(PERIOD, Category.ILL_RETURNED)
        t = time.perf_counter()
        for i, eid in enumerate(ids):
            facts = e.recognise(
                e.Entitlement(),
                table,
                entitlement_id=eid,
                person=f"person-{i}",
                resident_id="330727195203040019",
                residence=VILLAGE,
                terms=terms,
                approved_on=APPROVED_ON,
                today=APPROVED_ON,
            )
            await repo.create(entitlement_stream(eid), new(facts))
        create = n / (time.perf_counter() - t)

        def suspend(state: e.Entitlement, version: int) -> list[NewEvent]:
            return new(e.suspend(state, reason="documents missing", from_period=PERIOD))

        t = time.perf_counter()
        for eid in ids:
            await repo.handle(entitlement_stream(eid), suspend)
        decide = n / (time.perf_counter() - t)
        t = time.perf_counter()
        for eid in ids:
            await repo.load(entitlement_stream(eid))
        load = n / (time.perf_counter() - t)
    return {"create": create, "decide": decide, "load": load}


async def repeated_runs(count: int, runs: int) -> list[dict[str, Any]]:
    """``runs`` pension runs of ``count``, each on a stack of its own (a JetStream stream keeps
    the messages of an earlier run, which a new consumer would count): on a shared machine one
    run says little, their median more."""
    import shutil

    from minzheng_infra.stack import EmbeddedStack

    from .__main__ import _database

    out = []
    for _ in range(runs):
        stack = EmbeddedStack.ephemeral()
        stack.start()
        stack.provision()
        try:
            out.append(
                await pension_run(
                    await _database(stack, "pensions", store=False),
                    await _database(stack, "pensionconsumer"),
                    stack.nats_admin_url,
                    count,
                )
            )
        finally:
            stack.stop()
            shutil.rmtree(stack.root, ignore_errors=True)
    return out


def median_rows(count: int, runs: list[dict[str, Any]]) -> list[Any]:
    """The medians of repeated runs, each figure with every run's value beside it."""
    from statistics import median

    from .__main__ import Row

    figures = [("append_s", "append"), ("publish_s", "all published"), ("end_to_end_s", "consumer saw last")]
    rows = [
        Row(
            f"pension run {count:,}: {label}, median of {len(runs)}",
            median(r[key] for r in runs),
            "s",
            reference=" ".join(f"{r[key]:.1f}" for r in runs),
            target="≤ 4 s" if key == "end_to_end_s" else "",
        )
        for key, label in figures
    ]
    for process in runs[0]["cpu_s"]:
        values = [r["cpu_s"][process] for r in runs]
        rows.append(
            Row(
                f"pension run {count:,}: CPU of {process}, median",
                median(values),
                "core-s",
                reference=" ".join(f"{v:.1f}" for v in values),
            )
        )
    return rows


async def _main(count: int, seq: int, runs: int = 1) -> None:
    import shutil
    from dataclasses import replace

    from rich.console import Console

    from minzheng_infra.stack import EmbeddedStack

    from .__main__ import QUICK, _veterans_rows, render

    console = Console()
    if runs > 1:
        render(median_rows(count, await repeated_runs(count, runs)), console, f"veterans: {count:,}")
        return
    stack = EmbeddedStack.ephemeral()
    stack.start()
    stack.provision()
    try:
        rows = await _veterans_rows(stack, replace(QUICK, entitled=count, seq=seq), console)
    finally:
        stack.stop()
        shutil.rmtree(stack.root, ignore_errors=True)
    render(rows, console, f"veterans: {count:,} entitled persons")


if __name__ == "__main__":
    # python -m minzheng_bench.veterans [N [SEQ [RUNS]]]: the veterans' rows alone, on their own
    # stack; RUNS > 1: the pension run alone, RUNS times, and the medians
    args = [int(a) for a in sys.argv[1:4]]
    asyncio.run(_main(*args) if len(args) >= 2 else _main(20_000, 800))
