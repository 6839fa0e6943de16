"""Tracing overhead: the append path and the relay path with tracing off and on, in one run.

Each round is a process of its own, as a service is: *off* installs no tracer provider (the API's
no-op), *on* is what a service does under ``make run`` (``configure_tracing``: the SDK provider, a
``BatchSpanProcessor`` and the OTLP JSON file exporter of ``MINZHENG_TRACE_FILE``). Rounds
alternate off, on, off, on…, so drift of the machine falls on both; the figure of each mode is
its median round. In every round:

- append: commands of one event each, 16 at a time, each in its own request span (a no-op span
  when off) and unit of work (``run_unit``): commands/s;
- relay: events stored by as many commands (each its own stored ``traceparent``: pages of many
  traces, one publish span each, linked to all), published by ``OutboxRelay.run`` (the service's
  pipelined path) until every one is acknowledged: events/s; then as many events of one bulk
  command (a payment run: one trace, so one publish span per relay page).

The "on" round also counts the spans the file got (after a flush), so the figure is of spans
actually written, not of spans dropped.

    python -m minzheng_bench.tracing [--rounds 3] [--appends 2000] [--relay 20000]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from rich.console import Console

    from minzheng_infra.stack import EmbeddedStack

    from .__main__ import Row

CONCURRENCY = 16
NOW = datetime(2026, 1, 1, tzinfo=UTC)


# ---------------------------------------------------------------------- one round (its own process)


async def _round(
    mode: str, db: str, nats_url: str, appends: int, relayed: int, trace_file: str
) -> dict[str, Any]:
    import nats
    from opentelemetry import trace

    from minzheng_eventstore import EventStore, NewEvent, OutboxRelay, raw_event_publication
    from minzheng_eventstore.builder import Actor, EventBuilder
    from minzheng_eventstore.clock import SystemClock
    from minzheng_eventstore.model import EventMetadata
    from minzheng_eventstore.observability import TRACE_FILE_ENV, configure_tracing
    from minzheng_eventstore.uow import UnitOfWork, run_unit

    provider = None
    if mode == "on":
        os.environ[TRACE_FILE_ENV] = trace_file
        provider = configure_tracing("bench")
    tracer = trace.get_tracer("minzheng.http")
    store = await EventStore.connect(db, max_size=CONCURRENCY + 4, service="bench")
    tag = uuid.uuid4().hex[:8]
    cpu_us: dict[str, float] = {}
    """CPU (all threads of the process, the exporter's included) per command or event: steadier
    than throughput on a machine shared with other work."""
    try:
        # ---- append path
        builder = EventBuilder(SystemClock(), Actor("bench"))
        counter = iter(range(appends))

        async def command(i: int) -> None:
            async def unit(uow: UnitOfWork) -> None:
                await uow.append(
                    f"case-{tag}-{i}",
                    f"case{tag}",
                    [NewEvent(event_type="Opened", data={"n": i}, occurred_at=NOW)],
                )

            with tracer.start_as_current_span("POST /cases"):
                await run_unit(store, unit, builder=builder)

        async def worker() -> None:
            for i in counter:
                await command(i)

        for i in range(50):  # warm the pool and the statement cache
            await command(appends + i)
        counter = iter(range(appends))
        started, cpu = time.perf_counter(), time.process_time()
        await asyncio.gather(*(worker() for _ in range(CONCURRENCY)))
        append_rate = appends / (time.perf_counter() - started)
        if provider is not None:
            provider.force_flush(60_000)  # the exporter's work is the path's cost too
        cpu_us["append"] = (time.process_time() - cpu) / appends * 1e6

        # ---- relay path: events of as many commands (each its own stored traceparent), then
        # the events of one bulk command (a payment run: one trace for all)
        nc = await nats.connect(nats_url)
        js = nc.jetstream()
        relay_rates: dict[str, float] = {}
        for case in ("commands", "bulk"):
            stream_type = f"{case}{tag}"
            bulk_parent = f"00-{uuid.uuid4().hex}-{uuid.uuid4().hex[:16]}-01"
            for start in range(0, relayed, 5000):
                streams = []
                for i in range(start, min(relayed, start + 5000)):
                    traceparent = (
                        bulk_parent if case == "bulk" else f"00-{uuid.uuid4().hex}-{uuid.uuid4().hex[:16]}-01"
                    )
                    streams.append(
                        (
                            f"{stream_type}-{i}",
                            [
                                NewEvent(
                                    event_type="Applied",
                                    data={"n": i, "household": f"hh-{i}"},
                                    occurred_at=NOW,
                                    metadata=EventMetadata(traceparent=traceparent, actor="bench"),
                                )
                            ],
                        )
                    )
                await store.create_streams_once(stream_type, streams)
            name = f"TRACE{case.upper()}{tag.upper()}"
            await js.add_stream(name=name, subjects=[f"{name.lower()}.>"])
            relay = OutboxRelay(
                store,
                js,
                name=name,
                publication=raw_event_publication(name.lower()),
                stream_types=[stream_type],
            )
            stop = asyncio.Event()
            started, cpu = time.perf_counter(), time.process_time()
            running = asyncio.create_task(relay.run(stop))
            while relay.published < relayed:  # noqa: ASYNC110 - polling is the measurement
                await asyncio.sleep(0.002)
            relay_rates[case] = relay.published / (time.perf_counter() - started)
            if provider is not None:
                provider.force_flush(60_000)
            cpu_us[case] = (time.process_time() - cpu) / relayed * 1e6
            stop.set()
            await running
            await js.delete_stream(name)
        await nc.close()
    finally:
        await store.close()
    spans = 0
    if provider is not None:
        provider.force_flush(60_000)
        spans = _count_spans(trace_file)
    return {
        "mode": mode,
        "append_per_s": append_rate,
        "relay_per_s": relay_rates["commands"],
        "relay_bulk_per_s": relay_rates["bulk"],
        "append_cpu_us": cpu_us["append"],
        "relay_cpu_us": cpu_us["commands"],
        "relay_bulk_cpu_us": cpu_us["bulk"],
        "spans": spans,
    }


def _count_spans(trace_file: str) -> int:
    spans = 0
    for line in Path(trace_file).read_text(encoding="utf-8").splitlines():
        for rs in json.loads(line).get("resourceSpans", ()):
            for ss in rs.get("scopeSpans", ()):
                spans += len(ss.get("spans", ()))
    return spans


def _round_main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--mode", choices=("on", "off"), required=True)
    parser.add_argument("--db", required=True)
    parser.add_argument("--nats", required=True)
    parser.add_argument("--appends", type=int, required=True)
    parser.add_argument("--relay", type=int, required=True)
    parser.add_argument("--trace-file", required=True)
    a = parser.parse_args(argv)
    result = asyncio.run(_round(a.mode, a.db, a.nats, a.appends, a.relay, a.trace_file))
    print(json.dumps(result), flush=True)


# ---------------------------------------------------------------------- the rounds, alternating


def measure(
    db: str, nats_url: str, *, rounds: int = 3, appends: int = 2000, relayed: int = 20_000
) -> dict[str, Any]:
    """Alternate off/on rounds (``rounds`` of each), each a fresh process; medians and overheads."""
    results: dict[str, list[dict[str, Any]]] = {"off": [], "on": []}
    with tempfile.TemporaryDirectory(prefix="mz-trace-bench-") as folder:
        for k in range(rounds):
            for mode in ("off", "on"):
                trace_file = str(Path(folder) / f"spans-{k}.jsonl")
                out = subprocess.run(
                    [
                        sys.executable,
                        "-m",
                        "minzheng_bench.tracing",
                        "round",
                        "--mode",
                        mode,
                        "--db",
                        db,
                        "--nats",
                        nats_url,
                        "--appends",
                        str(appends),
                        "--relay",
                        str(relayed),
                        "--trace-file",
                        trace_file,
                    ],
                    check=True,
                    capture_output=True,
                    text=True,
                    env={
                        k: v for k, v in os.environ.items() if not k.startswith(("OTEL_", "MINZHENG_TRACE"))
                    },
                )
                results[mode].append(json.loads(out.stdout.strip().splitlines()[-1]))
    figures: dict[str, Any] = {"rounds": results}
    for path in ("append_per_s", "relay_per_s", "relay_bulk_per_s"):
        off = statistics.median(r[path] for r in results["off"])
        on = statistics.median(r[path] for r in results["on"])
        figures[path] = {"off": off, "on": on, "overhead_pct": (off - on) / off * 100}
    for path in ("append_cpu_us", "relay_cpu_us", "relay_bulk_cpu_us"):
        if all(path in r for r in results["off"] + results["on"]):
            off = statistics.median(r[path] for r in results["off"])
            on = statistics.median(r[path] for r in results["on"])
            figures[path] = {"off": off, "on": on, "overhead_pct": (on - off) / off * 100}
    figures["spans_written"] = min(r["spans"] for r in results["on"])
    figures["spans_expected"] = 2 * (appends + 50)  # request + append per command (+ a publish span per page)
    return figures


async def rows(stack: EmbeddedStack, console: Console, *, quick: bool = True) -> list[Row]:
    """The tracing rows of ``make bench``: both paths off and on, and the overhead (target ≤ 10 %)."""
    from .__main__ import Row, _database

    appends, relayed = (2000, 20_000) if quick else (5000, 100_000)
    console.log(f"tracing overhead: {appends:,} commands and {relayed:,} relayed events, off/on × 3")
    db = await _database(stack, "tracing")
    figures = await asyncio.to_thread(measure, db, stack.nats_admin_url, appends=appends, relayed=relayed)
    a, r, b = figures["append_per_s"], figures["relay_per_s"], figures["relay_bulk_per_s"]
    return [
        Row("tracing off: append, 16 concurrent", a["off"], "cmd/s"),
        Row("tracing on: append, 16 concurrent", a["on"], "cmd/s", "tracing off", a["off"], "≥ 90 %"),
        Row("tracing overhead: append", a["overhead_pct"], "%", target="≤ 10 %"),
        Row("tracing off: relay", r["off"], "ev/s"),
        Row("tracing on: relay (events of many traces)", r["on"], "ev/s", "tracing off", r["off"], "≥ 90 %"),
        Row("tracing overhead: relay", r["overhead_pct"], "%", target="≤ 10 %"),
        Row("tracing off: relay, one bulk command", b["off"], "ev/s"),
        Row("tracing on: relay, one bulk command", b["on"], "ev/s", "tracing off", b["off"], "≥ 90 %"),
        Row("tracing overhead: relay, one bulk command", b["overhead_pct"], "%", target="≤ 10 %"),
        *(
            Row(
                f"tracing CPU (all threads, export included): {label}, on",
                figures[key]["on"],
                "µs",
                "off",
                figures[key]["off"],
                "≤ 110 %",
            )
            for key, label in (
                ("append_cpu_us", "per command"),
                ("relay_cpu_us", "relay, per event"),
                ("relay_bulk_cpu_us", "relay of a bulk run, per event"),
            )
            if key in figures
        ),
        Row(
            f"tracing on: spans written to the file (≥ {figures['spans_expected']:,} and one per relay page)",
            figures["spans_written"],
            "spans",
        ),
    ]


async def _main(args: argparse.Namespace) -> None:
    import shutil

    from minzheng_infra.stack import EmbeddedStack

    from .__main__ import _database

    stack = EmbeddedStack.ephemeral()
    stack.start()
    stack.provision()
    try:
        db = await _database(stack, "tracing")
        figures = await asyncio.to_thread(
            measure, db, stack.nats_admin_url, rounds=args.rounds, appends=args.appends, relayed=args.relay
        )
        print(json.dumps(figures, indent=2))
    finally:
        stack.stop()
        shutil.rmtree(stack.root, ignore_errors=True)


def main() -> None:
    if len(sys.argv) > 1 and sys.argv[1] == "round":
        _round_main(sys.argv[2:])
        return
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--appends", type=int, default=2000)
    parser.add_argument("--relay", type=int, default=20_000)
    asyncio.run(_main(parser.parse_args()))


if __name__ == "__main__":
    main()
