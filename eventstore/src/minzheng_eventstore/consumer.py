"""Durable pull consumers with an inbox: each message has its effect exactly once.

JetStream delivers at least once, and its dedup window is minutes. So a consumer writes the
message's id into ``inbox`` *in the same transaction* as the message's effects (new events via
``store.append(conn=...)`` or read-model rows). A redelivered message finds its id there and
has no second effect; it is simply acknowledged.

Fetching (``_pull_promptly``, in place of faststream's batch loop, which waits for a full batch or
its whole window): a long poll for the first message, then whatever else is ready at once (waiting
at most ``fetch_timeout`` for more). A message is handled within milliseconds when traffic is
light, batches are as large as the backlog when it is heavy, and an idle consumer asks the server
once per ``idle_wait``.

Flow per fetched batch (faststream ``PullSub(batch=True)``, handled sequentially, so order is kept):

1. fast path: the whole batch in one transaction, then ack each message;
2. if that fails, each message in its own transaction, so one bad message cannot hold back
   the others: a failure is nak'ed with a growing delay; after ``max_deliver`` deliveries (or at
   once for a ``PermanentError``) the message is recorded in ``dead_letters``, published on
   ``deadletter.<service>.<consumer>`` and terminated, and the consumer goes on.

Dead letters can be re-driven through the handler once the cause is fixed (``redrive``).
The ack policy is set deliberately to MANUAL: faststream's NATS default terminates a message
on any exception (DESIGN §9.1).
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import json
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from typing import Annotated, Any
from uuid import UUID

import nats.errors
import nats.js.errors
import structlog
from faststream import AckPolicy, Context, StreamMessage
from faststream.nats import ConsumerConfig, JStream, NatsBroker, PullSub
from faststream.nats.message import NatsBatchMessage
from nats.aio.msg import Msg
from nats.js import JetStreamContext
from nats.js.api import DeliverPolicy
from opentelemetry import trace
from opentelemetry.trace import Link, SpanKind

from . import jsoncodec, natsfix
from .metrics import CONSUMER_APPLIED, CONSUMER_DEAD_LETTERS, CONSUMER_REDELIVERIES
from .observability import context_of, parse_traceparent
from .store import Connection, EventStore

natsfix.install()  # see natsfix: without it, a fetched batch can be dropped until ack_wait

log = structlog.get_logger("minzheng.consumer")
tracer = trace.get_tracer("minzheng.consumer")

DEAD_LETTER_PREFIX = "deadletter"


class PermanentError(Exception):
    """The message can never be handled (malformed, unknown contract): dead-letter it now."""


@dataclass(frozen=True, slots=True)
class Incoming:
    """One delivered message, as a handler sees it."""

    subject: str
    data: bytes
    headers: dict[str, str]
    event_id: UUID
    stream_seq: int | None = None
    deliveries: int = 1
    extra: dict[str, Any] = field(default_factory=dict)

    def json(self) -> Any:
        return jsoncodec.loads(self.data)


Handler = Callable[[Incoming, Connection], Awaitable[None]]
"""Applies one message's effects using ``conn`` (already inside the inbox transaction)."""

BatchHandler = Callable[[list[Incoming], Connection], Awaitable[None]]
"""Applies the effects of several new messages at once (e.g. one multi-row insert)."""


def _event_id_of(subject: str, data: bytes, headers: dict[str, str]) -> UUID:
    raw = headers.get("Nats-Msg-Id")
    if raw is None:
        try:
            raw = json.loads(data).get("event_id")
        except (ValueError, AttributeError):
            raw = None
    try:
        return UUID(str(raw))
    except ValueError as exc:
        raise PermanentError(f"message on {subject} has no event id (Nats-Msg-Id or data.event_id)") from exc


async def _pull_promptly(subscriber: Any, batch_size: int, idle_wait: float, gather_wait: float) -> None:
    """The fetch loop of a durable consumer: a long poll (``idle_wait``) that returns as soon as one
    message is there, then a fetch of what else is ready (nats-py asks the server without waiting
    first, and lingers ``gather_wait`` only when nothing more is there), then the batch to
    faststream's ``consume`` (our ``on_batch``). Messages that arrive after a fetch gave up are
    already in the subscription's queue: the next fetch takes them first."""
    while subscriber.running:
        pull = subscriber.subscription
        try:
            messages: list[Msg] = await pull.fetch(batch=1, timeout=idle_wait)
        except TimeoutError:
            continue
        except (nats.errors.ConnectionClosedError, nats.js.errors.ServiceUnavailableError):
            await asyncio.sleep(0.5)  # reconnecting: unacknowledged messages come again
            continue
        except (nats.errors.Error, nats.js.errors.Error) as exc:
            # e.g. the durable consumer was deleted (409 "Consumer Deleted"): keep asking; the host's
            # consumer watch recreates it and reports it missing meanwhile (/ready, metric)
            log.warning(
                "consumer.fetch_failed",
                subject=pull._subject if hasattr(pull, "_subject") else None,
                error=type(exc).__name__,
            )
            await asyncio.sleep(1.0)
            continue
        if batch_size > 1:
            with contextlib.suppress(TimeoutError):
                messages += await pull.fetch(batch=batch_size - 1, timeout=gather_wait)
        if subscriber.running:
            await subscriber.consume(messages)


async def _raw_messages(message: StreamMessage[Any]) -> None:
    """faststream decodes every body of a batch as JSON before calling the handler; the handler
    reads ``raw_message`` and decodes what it needs itself, so that work is skipped."""
    return None


def _incoming(msg: Msg) -> Incoming:
    headers = dict(msg.headers or {})
    seq, deliveries = None, 1
    try:
        meta = msg.metadata
        seq, deliveries = meta.sequence.stream, meta.num_delivered
    except Exception:
        pass  # not a JetStream message: core NATS in tests of the handler alone
    return Incoming(
        msg.subject, msg.data, headers, _event_id_of(msg.subject, msg.data, headers), seq, deliveries
    )


class DurableConsumer:
    """A durable pull consumer named ``<service>-<purpose>-v<version>`` with inbox and dead letter."""

    def __init__(
        self,
        store: EventStore,
        *,
        service: str,
        purpose: str,
        version: int,
        stream: str,
        subject: str,
        handler: Handler,
        batch_handler: BatchHandler | None = None,
        max_deliver: int = 5,
        backoff: Sequence[float] = (1.0, 5.0, 30.0, 120.0),
        batch_size: int = 100,
        fetch_timeout: float = 0.002,
        idle_wait: float = 1.0,
        ack_wait: float = 10.0,
        deliver_policy: DeliverPolicy = DeliverPolicy.ALL,
    ) -> None:
        if max_deliver < 1:
            raise ValueError("max_deliver must be at least 1")
        self.store = store
        self.service = service
        self.name = f"{service}-{purpose}-v{version}"
        self.stream = stream
        self.subject = subject
        self.handler = handler
        self.batch_handler = batch_handler
        self.max_deliver = max_deliver
        self.backoff = tuple(backoff) or (1.0,)
        self.batch_size = batch_size
        self.fetch_timeout = fetch_timeout
        self.idle_wait = idle_wait
        self.ack_wait = ack_wait
        self.deliver_policy = deliver_policy
        self.applied = 0
        self.duplicates = 0
        self.dead_lettered = 0
        self._applied_metric = CONSUMER_APPLIED.labels(service, self.name)
        self._redeliveries_metric = CONSUMER_REDELIVERIES.labels(service, self.name)
        self._dead_letters_metric = CONSUMER_DEAD_LETTERS.labels(service, self.name)

    # ------------------------------------------------------------------ wiring

    def register(self, broker: NatsBroker) -> None:
        """Subscribe on ``broker``. The stream is provisioned by ``infra/``; never declared here."""
        subscriber = broker.subscriber(
            self.subject,
            stream=JStream(self.stream, declare=False),
            durable=self.name,
            pull_sub=PullSub(self.batch_size, timeout=self.fetch_timeout, batch=True),
            ack_policy=AckPolicy.MANUAL,
            decoder=_raw_messages,
            # the service's NATS user may subscribe to its own replies only (_INBOX_<service>.>)
            inbox_prefix=f"_INBOX_{self.service}.".encode(),
            # No server-side limit: JetStream counts ack timeouts (a slow batch, a killed process)
            # as deliveries and would silently drop a message that never failed. Our own
            # ``max_deliver`` counts only handler failures and ends in the dead letter.
            config=self.consumer_config(),
        )

        # faststream starts ``_consume_pull`` as the subscriber's task (and restarts it if it fails)
        subscriber._consume_pull = functools.partial(  # type: ignore[method-assign]
            _pull_promptly, subscriber, self.batch_size, self.idle_wait, self.fetch_timeout
        )

        async def on_batch(
            message: Annotated[NatsBatchMessage, Context("message")],
            js: Annotated[JetStreamContext, Context("broker.config.connection_state.stream")],
        ) -> None:
            await self.handle_batch(list(message.raw_message), js)

        subscriber(on_batch)

    # ------------------------------------------------------------------ handling

    async def handle_batch(self, msgs: list[Msg], js: JetStreamContext) -> None:
        redelivered = sum(1 for m in msgs if _deliveries(m) > 1)
        if redelivered:
            self._redeliveries_metric.inc(redelivered)
        try:
            batch = [_incoming(m) for m in msgs]
            async with self.store.pool.acquire() as conn, conn.transaction():
                await self._apply_batch(conn, batch)
        except Exception as exc:
            log.info("consumer.batch_isolating", consumer=self.name, size=len(msgs), error=str(exc))
            for msg in msgs:
                await self._handle_one(msg, js)
            return
        for msg in msgs:
            await msg.ack()

    async def _apply_batch(self, conn: Connection, batch: list[Incoming]) -> None:
        """The fast path: one inbox insert for the whole batch, then the effects of the new ones."""
        fresh_ids = {
            row["event_id"]
            for row in await conn.fetch(
                "INSERT INTO inbox (consumer, event_id, subject, stream_seq) "
                "SELECT $1, u.event_id, u.subject, u.seq FROM unnest($2::uuid[], $3::text[], $4::bigint[]) "
                "AS u(event_id, subject, seq) ON CONFLICT DO NOTHING RETURNING event_id",
                self.name,
                [i.event_id for i in batch],
                [i.subject for i in batch],
                [i.stream_seq for i in batch],
            )
        }
        fresh: list[Incoming] = []
        for item in batch:
            if item.event_id in fresh_ids:
                fresh_ids.discard(item.event_id)  # a message twice in one batch counts once
                fresh.append(item)
        self.duplicates += len(batch) - len(fresh)
        if self.batch_handler is not None and fresh:
            with tracer.start_as_current_span(
                f"{self.subject} process",
                context=context_of(None),
                kind=SpanKind.CONSUMER,
                attributes={**self._span_attributes(), "messaging.batch.message_count": len(fresh)},
                links=_links(fresh),
            ):
                await self.batch_handler(fresh, conn)
            self._count_applied(len(fresh))
            return
        for item in fresh:
            await self._effects(conn, item)

    def _count_applied(self, n: int) -> None:
        self.applied += n
        self._applied_metric.inc(n)

    def _span_attributes(self) -> dict[str, str | int]:
        return {
            "messaging.system": "nats",
            "messaging.operation.type": "process",
            "messaging.consumer.group.name": self.name,
            "minzheng.consumer": self.name,
            "minzheng.service": self.service,
            "minzheng.stream": self.stream,
        }

    def _process_span_attributes(self, item: Incoming) -> dict[str, str | int]:
        attributes = self._span_attributes()
        attributes["messaging.destination.name"] = item.subject
        attributes["messaging.message.id"] = str(item.event_id)
        attributes["minzheng.delivery_count"] = item.deliveries
        if item.stream_seq is not None:
            attributes["minzheng.stream_sequence"] = item.stream_seq
        event_type = item.headers.get("Mz-Event-Type")
        if event_type:
            attributes["minzheng.event_type"] = event_type
        return attributes

    async def _apply(self, conn: Connection, item: Incoming) -> bool:
        inserted = await conn.fetchval(
            "INSERT INTO inbox (consumer, event_id, subject, stream_seq) VALUES ($1, $2, $3, $4) "
            "ON CONFLICT DO NOTHING RETURNING true",
            self.name,
            item.event_id,
            item.subject,
            item.stream_seq,
        )
        if not inserted:
            self.duplicates += 1
            return False
        if self.batch_handler is not None:
            with tracer.start_as_current_span(
                f"{item.subject} process",
                context=context_of(item.headers.get("traceparent")),
                kind=SpanKind.CONSUMER,
                attributes=self._process_span_attributes(item),
            ):
                await self.batch_handler([item], conn)
            self._count_applied(1)
            return True
        await self._effects(conn, item)
        return True

    async def _effects(self, conn: Connection, item: Incoming) -> None:
        """The handler's effects inside the CONSUMER span ``<subject> process``, a child of the
        message's ``traceparent`` (its creation context: the producer's append): what the handler
        appends is the span's child, and the events it stores carry the trace on to the next hop."""
        correlation = item.headers.get("Mz-Correlation-Id")
        with tracer.start_as_current_span(
            f"{item.subject} process",
            context=context_of(item.headers.get("traceparent")),
            kind=SpanKind.CONSUMER,
            attributes=self._process_span_attributes(item),
        ):
            if correlation:
                structlog.contextvars.bind_contextvars(correlation_id=correlation)
            try:
                await self.handler(item, conn)
            finally:
                structlog.contextvars.unbind_contextvars("correlation_id")
        self._count_applied(1)

    async def _handle_one(self, msg: Msg, js: JetStreamContext) -> None:
        item: Incoming | None = None
        with contextlib.suppress(Exception):
            await msg.in_progress()  # the slow path: keep the server from redelivering meanwhile
        try:
            item = _incoming(msg)
            async with self.store.pool.acquire() as conn, conn.transaction():
                await self._apply(conn, item)
        except PermanentError as exc:
            await self._dead_letter(msg, js, item, exc)
            return
        except Exception as exc:
            deliveries = item.deliveries if item else _deliveries(msg)
            if deliveries >= self.max_deliver:
                await self._dead_letter(msg, js, item, exc)
            else:
                delay = self.backoff[min(deliveries, len(self.backoff)) - 1]
                log.warning(
                    "consumer.retry",
                    consumer=self.name,
                    subject=msg.subject,
                    deliveries=deliveries,
                    delay=delay,
                    error=repr(exc),
                )
                await msg.nak(delay=delay)
            return
        await msg.ack()

    async def _dead_letter(
        self, msg: Msg, js: JetStreamContext, item: Incoming | None, exc: Exception
    ) -> None:
        headers = dict(msg.headers or {})
        seq = item.stream_seq if item else _stream_seq(msg)
        deliveries = item.deliveries if item else _deliveries(msg)
        error = f"{type(exc).__name__}: {exc}"
        async with self.store.pool.acquire() as conn:
            await conn.execute(
                """
                INSERT INTO dead_letters
                    (consumer, event_id, subject, stream_seq, deliveries, error, payload, headers)
                VALUES ($1, $2, $3, $4, $5, $6, $7, $8::jsonb)
                ON CONFLICT (consumer, stream_seq) DO UPDATE
                  SET error = excluded.error, deliveries = excluded.deliveries, failed_at = now()
                """,
                self.name,
                item.event_id if item else None,
                msg.subject,
                seq,
                deliveries,
                error[:4000],
                msg.data,
                json.dumps(headers),
            )
        dl_headers = {
            **{k: v for k, v in headers.items() if k != "Nats-Msg-Id"},
            "Nats-Msg-Id": f"dl:{self.name}:{seq}",
            "Mz-Dead-Letter-Consumer": self.name,
            "Mz-Original-Subject": msg.subject,
            "Mz-Deliveries": str(deliveries),
            "Mz-Error": error[:1000],
        }
        await js.publish(self.dead_letter_subject, msg.data, headers=dl_headers)
        await msg.term()
        self.dead_lettered += 1
        self._dead_letters_metric.inc()
        log.error(
            "consumer.dead_lettered",
            consumer=self.name,
            subject=msg.subject,
            deliveries=deliveries,
            error=error,
        )

    # ------------------------------------------------------------------ dead letters

    def consumer_config(self) -> ConsumerConfig:
        """The durable consumer as JetStream holds it (and as the host recreates it if it vanishes)."""
        return ConsumerConfig(
            durable_name=self.name,
            max_deliver=-1,
            deliver_policy=self.deliver_policy,
            ack_wait=self.ack_wait,
            filter_subject=self.subject,
        )

    @property
    def dead_letter_subject(self) -> str:
        """``deadletter.<service>.<consumer>``: each service publishes only its own dead letters."""
        return f"{DEAD_LETTER_PREFIX}.{self.service}.{self.name}"

    async def redrive(self, limit: int = 1000) -> tuple[int, int]:
        """Run open dead letters through the handler again (after a fix). Returns (done, failed).

        Each one goes through the inbox like a delivery, so one that had an effect after all
        is not applied twice.
        """
        async with self.store.pool.acquire() as conn:
            rows = await conn.fetch(
                "SELECT id, subject, payload, headers::text AS headers, stream_seq FROM dead_letters "
                "WHERE consumer = $1 AND redriven_at IS NULL ORDER BY id LIMIT $2",
                self.name,
                limit,
            )
        done = failed = 0
        for row in rows:
            headers = json.loads(row["headers"])
            try:
                item = Incoming(
                    row["subject"],
                    bytes(row["payload"]),
                    headers,
                    _event_id_of(row["subject"], bytes(row["payload"]), headers),
                    row["stream_seq"],
                )
                async with self.store.pool.acquire() as conn, conn.transaction():
                    await self._apply(conn, item)
                    await conn.execute("UPDATE dead_letters SET redriven_at = now() WHERE id = $1", row["id"])
                done += 1
            except Exception as exc:
                failed += 1
                async with self.store.pool.acquire() as conn:
                    await conn.execute(
                        "UPDATE dead_letters SET error = $2 WHERE id = $1",
                        row["id"],
                        f"redrive: {exc!r}"[:4000],
                    )
        return done, failed

    async def open_dead_letters(self) -> int:
        async with self.store.pool.acquire() as conn:
            return int(
                await conn.fetchval(
                    "SELECT count(*) FROM dead_letters WHERE consumer = $1 AND redriven_at IS NULL", self.name
                )
            )


def _links(items: list[Incoming]) -> list[Link]:
    """A batch's span links to each message's producer span (a batch has no one parent)."""
    links = []
    for item in items:
        parent = parse_traceparent(item.headers.get("traceparent"))
        if parent is not None:
            links.append(Link(parent))
    return links


def _deliveries(msg: Msg) -> int:
    try:
        return int(msg.metadata.num_delivered)
    except Exception:
        return 1


def _stream_seq(msg: Msg) -> int | None:
    try:
        return int(msg.metadata.sequence.stream)
    except Exception:
        return None
