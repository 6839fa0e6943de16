"""What a contract costs per row, in this process alone: ``python -m minzheng_bench.contract_cost
[--rows N] [--rounds K] [--json PATH]``.

The two hot contracts of the benchmarks, built as the services build them (the envelope from a
stored event, ``data`` from the stored JSON, as ``relay.contract_message`` validates it):

- ``HistoricalMarriagesImported``: the registry's archive import, 1,000 records a message, two
  resident IDs and an office a record (the figures are per record);
- ``PaymentIssued`` v2: the veterans pension run, one message per payment (per message).

Each is measured in four steps, each in µs per row:

- ``validate cold``: ``model_validate`` of the dict with resident IDs this process has not seen (the
  relay's process and the check before the commit of a first import);
- ``validate warm``: the same dicts again (IDs already seen here: the check before the commit after
  the domain parsed the row, a second validation in the same process);
- ``serialise``: the JSON bytes the relay publishes;
- ``parse cold``: ``parse_integration_event`` of those bytes with IDs this process has not seen (the
  consumer in another process).

Every round uses fresh resident IDs (so "cold" is cold); the table gives the minimum and the median
of the rounds, in CPU time of this process (``time.process_time``: another process on a shared
machine does not count, though it still slows this one's caches). The minimum is the figure to
compare (least disturbed), the median says how noisy the run was.
"""

from __future__ import annotations

import argparse
import gc
import json
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any
from uuid import UUID, uuid4

from minzheng_contracts import IntegrationEvent, parse_integration_event
from minzheng_contracts.archive import MAX_RECORDS, HistoricalMarriagesImported
from minzheng_contracts.payments import PaymentIssuedV2
from minzheng_contracts.resident_id import resident_id_checksum

_BASE = date(1930, 1, 1)


@dataclass(frozen=True)
class Figure:
    contract: str
    step: str
    min_us: float
    median_us: float


class _Ids:
    """Distinct valid resident IDs (county 330727, birthdays over ~44 years), never the same twice
    in one run: each round's IDs are cold."""

    def __init__(self) -> None:
        self._n = 0

    def next(self, *, male: bool) -> str:
        i = self._n
        self._n += 1
        born = _BASE + timedelta(days=i % 16_000)
        seq = (i // 16_000) % 500 * 2 + (1 if male else 0)
        body = f"330727{born:%Y%m%d}{seq:03d}"
        return body + resident_id_checksum(body)


def _envelope(event_type: str, version: int, producer: str, data: dict[str, Any]) -> dict[str, Any]:
    """The dict ``relay.contract_message`` validates: the stored event's envelope, ``data`` as stored."""
    event_id = uuid4()
    return {
        "event_id": event_id,
        "event_type": event_type,
        "schema_version": version,
        "occurred_at": datetime(2024, 7, 1, 1, 2, 3, tzinfo=UTC),
        "producer": producer,
        "correlation_id": event_id,
        "causation_id": None,
        "jurisdiction": "330727",
        "data": data,
    }


def archive_messages(ids: _Ids, rows: int) -> list[dict[str, Any]]:
    """``rows`` archive records in messages of ``MAX_RECORDS``, as the registry's import publishes them."""
    messages = []
    import_id = str(uuid4())
    for chunk, start in enumerate(range(0, rows, MAX_RECORDS)):
        records = [
            {
                "record_id": str(uuid4()),
                "kind": "marriage",
                "certificate_number": f"婚字第 {i:06d} 号",
                "husband": ids.next(male=True),
                "wife": ids.next(male=False),
                "registered_on": f"{1951 + i % 52}-{1 + i % 12:02d}-{1 + i % 28:02d}",
                "office": f"330727{100 + i % 18:03d}",
                "flags": ["husband_under_age"] if i % 50 == 0 else [],
                "dissolves": None,
            }
            for i in range(start, min(rows, start + MAX_RECORDS))
        ]
        data = {"import_id": import_id, "chunk": chunk, "records": records}
        messages.append(_envelope("HistoricalMarriagesImported", 1, "registry", data))
    return messages


def payment_messages(ids: _Ids, rows: int) -> list[dict[str, Any]]:
    """``rows`` pension payments of one run, as the veterans service publishes them."""
    run_id = str(uuid4())
    return [
        _envelope(
            "PaymentIssued",
            2,
            "veterans",
            {
                "payment_id": str(uuid4()),
                "programme": "veterans_pension_disabled",
                "beneficiary": ids.next(male=i % 2 == 1),
                "period": "2024-07",
                "amount_fen": 123_456 + i % 1000,
                "standard_id": "veterans-disabled-2024-grade-5",
                "run_id": run_id,
            },
        )
        for i in range(rows)
    ]


def _each(step: Callable[[Any], object], items: list[Any]) -> None:
    for item in items:
        step(item)


def _timed(
    step: Callable[[Callable[[Any], object], list[Any]], None], fn: Callable[[Any], object], items: list[Any]
) -> float:
    gc.collect()
    start = time.process_time()
    step(fn, items)
    return time.process_time() - start


def measure(
    name: str,
    contract: type[IntegrationEvent[Any]],
    build: Callable[[_Ids, int], list[dict[str, Any]]],
    *,
    rows: int,
    rounds: int,
) -> list[Figure]:
    """The four steps of ``contract`` over ``rows`` rows, ``rounds`` times, each with fresh IDs."""
    ids = _Ids()
    serializer = contract.__pydantic_serializer__
    times: dict[str, list[float]] = {
        "validate cold": [],
        "validate warm": [],
        "serialise": [],
        "parse cold": [],
    }
    warm_up = build(ids, 1)[0]  # pydantic's first call of a model builds its caches
    parse_integration_event(serializer.to_json(contract.model_validate(warm_up)))
    for _ in range(rounds):
        messages = build(ids, rows)
        # the consumer runs in another process: its resident IDs are new to it (built here as JSON
        # without validating them in this process)
        payloads = [_payload_unvalidated(m) for m in build(ids, rows)]
        validate, to_json = contract.model_validate, serializer.to_json
        times["validate cold"].append(_timed(_each, validate, messages))
        times["validate warm"].append(_timed(_each, validate, messages))
        built = [validate(m) for m in messages]
        times["serialise"].append(_timed(_each, to_json, built))
        times["parse cold"].append(_timed(_each, parse_integration_event, payloads))
    return [
        Figure(name, step, min(ts) * 1e6 / rows, statistics.median(ts) * 1e6 / rows)
        for step, ts in times.items()
    ]


def _payload_unvalidated(message: dict[str, Any]) -> bytes:
    """The JSON bytes of ``message`` in the relay's shape, built without validating it here."""

    def plain(value: Any) -> Any:
        if isinstance(value, dict):
            return {k: plain(v) for k, v in value.items()}
        if isinstance(value, list):
            return [plain(v) for v in value]
        if isinstance(value, UUID):
            return str(value)
        if isinstance(value, datetime):
            return value.isoformat().replace("+00:00", "Z")
        return value

    return json.dumps(plain(message), ensure_ascii=False, separators=(",", ":")).encode()


def run(rows: int, rounds: int) -> list[Figure]:
    figures = measure(
        "HistoricalMarriagesImported (per record)",
        HistoricalMarriagesImported,
        archive_messages,
        rows=rows,
        rounds=rounds,
    )
    figures += measure(
        "PaymentIssued v2 (per payment)", PaymentIssuedV2, payment_messages, rows=rows, rounds=rounds
    )
    return figures


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m minzheng_bench.contract_cost", description=__doc__)
    parser.add_argument("--rows", type=int, default=5_000, help="rows per round (default 5,000)")
    parser.add_argument("--rounds", type=int, default=7, help="rounds (default 7)")
    parser.add_argument("--json", type=Path, help="also write the figures to this file")
    args = parser.parse_args(argv)
    figures = run(args.rows, args.rounds)
    print(f"contract cost, µs per row ({args.rows:,} rows, {args.rounds} rounds; min = least disturbed)")
    print(f"{'contract':<42} {'step':<14} {'min µs':>8} {'median µs':>10}")
    for f in figures:
        print(f"{f.contract:<42} {f.step:<14} {f.min_us:>8.2f} {f.median_us:>10.2f}")
    if args.json is not None:
        args.json.write_text(json.dumps([f.__dict__ for f in figures], indent=2) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
