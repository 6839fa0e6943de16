"""The in-process metrics of a service (prometheus-client), the same names in every service.

Counters and histograms that the hot paths update live here, in one process-wide registry; the
gauges that describe state (relay lag, consumer lag, deadline clocks, payments) are read at scrape
time by ``http._collect`` from the store and JetStream. ``/metrics`` exposes both.

Every metric has a ``service`` label: in tests, several services share one process.
"""

from __future__ import annotations

from prometheus_client import CollectorRegistry, Counter, Histogram

REGISTRY = CollectorRegistry(auto_describe=True)

COMMANDS = Counter(
    "mz_commands",
    "commands handled by the HTTP API, by command (method and route template) and outcome "
    "(ok, refused, error)",
    ["service", "command", "outcome"],
    registry=REGISTRY,
)
APPEND_SECONDS = Histogram(
    "mz_append_seconds",
    "time to append one unit of work's events (the append and its commit)",
    ["service"],
    buckets=(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5),
    registry=REGISTRY,
)
RELAY_PUBLISHED = Counter(
    "mz_relay_published_events",
    "events the outbox relay published and JetStream acknowledged",
    ["service"],
    registry=REGISTRY,
)
CONSUMER_APPLIED = Counter(
    "mz_consumer_applied_messages",
    "messages a durable consumer applied",
    ["service", "consumer"],
    registry=REGISTRY,
)
CONSUMER_REDELIVERIES = Counter(
    "mz_consumer_redeliveries",
    "messages JetStream delivered to a durable consumer more than once",
    ["service", "consumer"],
    registry=REGISTRY,
)
CONSUMER_DEAD_LETTERS = Counter(
    "mz_consumer_dead_letters",
    "messages a durable consumer dead-lettered",
    ["service", "consumer"],
    registry=REGISTRY,
)
TOKEN_FAILURES = Counter(
    "mz_token_failures",
    "requests refused because their bearer token was missing or invalid, by reason",
    ["service", "reason"],
    registry=REGISTRY,
)
PERMISSION_REFUSALS = Counter(
    "mz_permission_refusals",
    "requests refused by the access policy (403), by refusal code",
    ["service", "code"],
    registry=REGISTRY,
)

__all__ = [
    "APPEND_SECONDS",
    "COMMANDS",
    "CONSUMER_APPLIED",
    "CONSUMER_DEAD_LETTERS",
    "CONSUMER_REDELIVERIES",
    "PERMISSION_REFUSALS",
    "REGISTRY",
    "RELAY_PUBLISHED",
    "TOKEN_FAILURES",
]
