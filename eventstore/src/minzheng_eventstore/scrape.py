"""What ``/metrics`` exposes: the process registry's counters for this service, and the gauges read
at scrape time from the store and JetStream.

Every family has a ``service`` label. The scrape-time gauges (``SCRAPED``):

- relay: ``mz_relay_lag_events`` (committed events past the relay's checkpoint, i.e. not yet
  published; exact up to ``LAG_EXACT``, estimated beyond), ``mz_relay_parked_events``, and the
  durable ``mz_relay_published_total`` (the relay's checkpoint row, whichever process runs the relay);
- consumers, per durable: ``mz_consumer_pending_messages`` (JetStream ``num_pending``),
  ``mz_consumer_ack_pending_messages``, ``mz_consumer_redelivered_messages``,
  ``mz_consumer_present`` (0 when JetStream does not know it), ``mz_consumer_dead_letters_open``
  (the kit's ``dead_letters`` table, not yet re-driven), ``mz_consumer_duplicates`` (dropped by
  the inbox since start); ``mz_projection_applied_events`` per projection;
- ``mz_deadlines{kind,township,state}``: the kit's ``deadlines`` table counted by kind, township
  (the jurisdiction cut to its 9-digit township code; a county code stays as it is) and state,
  mutually exclusive: ``pending`` (on time, warning point not reached), ``at_risk`` (pending,
  ``now ≥ warn_at``), ``overdue`` (past ``due_at`` while pending, or raised as overdue), ``met``,
  ``cancelled``; ``now`` is the host's injected clock;
- payments (``mz_payments``, ``mz_payments_amount_fen`` by programme and period,
  ``mz_payment_last_run_timestamp_seconds`` and ``mz_payment_run_incomplete`` per programme),
  tallied incrementally from the event log (``PaymentTally``);
- ``mz_scrape_source_failed{source}``: 1 when a source could not be read at this scrape (its
  gauges are then absent or -1); the scrape itself still answers.

``EXPOSED_METRICS`` is every sample name ``/metrics`` can show: the alert rules and the dashboard
are checked against it.

Payments: the kit records no payment run of its own, so runs are read from the events a
``MonthlyRun`` writes: a payment is the first event of a ``payment-…`` stream (``payments``), its
programme ``data.programme`` or else its event type, its period ``data.period`` (or ``key``,
``policy_year``), its amount ``data.amount_fen`` (or ``premium_fen``) and its run ``data.run_id``;
a run is complete when an event of a type ending in ``Completed`` names its ``run_id`` (the
services' ``PaymentRunCompleted``, ``PensionRunCompleted``, ``AllowanceRunCompleted``,
``InsuranceEnrolmentCompleted``); a programme none of whose runs was ever seen to complete is
not judged (``PaymentTally.incomplete``). The event log is read past a checkpoint in the global order,
at most ``PAYMENT_PAGE`` rows per scrape, so a scrape stays cheap; after a restart the tally
catches up over a few scrapes (``mz_payments_tally_caught_up`` is 0 meanwhile).
"""

from __future__ import annotations

import json
import weakref
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import nats.js.errors
import structlog
from prometheus_client import CollectorRegistry
from prometheus_client.metrics_core import Metric
from prometheus_client.registry import Collector

from . import metrics

if TYPE_CHECKING:
    from .host import ServiceHost

log = structlog.get_logger("minzheng.metrics")

LAG_EXACT = 10_000
"""The relay lag is counted exactly up to this many events; beyond, it is estimated from the
positions (an upper bound: a rolled-back transaction leaves a gap), so that a scrape of a relay far
behind stays cheap."""
PAYMENT_PAGE = 20_000
"""Rows of the event log the payment tally reads per scrape at most (about 0.2 s while it catches up
after a start; a few ms once it has)."""
JETSTREAM_TIMEOUT = 2.0


@dataclass(frozen=True, slots=True)
class Family:
    """One scrape-time family: its type, help and labels (besides ``service``)."""

    kind: str
    help: str
    labels: tuple[str, ...] = ()


SCRAPED: dict[str, Family] = {
    "mz_relay_lag_events": Family("gauge", "committed events the outbox relay has not yet published"),
    "mz_relay_parked_events": Family("gauge", "events the relay could not publish, parked until re-driven"),
    "mz_relay_published": Family(
        "counter", "events the outbox relay published (its durable checkpoint)", ("relay",)
    ),
    "mz_consumer_present": Family("gauge", "1 if the durable consumer exists in JetStream", ("consumer",)),
    "mz_consumer_pending_messages": Family(
        "gauge", "messages waiting for the consumer in JetStream (num_pending; -1: unknown)", ("consumer",)
    ),
    "mz_consumer_ack_pending_messages": Family(
        "gauge", "messages delivered to the consumer and not yet acknowledged", ("consumer",)
    ),
    "mz_consumer_redelivered_messages": Family(
        "gauge", "messages JetStream is redelivering to the consumer (num_redelivered)", ("consumer",)
    ),
    "mz_consumer_dead_letters_open": Family(
        "gauge", "dead letters of the consumer not yet re-driven (the dead_letters table)", ("consumer",)
    ),
    "mz_consumer_duplicates": Family(
        "gauge", "redeliveries the consumer's inbox dropped since the process started", ("consumer",)
    ),
    "mz_projection_applied_events": Family(
        "gauge", "events folded into a read model since the process started", ("projection",)
    ),
    "mz_deadlines": Family(
        "gauge",
        "deadlines by kind, township and state (pending, at_risk, overdue, met, cancelled)",
        ("kind", "township", "state"),
    ),
    "mz_payments": Family("gauge", "payments written, by programme and period", ("programme", "period")),
    "mz_payments_amount_fen": Family(
        "gauge", "total of the payments written (fen), by programme and period", ("programme", "period")
    ),
    "mz_payment_last_run_timestamp_seconds": Family(
        "gauge",
        "when the programme's last completed payment run completed (unix time), with its period",
        ("programme", "period"),
    ),
    "mz_payment_run_incomplete": Family(
        "gauge", "1 if the programme's latest payment run started and has not completed", ("programme",)
    ),
    "mz_payments_tally_caught_up": Family(
        "gauge", "1 once the payment tally has read the whole event log (0 while it catches up)"
    ),
    "mz_scrape_source_failed": Family(
        "gauge", "1 if a source of the scrape could not be read this time", ("source",)
    ),
}

_SUFFIXES = {
    "counter": ("_total", "_created"),
    "gauge": ("",),
    "histogram": ("_bucket", "_count", "_sum", "_created"),
    "summary": ("", "_count", "_sum", "_created"),
}


def _sample_names(name: str, kind: str) -> set[str]:
    return {name + suffix for suffix in _SUFFIXES.get(kind, ("",))}


def _exposed() -> frozenset[str]:
    names: set[str] = set()
    for family in metrics.REGISTRY.collect():
        names |= _sample_names(family.name, family.type)
    for name, scraped in SCRAPED.items():
        names |= _sample_names(name, scraped.kind)
    return frozenset(names)


EXPOSED_METRICS = _exposed()
"""Every sample name ``/metrics`` may expose (``mz_commands_total``, ``mz_append_seconds_bucket``,
``mz_deadlines``…): what alert rules and dashboards may name."""


class _Families:
    """The scrape-time families being filled, each sample labelled with the service."""

    def __init__(self, service: str) -> None:
        self.service = service
        self._metrics: dict[str, Metric] = {}
        for name, scraped in SCRAPED.items():
            self._metrics[name] = Metric(name, scraped.help, scraped.kind)

    def set(self, name: str, value: float, **labels: str) -> None:
        scraped = SCRAPED[name]
        assert set(labels) == set(scraped.labels), (name, labels)
        sample = name + ("_total" if scraped.kind == "counter" else "")
        self._metrics[name].add_sample(sample, {"service": self.service, **labels}, float(value))

    def __iter__(self) -> Iterator[Metric]:
        return iter(self._metrics.values())


class _Snapshot(Collector):
    def __init__(self, families: Iterable[Metric]) -> None:
        self._families = list(families)

    def collect(self) -> Iterable[Metric]:
        return self._families


class _ServiceOnly(Collector):
    """The process registry's families with only this service's samples (several services may
    share a process: tests, ``make run`` never does)."""

    def __init__(self, registry: CollectorRegistry, service: str) -> None:
        self._registry = registry
        self._service = service

    def collect(self) -> Iterable[Metric]:
        for family in self._registry.collect():
            mine = Metric(family.name, family.documentation, family.type, family.unit)
            mine.samples = [s for s in family.samples if s.labels.get("service") == self._service]
            yield mine


async def collect(host: ServiceHost) -> CollectorRegistry:
    """The registry ``/metrics`` renders for ``host``: its counters and the gauges read now."""
    families = _Families(host.service)
    failed: dict[str, bool] = {}
    for source, read in (
        ("relay", _relay),
        ("consumers", _consumers),
        ("dead_letters", _dead_letters),
        ("deadlines", _deadlines),
        ("payments", _payments),
    ):
        try:
            await read(host, families)
            failed[source] = False
        except Exception as exc:  # one source down (NATS, a table) must not take the scrape down
            log.warning("metrics.source_failed", source=source, error=type(exc).__name__)
            failed[source] = True
    for source, down in failed.items():
        families.set("mz_scrape_source_failed", 1 if down else 0, source=source)
    for name, projection in host.projections.items():
        families.set("mz_projection_applied_events", projection.applied, projection=name)
    registry = CollectorRegistry(auto_describe=False)
    registry.register(_ServiceOnly(metrics.REGISTRY, host.service))
    registry.register(_Snapshot(families))
    return registry


# ---------------------------------------------------------------------------------------- relay


async def _relay(host: ServiceHost, families: _Families) -> None:
    if host.publication is None:
        return
    relay = f"{host.service}-outbox"
    async with host.store.pool.acquire() as conn:
        row = await conn.fetchrow(
            "SELECT tx::text AS tx, position, published FROM relay_checkpoints WHERE relay = $1", relay
        )
        tx, position, published = (
            ("0", 0, 0) if row is None else (row["tx"], row["position"], row["published"])
        )
        lag = await conn.fetchval(
            "SELECT count(*) FROM (SELECT 1 FROM events "
            "WHERE (tx, position) > ($1::text::xid8, $2::bigint) LIMIT $3) AS beyond",
            tx,
            position,
            LAG_EXACT,
        )
        if lag >= LAG_EXACT:
            head = await conn.fetchval("SELECT max(position) FROM events")
            lag = max(lag, int(head or 0) - position)
        parked = await conn.fetchval("SELECT count(*) FROM outbox_parked WHERE redriven_at IS NULL")
    families.set("mz_relay_lag_events", lag)
    families.set("mz_relay_parked_events", parked)
    families.set("mz_relay_published", published, relay=relay)


# ------------------------------------------------------------------------------------ consumers


async def _consumers(host: ServiceHost, families: _Families) -> None:
    if not host.consumers:
        return
    for name, consumer in host.consumers.items():
        families.set("mz_consumer_duplicates", consumer.duplicates, consumer=name)
    if not host.nats.is_connected:
        for name in host.consumers:
            families.set("mz_consumer_present", 0, consumer=name)
            families.set("mz_consumer_pending_messages", -1, consumer=name)
        raise ConnectionError("NATS is not connected")
    js = host.nats.jetstream(timeout=JETSTREAM_TIMEOUT)
    unreachable = False
    for name, consumer in host.consumers.items():
        try:
            info = await js.consumer_info(consumer.stream, name)
        except nats.js.errors.NotFoundError:
            families.set("mz_consumer_present", 0, consumer=name)
            continue
        except Exception:
            families.set("mz_consumer_present", 0, consumer=name)
            families.set("mz_consumer_pending_messages", -1, consumer=name)
            unreachable = True
            continue
        families.set("mz_consumer_present", 1, consumer=name)
        families.set("mz_consumer_pending_messages", info.num_pending or 0, consumer=name)
        families.set("mz_consumer_ack_pending_messages", info.num_ack_pending or 0, consumer=name)
        families.set("mz_consumer_redelivered_messages", info.num_redelivered or 0, consumer=name)
    if unreachable:
        raise ConnectionError("JetStream did not answer for every consumer")


async def _dead_letters(host: ServiceHost, families: _Families) -> None:
    async with host.store.pool.acquire() as conn:
        rows = await conn.fetch(
            "SELECT consumer, count(*) AS open FROM dead_letters WHERE redriven_at IS NULL GROUP BY consumer"
        )
    counts = {name: 0 for name in host.consumers} | {r["consumer"]: r["open"] for r in rows}
    for name, count in sorted(counts.items()):
        families.set("mz_consumer_dead_letters_open", count, consumer=name)


# ------------------------------------------------------------------------------------ deadlines

_DEADLINES = """
SELECT kind,
       CASE WHEN length(jurisdiction) >= 9 THEN left(jurisdiction, 9) ELSE coalesce(jurisdiction, '') END
           AS township,
       CASE WHEN state = 'pending' AND due_at <= $1 THEN 'overdue'
            WHEN state = 'pending' AND warn_at IS NOT NULL AND warn_at <= $1 THEN 'at_risk'
            ELSE state END AS clock,
       count(*) AS n
FROM deadlines GROUP BY 1, 2, 3 ORDER BY 1, 2, 3
"""


def township_of(jurisdiction: str | None) -> str:
    """The township (9-digit code) of a village (12 digits) or township; a county code (6 digits)
    stays as it is, and no jurisdiction is ``""`` (the same rule as the scrape's SQL)."""
    if not jurisdiction:
        return ""
    return jurisdiction[:9] if len(jurisdiction) >= 9 else jurisdiction


async def _deadlines(host: ServiceHost, families: _Families) -> None:
    async with host.store.pool.acquire() as conn:
        if await conn.fetchval("SELECT to_regclass('deadlines') IS NULL"):
            return  # a service without deadlines
        rows = await conn.fetch(_DEADLINES, host.clock.now())
    for row in rows:
        families.set("mz_deadlines", row["n"], kind=row["kind"], township=row["township"], state=row["clock"])


# ------------------------------------------------------------------------------------- payments

_PAYMENTS = """
WITH page AS (
    SELECT tx, position, stream_id, version, event_type, data, recorded_at FROM events
    WHERE (tx, position) > ($1::text::xid8, $2::bigint) AND tx < pg_snapshot_xmin(pg_current_snapshot())
    ORDER BY tx, position LIMIT $3
), last AS (
    SELECT tx::text AS tx, position, (SELECT count(*) FROM page) AS rows
    FROM page ORDER BY tx DESC, position DESC LIMIT 1
), paid AS (
    SELECT coalesce(data->>'programme', event_type) AS programme,
           coalesce(data->>'period', data->>'key', data->>'policy_year', '') AS period,
           data->>'run_id' AS run_id, count(*) AS n,
           sum(CASE WHEN jsonb_typeof(data->'amount_fen') = 'number' THEN (data->>'amount_fen')::numeric
                    WHEN jsonb_typeof(data->'premium_fen') = 'number' THEN (data->>'premium_fen')::numeric
                    ELSE 0 END)::text AS fen,
           max(position) AS at
    FROM page WHERE stream_id LIKE 'payment-%' AND version = 1 GROUP BY 1, 2, 3
), done AS (
    SELECT data->>'run_id' AS run_id, coalesce(data->>'period', data->>'policy_year', '') AS period,
           extract(epoch FROM recorded_at)::float8 AS at, position
    FROM page
    WHERE event_type LIKE '%Completed' AND jsonb_typeof(data->'run_id') = 'string'
      AND stream_id NOT LIKE 'payment-%'
)
SELECT (SELECT row_to_json(last) FROM last)::text AS last,
       (SELECT coalesce(json_agg(paid), '[]') FROM paid)::text AS paid,
       (SELECT coalesce(json_agg(done), '[]') FROM done)::text AS done
"""


@dataclass
class PaymentTally:
    """What the payment tally has read so far (per host, in memory)."""

    tx: str = "0"
    position: int = 0
    caught_up: bool = False
    totals: dict[tuple[str, str], list[int]] = field(default_factory=dict)
    """(programme, period) → [payments, total fen]."""
    runs: dict[str, dict[str, tuple[str, int]]] = field(default_factory=dict)
    """programme → run id → (period, last position seen)."""
    completed: dict[str, tuple[str, float, int]] = field(default_factory=dict)
    """run id → (period, completed at (unix time), position of the completion)."""

    def read(
        self, last: dict[str, Any] | None, paid: list[dict[str, Any]], done: list[dict[str, Any]]
    ) -> None:
        for row in paid:
            key = (row["programme"], row["period"])
            total = self.totals.setdefault(key, [0, 0])
            total[0] += int(row["n"])
            total[1] += int(float(row["fen"] or 0))
            if row["run_id"]:
                runs = self.runs.setdefault(row["programme"], {})
                seen = runs.get(row["run_id"])
                runs[row["run_id"]] = (row["period"], max(int(row["at"]), seen[1] if seen else 0))
        for row in done:
            self.completed[row["run_id"]] = (row["period"], float(row["at"]), int(row["position"]))
        if last is None:
            self.caught_up = True
            return
        self.tx, self.position = str(last["tx"]), int(last["position"])
        self.caught_up = int(last["rows"]) < PAYMENT_PAGE

    def _completions(self, programme: str) -> list[tuple[str, float, int]]:
        """The completions of the programme's runs, and of later runs of a period it was paid for
        (a repeated run finds everything paid: it writes no payment, only its completion)."""
        runs = self.runs.get(programme, {})
        periods = {period: at for period, at in runs.values()}
        return [
            done
            for run, done in self.completed.items()
            if run in runs or (done[0] in periods and done[2] > periods[done[0]])
        ]

    def incomplete(self, programme: str) -> bool:
        """The programme's latest run (by its last payment) has no completion, and no later run of
        the same period completed. Only a programme whose runs are seen to complete is judged: a
        service that records no completion for some run (veterans' conscript allowances) would
        otherwise show it incomplete for ever."""
        runs = self.runs.get(programme, {})
        if not runs or not self._completions(programme):
            return False
        latest = max(runs, key=lambda run: runs[run][1])
        period, at = runs[latest]
        if latest in self.completed:
            return False
        return not any(done[0] == period and done[2] > at for done in self.completed.values())

    def last_completed(self, programme: str) -> tuple[str, float] | None:
        """(period, completed at) of the programme's last completed run."""
        done = self._completions(programme)
        if not done:
            return None
        period, at, _ = max(done, key=lambda d: d[2])
        return period, at


_TALLIES: weakref.WeakKeyDictionary[ServiceHost, PaymentTally] = weakref.WeakKeyDictionary()


def payment_tally(host: ServiceHost) -> PaymentTally:
    """The host's payment tally (created empty on first use)."""
    tally = _TALLIES.get(host)
    if tally is None:
        tally = _TALLIES[host] = PaymentTally()
    return tally


async def _payments(host: ServiceHost, families: _Families) -> None:
    tally = payment_tally(host)
    async with host.store.pool.acquire() as conn:
        row = await conn.fetchrow(_PAYMENTS, tally.tx, tally.position, PAYMENT_PAGE)
    assert row is not None
    tally.read(
        None if row["last"] is None else json.loads(row["last"]),
        json.loads(row["paid"]),
        json.loads(row["done"]),
    )
    families.set("mz_payments_tally_caught_up", 1 if tally.caught_up else 0)
    for (programme, period), (count, fen) in sorted(tally.totals.items()):
        families.set("mz_payments", count, programme=programme, period=period)
        families.set("mz_payments_amount_fen", fen, programme=programme, period=period)
    for programme in sorted(tally.runs):
        families.set(
            "mz_payment_run_incomplete", 1 if tally.incomplete(programme) else 0, programme=programme
        )
        last = tally.last_completed(programme)
        if last is not None:
            families.set(
                "mz_payment_last_run_timestamp_seconds", last[1], programme=programme, period=last[0]
            )


__all__ = ["EXPOSED_METRICS", "SCRAPED", "PaymentTally", "collect", "payment_tally", "township_of"]
