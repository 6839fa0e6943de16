"""``python -m minzheng_bench --quick|--full [--json PATH]``: one table, every figure beside its raw
reference measured in the same run, as a ratio. Starts its own embedded stack."""

from __future__ import annotations

import argparse
import asyncio
import json
import shutil
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import asyncpg
from rich.console import Console
from rich.table import Table
from sqlalchemy.ext.asyncio import create_async_engine

from minzheng_eventstore import EventStore, install
from minzheng_eventstore.dsn import sqlalchemy_url
from minzheng_infra.stack import EmbeddedStack

from . import (
    asof,
    console_board,
    domain,
    eldercare_check,
    eldercare_run,
    eslib,
    platform,
    raw,
    registry,
    tracing,
    veterans,
)
from .append import FULL_ROUNDS, QUICK_ROUNDS, AppendFigures, measure_append, render_chain


@dataclass(frozen=True)
class Sizes:
    seq: int
    relay: int
    consume: int
    rebuild: int
    latency_seconds: float
    grown: int
    households: int
    sla: int
    archive: int
    marriages: int
    entitled: int
    verify: int


QUICK = Sizes(
    seq=800,
    relay=10_000,
    consume=5_000,
    rebuild=50_000,
    latency_seconds=5,
    grown=300_000,
    households=10_000,
    sla=2_000,
    archive=20_000,
    marriages=300,
    entitled=20_000,
    verify=200_000,
)
FULL = Sizes(
    seq=4000,
    relay=100_000,
    consume=50_000,
    rebuild=1_000_000,
    latency_seconds=30,
    grown=5_000_000,
    households=100_000,
    sla=10_000,
    archive=100_000,
    marriages=4000,
    entitled=20_000,
    verify=1_000_000,
)


@dataclass
class Row:
    figure: str
    value: float
    unit: str
    reference: str = ""
    reference_value: float | None = None
    target: str = ""

    @property
    def ratio(self) -> float | None:
        return None if not self.reference_value else self.value / self.reference_value


async def _database(stack: EmbeddedStack, name: str, *, store: bool = True) -> str:
    conn = await asyncpg.connect(stack.pg_admin_dsn)
    await conn.execute(f'CREATE DATABASE "{name}"')
    await conn.close()
    url = stack.postgres.admin_url(name)
    if store:
        engine = create_async_engine(sqlalchemy_url(url))
        await install(engine)
        await engine.dispose()
    return url


async def run(sizes: Sizes, console: Console) -> list[Row]:
    stack = EmbeddedStack.ephemeral()
    stack.start()
    stack.provision()
    rows: list[Row] = []

    def step(text: str) -> None:
        console.log(text)

    try:
        step("raw PostgreSQL")
        pg = await raw.postgres(await _database(stack, "raw", store=False), sizes.seq)
        step("raw JetStream")
        js = await raw.jetstream(stack.nats_admin_url, sizes.seq)
        rows += [
            Row("raw: asyncpg 1 txn/event, sequential", pg["pg_txn_seq"], "ev/s"),
            Row("raw: asyncpg 1 txn/event, 16 concurrent", pg["pg_txn_16"], "ev/s"),
            Row("raw: asyncpg batched insert", pg["pg_batched"], "ev/s"),
            Row("raw: ordered read", pg["pg_ordered_read"], "ev/s"),
            Row("raw: JetStream publish+ack, sequential", js["js_publish_seq"], "msg/s"),
            Row("raw: JetStream publish, 500 in flight", js["js_publish_500"], "msg/s"),
            Row("raw: JetStream pull consume + ack", js["js_pull_consume"], "msg/s"),
        ]
        step("store append and the hash chain's cost")
        ap = await measure_append(
            await _database(stack, "append"), FULL_ROUNDS if sizes is FULL else QUICK_ROUNDS, step
        )
        render_chain(ap, console)
        rows += [
            Row("store append, sequential", ap.store_seq, "cmd/s", "raw txn seq", ap.raw_txn_seq, "≥ 90 %"),
            Row("store append, 16 concurrent", ap.store_16, "cmd/s", "raw txn 16", ap.raw_txn_16, "≥ 80 %"),
            *_chain_rows(ap),
        ]
        step("verify the hash chains")
        audit = await EventStore.connect(await _database(stack, "audit"))
        try:
            seconds, findings = await platform.verify_chains(audit, sizes.verify)
        finally:
            await audit.close()
        rows.append(
            Row(f"verify {sizes.verify:,} events ({findings} findings)", seconds, "s", target="< 30 s at 1M")
        )
        rows += await asof.rows(stack, console)
        store = await EventStore.connect(await _database(stack, "platform"))
        try:
            step("outbox relay")
            relay = await platform.relay_throughput(store, stack.nats_admin_url, sizes.relay)
            rows.append(
                Row(
                    "outbox relay throughput",
                    relay,
                    "ev/s",
                    "raw publish 500",
                    js["js_publish_500"],
                    "≥ 80 %",
                )
            )
            step("consume and project")
            consume = await platform.consume_and_project(store, stack.nats_admin_url, sizes.consume)
            rows.append(
                Row(
                    "consume + inbox + project",
                    consume,
                    "msg/s",
                    "raw pull consume",
                    js["js_pull_consume"],
                    "≥ 60 %",
                )
            )
            step("projection rebuild")
            rebuilt = await platform.rebuild(store, sizes.rebuild)
            rows.append(
                Row(
                    f"projection rebuild ({sizes.rebuild:,} events)",
                    rebuilt,
                    "ev/s",
                    "raw ordered read",
                    pg["pg_ordered_read"],
                    "≥ 100,000 ev/s",
                )
            )
        finally:
            await store.close()
        step("latency at 100 commands/s")
        lat = await platform.command_to_read_model_latency(
            await _database(stack, "lat_a", store=False),
            await _database(stack, "lat_b", store=False),
            stack.nats_admin_url,
            100,
            sizes.latency_seconds,
        )
        rows += [
            Row(f"HTTP command → other read model, {q}", lat[q], "ms", target="p99 < 50 ms")
            for q in ("p50", "p95", "p99")
        ]
        rows.append(Row("two service hosts idle (relay, consumer)", lat["idle_cpu"] * 100, "% of a core"))
        step("append latency, empty and grown store")
        grown_url = await _database(stack, "grown")
        grown = await EventStore.connect(grown_url)
        try:
            empty = await platform.append_latency(grown, 500)
            await platform.grow(grown_url, sizes.grown)
            full = await platform.append_latency(grown, 500)
        finally:
            await grown.close()
        rows += [
            Row("append latency p50, empty store", empty[0], "ms"),
            Row("append latency p99, empty store", empty[1], "ms"),
            Row(f"append latency p50, {sizes.grown:,} events", full[0], "ms", "empty store p50", empty[0]),
            Row(f"append latency p99, {sizes.grown:,} events", full[1], "ms", "empty store p99", empty[1]),
        ]
        step("eventsourcing library vs Repository")
        lib = await asyncio.to_thread(
            eslib.eventsourcing_library, await _database(stack, "eslib", store=False), sizes.seq
        )
        ours_store = await EventStore.connect(await _database(stack, "ours"))
        try:
            ours = await eslib.minzheng(ours_store, sizes.seq)
        finally:
            await ours_store.close()
        for key, label in (("create", "create household"), ("approve", "load + approve"), ("load", "load")):
            rows.append(
                Row(
                    f"{label} (Repository)",
                    ours[key],
                    "cmd/s",
                    f"eventsourcing 9.x {label}",
                    lib[key],
                    "≥ 3×",
                )
            )
        step(f"payment run, {sizes.households:,} households")
        pay = await domain.payment_run(
            await _database(stack, "payrun", store=False),
            await _database(stack, "payconsumer"),
            stack.nats_admin_url,
            sizes.households,
        )
        rows += [
            Row(f"payment run {sizes.households:,}: append", pay["append_s"], "s"),
            Row(f"payment run {sizes.households:,}: all published", pay["publish_s"], "s"),
            Row(
                f"payment run {sizes.households:,}: consumer saw last",
                pay["end_to_end_s"],
                "s",
                target="≤ 20 s for 100k",
            ),
        ]
        rows += [
            Row(f"payment run {sizes.households:,}: CPU of {process}", seconds, "core-s")
            for process, seconds in pay["cpu_s"].items()
        ]
        step(f"SLA burst, {sizes.sla:,} households")
        sla = await domain.sla_burst(
            await _database(stack, "slaburst", store=False), stack.nats_admin_url, sizes.sla
        )
        rows += [
            Row(
                f"SLA burst {sizes.sla:,}: registration (16 at a time)",
                sla["households"] / sla["register_s"],
                "hh/s",
            ),
            Row(f"SLA burst {sizes.sla:,}: all breaches raised after the deadline", sla["breaches_s"], "s"),
            Row("SLA scheduler CPU while idle (1 poll/s)", sla["idle_cpu_share"] * 100, "% of a core"),
        ]
        rows += await _registry_rows(stack, sizes, ap, pg["pg_batched"], lat["p99"], console)
        rows += await _veterans_rows(stack, sizes, console)
        rows += await eldercare_check.rows(
            stack, console, 20_000 if sizes is QUICK else eldercare_check.ELDERS
        )
        rows += await eldercare_run.rows(stack, console, 20_000 if sizes is QUICK else eldercare_run.ELDERS)
        rows += await tracing.rows(stack, console, quick=sizes is QUICK)
        rows += await console_board.rows(console)
    finally:
        stack.stop()
        shutil.rmtree(stack.root, ignore_errors=True)
    return rows


async def run_only(case: str, sizes: Sizes, console: Console) -> list[Row]:
    """One case of the table on a stack of its own (``--only tracing``)."""
    stack = EmbeddedStack.ephemeral()
    stack.start()
    stack.provision()
    try:
        if case == "tracing":
            return await tracing.rows(stack, console, quick=sizes is QUICK)
        if case == "console-board":
            return await console_board.rows(console)
        if case == "hash-chain":
            ap = await measure_append(
                await _database(stack, "append"), FULL_ROUNDS if sizes is FULL else QUICK_ROUNDS, console.log
            )
            render_chain(ap, console)
            return _chain_rows(ap)
        raise SystemExit(f"no case {case!r}")
    finally:
        stack.stop()
        shutil.rmtree(stack.root, ignore_errors=True)


def _chain_rows(ap: AppendFigures) -> list[Row]:
    """The hash chain's cost per shape: the median of the per-round throughput ratios chained /
    unchained (with its spread), and PostgreSQL's CPU per event chained beside unchained."""
    rows = []
    for case in ap.cases:
        spread = case.ratio("chained", "unchained")
        rows += [
            Row(
                f"hash chain: {case.name}, throughput chained / unchained, median of "
                f"{ap.rounds.rounds} rounds (IQR {spread.q1:.0%}–{spread.q3:.0%})",
                spread.median * 100,
                "%",
                target="≥ 90 %",
            ),
            Row(
                f"hash chain: {case.name}, PostgreSQL CPU per event",
                case.backend_us("chained"),
                "µs",
                "no chain",
                case.backend_us("unchained"),
            ),
        ]
    return rows


async def _registry_rows(
    stack: EmbeddedStack,
    sizes: Sizes,
    ap: AppendFigures,
    pg_batched: float,
    platform_p99: float,
    console: Console,
) -> list[Row]:
    """The registry's rows: the archive import end to end beside PostgreSQL's own batched insert,
    marriage registration beside the store's single append, a death's way to assistance beside
    the platform's command → other read model latency, all of the same run."""
    console.log(f"registry: archive import, {sizes.archive:,} rows")
    imp = await registry.archive_import(
        await _database(stack, "archive", store=False), stack.nats_admin_url, sizes.archive
    )
    rows = [
        Row(
            f"archive import {sizes.archive:,} rows: validated, stored, published",
            imp["rows_per_s"],
            "rows/s",
            "raw batched insert",
            pg_batched,
            "≥ 10,000 rows/s",
        ),
        Row(f"archive import {sizes.archive:,}: stored (import returned)", imp["stored_s"], "s"),
        Row(f"archive import {sizes.archive:,}: last record published", imp["published_s"], "s"),
        Row(f"archive re-import {sizes.archive:,}: records added", imp["reimport_added"], "rows", target="0"),
    ]
    rows += [
        Row(f"archive import {sizes.archive:,}: CPU of {process}", seconds, "core-s")
        for process, seconds in imp["cpu_s"].items()
    ]
    console.log(f"registry: marriage registration, {sizes.marriages:,} couples")
    mar = await registry.marriage_registration(
        await _database(stack, "marriage", store=False), stack.nats_admin_url, sizes.marriages
    )
    rows += [
        Row(
            "marriage registration, sequential (3 streams + serial, 1 unit)",
            mar["sequential"],
            "cmd/s",
            "store append seq",
            ap.store_seq,
        ),
        Row(
            "marriage registration, 16 concurrent (one office's serial)",
            mar["concurrent"],
            "cmd/s",
            "store append 16",
            ap.store_16,
        ),
    ]
    console.log(f"registry → assistance: deaths at 20/s for {sizes.latency_seconds} s")
    death = await registry.death_to_benefit_stopped(
        await _database(stack, "deaths_registry", store=False),
        await _database(stack, "deaths_assistance", store=False),
        stack.nats_admin_url,
        20,
        sizes.latency_seconds,
    )
    rows += [
        Row(f"death registered → benefit terminated in assistance, {q}", death[q], "ms")
        for q in ("p50", "p95")
    ]
    rows.append(
        Row(
            "death registered → benefit terminated in assistance, p99 (20/s)",
            death["p99"],
            "ms",
            "platform command → read model p99",
            platform_p99,
        )
    )
    return rows


async def _veterans_rows(stack: EmbeddedStack, sizes: Sizes, console: Console) -> list[Row]:
    """The veterans' rows: the monthly pension run appended, published and seen by a consumer in
    another process; an entitled person created, loaded and decided beside the eventsourcing library."""
    n = sizes.entitled
    console.log(f"veterans: pension run, {n:,} entitled persons")
    run = await veterans.pension_run(
        await _database(stack, "pensions", store=False),
        await _database(stack, "pensionconsumer"),
        stack.nats_admin_url,
        n,
    )
    rows = [
        Row(f"pension run {n:,}: append", run["append_s"], "s"),
        Row(f"pension run {n:,}: all published", run["publish_s"], "s"),
        Row(f"pension run {n:,}: consumer saw last", run["end_to_end_s"], "s", target="≤ 4 s"),
    ]
    rows += [
        Row(f"pension run {n:,}: CPU of {process}", seconds, "core-s")
        for process, seconds in run["cpu_s"].items()
    ]
    console.log("veterans: entitled person, eventsourcing library vs Repository")
    lib = await asyncio.to_thread(
        veterans.entitled_person_library, await _database(stack, "eslib_person", store=False), sizes.seq
    )
    ours = await veterans.entitled_person_ours(
        await _database(stack, "ours_person", store=False), stack.nats_admin_url, sizes.seq
    )
    for key, label in (("create", "recognise"), ("decide", "load + suspend"), ("load", "load")):
        rows.append(
            Row(
                f"entitled person {label} (Repository)",
                ours[key],
                "cmd/s",
                f"eventsourcing 9.x {label}",
                lib[key],
                "≥ 3×",
            )
        )
    return rows


def render(rows: list[Row], console: Console, title: str) -> None:
    table = Table(title=title)
    for column in ("figure", "value", "reference (same run)", "ratio", "target"):
        table.add_column(column, justify="right" if column in ("value", "ratio") else "left")
    for r in rows:
        ref = f"{r.reference} {r.reference_value:,.0f}" if r.reference_value else r.reference
        ratio = f"{r.ratio:.0%}" if r.ratio is not None else ""
        precise = r.unit in ("ms", "s", "% of a core", "core-s", "%")
        value = f"{r.value:,.1f} {r.unit}" if precise else f"{r.value:,.0f} {r.unit}"
        table.add_row(r.figure, value, ref, ratio, r.target)
    console.print(table)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    mode = parser.add_mutually_exclusive_group()
    mode.add_argument("--quick", action="store_true", help="small sizes, under 3 minutes (default)")
    mode.add_argument(
        "--full", action="store_true", help="the sizes of the issue (100k payment run, 5M events)"
    )
    parser.add_argument("--json", type=Path, default=Path(".bench/results.json"))
    parser.add_argument(
        "--only",
        choices=("tracing", "console-board", "hash-chain"),
        help="one case alone (tracing: off against on, alternating; console-board: 10,000 households"
        " in headless Chromium; hash-chain: the store with and without the chain and raw asyncpg,"
        " alternating)",
    )
    args = parser.parse_args()
    sizes = FULL if args.full else QUICK
    console = Console()
    started = time.perf_counter()
    rows = asyncio.run(run_only(args.only, sizes, console) if args.only else run(sizes, console))
    render(
        rows,
        console,
        f"minzheng bench ({'full' if args.full else 'quick'}, {time.perf_counter() - started:.0f} s)",
    )
    args.json.parent.mkdir(parents=True, exist_ok=True)
    payload: list[dict[str, Any]] = [{**r.__dict__, "ratio": r.ratio} for r in rows]
    args.json.write_text(
        json.dumps({"mode": "full" if args.full else "quick", "rows": payload}, indent=2) + "\n"
    )
    console.print(f"written: {args.json}")


if __name__ == "__main__":
    main()
