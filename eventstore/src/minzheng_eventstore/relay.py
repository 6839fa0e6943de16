"""Outbox relay: tail the event log, publish to JetStream, then record how far it got.

The event log *is* the outbox: the relay reads ``events`` in the global order, publishes each
event's contract form with ``Nats-Msg-Id = event_id``, waits for every PubAck of the batch and
only then moves its checkpoint (in ``relay_checkpoints``). A crash at any point re-publishes at
most the last batch: JetStream drops those as duplicates inside its window, and consumers drop
the rest in their inbox. Publishes of a batch are pipelined (DESIGN §8: sequential publish+ack is
a quarter of what 500 in flight give). Order on the wire is the store's order, with one
exception: when a publication in a batch fails, later events of that batch may already have
landed before it is retried. Consumers therefore never rely on arrival order alone; each event
carries its stream version.
"""

from __future__ import annotations

import asyncio
import collections
import contextlib
import functools
import gc
import json
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

import nats.errors
import nats.js.errors
import structlog
from nats.js import JetStreamContext
from opentelemetry import trace
from opentelemetry.trace import Link, Span, SpanKind, Status, StatusCode
from pydantic import ValidationError

from minzheng_contracts import IntegrationEvent

from .errors import UnpublishableEventError
from .hint import AppendHint
from .metrics import RELAY_PUBLISHED
from .model import START, Checkpoint, Page, RecordedEvent
from .observability import context_of, parse_traceparent
from .store import EventStore, PublicationCheck

log = structlog.get_logger("minzheng.relay")
tracer = trace.get_tracer("minzheng.relay")

MSG_ID = "Nats-Msg-Id"
HEADER_ALLOWANCE = 1024
"""Bytes kept free for the headers (ids, trace) when a payload is compared with the broker's limit."""
DEFAULT_MAX_PAYLOAD = 1024 * 1024
"""NATS's default ``max_payload``; the host passes the connected server's own figure."""


@dataclass(frozen=True, slots=True)
class OutgoingMessage:
    """What goes on the wire for one event."""

    subject: str
    payload: bytes
    headers: dict[str, str] = field(default_factory=dict)


Publication = Callable[[RecordedEvent], OutgoingMessage | tuple[OutgoingMessage, ...] | None]
"""Maps a stored event to its published form, or ``None`` for an internal event. During a contract's
migration window it gives several, each with its own ``Nats-Msg-Id`` (``migration_window``)."""


def each_message(built: OutgoingMessage | tuple[OutgoingMessage, ...] | None) -> tuple[OutgoingMessage, ...]:
    """A publication's result as a tuple of messages (empty for an internal event)."""
    if built is None:
        return ()
    if isinstance(built, OutgoingMessage):
        return (built,)
    return tuple(built)


def contract_message(
    contract: type[IntegrationEvent[Any]], event: RecordedEvent, data: dict[str, Any], *, producer: str
) -> OutgoingMessage:
    """The published form of ``event`` as ``contract`` (``contracts/``): the envelope takes the
    event's id (so ``Nats-Msg-Id`` and the envelope agree), time, correlation, causation and
    jurisdiction; ``data`` is validated by the contract before it leaves the service."""
    event_type, schema_version = contract.contract_key()
    message = contract.model_validate(
        {
            "event_id": event.event_id,
            "event_type": event_type,
            "schema_version": schema_version,
            "occurred_at": event.occurred_at,
            "producer": producer,
            "correlation_id": event.correlation_id or event.event_id,
            "causation_id": event.causation_id,
            "jurisdiction": event.jurisdiction or "000000",
            "data": data,
        }
    )
    # the bytes ``model_dump_json().encode()`` gives, without the str between
    payload: bytes = contract.__pydantic_serializer__.to_json(message)
    return OutgoingMessage(_subject(contract, producer), payload)


@functools.cache
def _subject(contract: type[IntegrationEvent[Any]], producer: str) -> str:
    """``contract.subject_for(producer)``, worked out once per contract and producer (a refusal,
    a producer not allowed, is not kept: it raises every time)."""
    return contract.subject_for(producer)


def raw_event_publication(subject_prefix: str) -> Publication:
    """Publish every event as stored, on ``<prefix>.<stream_type>.<event_type>`` (tests, tools)."""

    def publish(event: RecordedEvent) -> OutgoingMessage:
        body: dict[str, Any] = {
            "event_id": str(event.event_id),
            "event_type": event.event_type,
            "schema_version": event.schema_version,
            "stream_id": event.stream_id,
            "version": event.version,
            "occurred_at": event.occurred_at.isoformat(),
            "data": event.data,
        }
        subject = f"{subject_prefix}.{event.stream_type}.{event.event_type}".lower()
        return OutgoingMessage(subject, json.dumps(body, ensure_ascii=False).encode())

    return publish


def describe_failure(exc: BaseException) -> tuple[str, str | None]:
    """A reason for a failed publication that is safe to log and store: the error's kind and, for a
    contract that does not validate, each failing field and rule, but never the offending *value*
    (it may be a resident ID). Returns ``(reason, first field)``."""
    if isinstance(exc, UnpublishableEventError):
        return exc.reason, exc.field
    if isinstance(exc, ValidationError):
        problems = exc.errors(include_input=False, include_url=False, include_context=False)
        fields = [".".join(str(p) for p in e["loc"]) for e in problems]
        reason = "; ".join(f"{f or '(event)'}: {e['msg']}" for f, e in zip(fields, problems, strict=True))
        return f"contract does not validate: {reason}", fields[0] if fields else None
    if isinstance(exc, KeyError):
        return f"the event has no field {exc.args[0]!r} that its contract needs", str(exc.args[0])
    return f"the published form cannot be built ({type(exc).__name__})", None


def published_form(
    publication: Publication, event: RecordedEvent, *, max_payload: int = DEFAULT_MAX_PAYLOAD
) -> OutgoingMessage | tuple[OutgoingMessage, ...] | None:
    """The event's published form (``None``: internal), or ``UnpublishableEventError`` when it
    cannot be built, does not validate, or is over the broker's size limit: the one test the store
    runs before an append commits and the relay runs before it publishes."""
    try:
        message = publication(event)
    except Exception as exc:
        reason, field_name = describe_failure(exc)
        raise UnpublishableEventError(event.event_type, reason, field=field_name) from None
    for one in each_message(message):
        if len(one.payload) + HEADER_ALLOWANCE > max_payload:
            raise UnpublishableEventError(
                event.event_type,
                f"its published form is {len(one.payload):,} bytes, over the broker's limit of "
                f"{max_payload:,}",
            )
    return message


def publication_check(
    publication: Publication, *, max_payload: int = DEFAULT_MAX_PAYLOAD
) -> PublicationCheck:
    """What the store runs before an append commits (``published_form``, its result unused)."""

    def check(event: RecordedEvent) -> None:
        published_form(publication, event, max_payload=max_payload)

    return check


class OutboxRelay:
    """Publishes one store's events to JetStream; run one per service (or several with
    different names and ``stream_types``)."""

    def __init__(
        self,
        store: EventStore,
        js: JetStreamContext,
        *,
        name: str,
        publication: Publication,
        stream_types: list[str] | None = None,
        batch_size: int = 500,
        idle_interval: float = 0.05,
        ack_timeout: float = 10.0,
        pipeline: int = 3,
        max_payload: int = DEFAULT_MAX_PAYLOAD,
        service: str | None = None,
    ) -> None:
        self.store = store
        self.js = js
        self.name = name
        self.service = service or name.removesuffix("-outbox")
        """The producing service: the ``service`` label of the metrics, an attribute of the spans."""
        self._published_metric = RELAY_PUBLISHED.labels(self.service)
        self.publication = publication
        self.stream_types = stream_types
        self.batch_size = batch_size
        self.idle_interval = idle_interval
        self.ack_timeout = ack_timeout
        self.pipeline = max(1, pipeline)
        self.max_payload = max_payload
        self._hint = AppendHint()
        self._position: Checkpoint | None = None
        self.published = 0
        store.on_append(self.wake)

    def wake(self) -> None:
        """Ask the relay to look now instead of at its next poll (an in-process hint only)."""
        self._hint.ring()

    async def checkpoint(self) -> Checkpoint:
        """Where the relay will resume: the last event whose publication was acknowledged."""
        async with self.store.pool.acquire() as conn:
            row = await conn.fetchrow(
                "SELECT tx, position FROM relay_checkpoints WHERE relay = $1", self.name
            )
        return START if row is None else Checkpoint(row["tx"], row["position"])

    async def _save(self, checkpoint: Checkpoint, published: int) -> None:
        async with self.store.pool.acquire() as conn:
            await conn.execute(
                """
                INSERT INTO relay_checkpoints (relay, tx, position, published) VALUES ($1, $2, $3, $4)
                ON CONFLICT (relay) DO UPDATE SET tx = excluded.tx, position = excluded.position,
                    published = relay_checkpoints.published + excluded.published, updated_at = now()
                """,
                self.name,
                checkpoint.tx,
                checkpoint.position,
                published,
            )

    async def run_once(self) -> int:
        """Publish the next batch; return how many events it moved past (0 when caught up)."""
        if self._position is None:
            self._position = await self.checkpoint()
        page = await self._read(self._position)
        if not page.scanned:
            return 0
        return await self._settle(await self._send(page))

    async def _read(self, after: Checkpoint) -> Page:
        self._hint.reading()
        return await self.store.read_page(after, limit=self.batch_size, stream_types=self.stream_types)

    async def _send(self, page: Page) -> _Batch:
        """Publish a page's events without waiting (``publish_async``: one future per message, no
        task each); ``_settle`` waits for their PubAcks. An event whose published form cannot be
        built, or is over the broker's limit, is parked (``park``) and passed over: one such event
        never holds back the ones after it."""
        with _collector_paused():
            built = [(event, self._message(event)) for event in page.events]
        outgoing: list[tuple[RecordedEvent, tuple[OutgoingMessage, ...]]] = []
        for event, message in built:
            if isinstance(message, _Unpublishable):
                await self.park(event, message.reason)
                message = None
            outgoing.append((event, each_message(message)))
        futures: list[asyncio.Future[Any]] = []
        spans: list[Span] = []
        # one publish span per subject in the page (OpenTelemetry's batch send): a child of the
        # events' trace when they share one (a command's event, a bulk run's page), else linked to
        # each; the messages carry the trace stored with their event (their creation context), so
        # that the consumer continues the case's own trace whatever the page held
        by_subject: dict[str, list[RecordedEvent]] = collections.defaultdict(list)
        for event, messages in outgoing:
            for message in messages:
                by_subject[message.subject].append(event)
        groups: dict[str, Span] = {}
        try:
            for event, messages in outgoing:
                for message in messages:
                    headers = _headers(event, message)
                    span = groups.get(message.subject)
                    if span is None:
                        span = groups[message.subject] = self._publish_span(
                            by_subject[message.subject], message, headers
                        )
                    spans.append(span)
                    futures.append(
                        await self.js.publish_async(message.subject, message.payload, headers=headers)
                    )
        except BaseException:
            for future in futures:
                future.cancel()
            _end_all(spans, "not published")
            raise
        return _Batch(outgoing, futures, page.end, page.scanned, spans)

    def _publish_span(
        self, events: Sequence[RecordedEvent], message: OutgoingMessage, headers: dict[str, str]
    ) -> Span:
        """The PRODUCER span ``<subject> publish`` of the page's messages to one subject (the
        events': one message each): a child of their stored trace when they have one between them,
        otherwise a trace of its own with a link to each of theirs (up to the SDK's limit). Ended
        when the PubAcks are in (``_settle``)."""
        first = events[0]
        attributes: dict[str, str | int] = {
            "messaging.system": "nats",
            "messaging.operation.type": "send",
            "messaging.destination.name": message.subject,
            "minzheng.event_type": first.event_type,
            "minzheng.service": self.service,
        }
        if len(events) == 1:
            attributes["messaging.message.id"] = headers[MSG_ID]
        else:
            attributes["messaging.batch.message_count"] = len(events)
        traces = {e.traceparent for e in events}
        if len(traces) == 1:
            return tracer.start_span(
                f"{message.subject} publish",
                context=context_of(first.traceparent),
                kind=SpanKind.PRODUCER,
                attributes=attributes,
            )
        return tracer.start_span(
            f"{message.subject} publish",
            context=context_of(None),
            kind=SpanKind.PRODUCER,
            attributes=attributes,
            links=_links(traces),
        )

    def _message(
        self, event: RecordedEvent
    ) -> OutgoingMessage | tuple[OutgoingMessage, ...] | _Unpublishable | None:
        try:
            return published_form(self.publication, event, max_payload=self.max_payload)
        except UnpublishableEventError as exc:
            return _Unpublishable(exc.reason)

    async def park(self, event: RecordedEvent, reason: str) -> None:
        """Set an unpublishable event aside in ``outbox_parked`` with its reason, log it and count
        it; ``redrive_parked`` publishes it once the cause is fixed."""
        async with self.store.pool.acquire() as conn:
            await conn.execute(
                """
                INSERT INTO outbox_parked (relay, event_id, stream_id, event_type, tx, position, reason)
                VALUES ($1, $2, $3, $4, $5, $6, $7)
                ON CONFLICT (relay, event_id) DO UPDATE SET reason = excluded.reason,
                    parked_at = now(), redriven_at = NULL
                """,
                self.name,
                event.event_id,
                event.stream_id,
                event.event_type,
                event.tx,
                event.position,
                reason,
            )
        log.error(
            "relay.parked",
            relay=self.name,
            event_id=str(event.event_id),
            event_type=event.event_type,
            reason=reason,
        )

    async def redrive_parked(self, limit: int = 1000) -> tuple[int, int]:
        """Publish open parked events again (after the mapping, the data or the broker's limit was
        fixed); returns ``(published, still failing)``. A published one is marked re-driven; JetStream
        drops a repeat inside its window and consumers drop it in their inbox."""
        async with self.store.pool.acquire() as conn:
            rows = await conn.fetch(
                "SELECT event_id FROM outbox_parked WHERE relay = $1 AND redriven_at IS NULL "
                "ORDER BY tx, position LIMIT $2",
                self.name,
                limit,
            )
        events = await self.store.read_events([r["event_id"] for r in rows])
        done = failed = 0
        for event in events:
            message = self._message(event)
            if isinstance(message, _Unpublishable):
                await self.park(event, message.reason)
                failed += 1
                continue
            if message is not None:
                span: Span | None = None
                try:
                    for one in each_message(message):
                        headers = _headers(event, one)
                        span = self._publish_span([event], one, headers)
                        await self.js.publish(one.subject, one.payload, headers=headers)
                        span.end()
                except (nats.errors.Error, nats.js.errors.Error, TimeoutError) as exc:
                    if span is not None:
                        _end_all([span], type(exc).__name__)
                    log.warning(
                        "relay.redrive_failed", event_id=str(event.event_id), error=type(exc).__name__
                    )
                    failed += 1
                    continue
                self._published_metric.inc(len(each_message(message)))
            async with self.store.pool.acquire() as conn:
                await conn.execute(
                    "UPDATE outbox_parked SET redriven_at = now() WHERE relay = $1 AND event_id = $2",
                    self.name,
                    event.event_id,
                )
            done += 1
        return done, failed

    async def _settle(self, batch: _Batch) -> int:
        """Wait for a batch's PubAcks, move the checkpoint past the longest acknowledged prefix
        (past the whole page when all were acknowledged), return how many rows it moved past, and
        raise ``RelayPublishError`` if the batch was not acknowledged in full."""
        if batch.futures:
            await asyncio.wait(batch.futures, timeout=self.ack_timeout)
        batch.cancel()  # a no-op on the acknowledged ones
        results = iter(batch.futures)
        spans = iter(batch.spans)
        done, failure = 0, None
        for event, messages in batch.outgoing:
            for _ in messages:  # one future per message; an event is done when all of its are
                future = next(results)
                span = next(spans)
                failure = TimeoutError("no PubAck in time") if future.cancelled() else future.exception()
                if failure is not None:
                    _end_all([span], repr(failure))
                if failure is not None and _refused_for_good(failure):
                    await self.park(event, f"the broker refused it: {failure}")
                    failure = None
                if failure is not None:
                    break
            if failure is not None:
                break
            done += 1
        _end_all(list(spans), "not acknowledged: an earlier publication failed")
        for span in batch.spans:  # the rest were acknowledged (a shared span is ended once)
            if span.is_recording():
                span.end()
        if failure is None:
            last, moved = batch.end, batch.scanned
        elif done:
            last, moved = batch.outgoing[done - 1][0].checkpoint, done
        else:
            last, moved = None, 0
        if last is not None:
            acknowledged = sum(len(m) for _, m in batch.outgoing[:done])
            await self._save(last, acknowledged)
            self._position = last
            self.published += done
            if acknowledged:
                self._published_metric.inc(acknowledged)
        if failure is not None:
            raise RelayPublishError(
                f"publication stopped at event {batch.outgoing[done][0].event_id}: {failure!r}"
            )
        return moved

    async def pending(self) -> int:
        """How many committed events lie beyond the checkpoint. ``run_once`` returning 0 does not
        mean 0 here: a transaction still open anywhere in the cluster holds the tail back."""
        checkpoint = await self.checkpoint()
        sql = "SELECT count(*) FROM events WHERE (tx, position) > ($1::text::xid8, $2::bigint)"
        args: list[Any] = [str(checkpoint.tx), checkpoint.position]
        if self.stream_types is not None:  # a relay of some stream types waits for those only
            sql += " AND stream_type = ANY($3::text[])"
            args.append(list(self.stream_types))
        async with self.store.pool.acquire() as conn:
            return int(await conn.fetchval(sql, *args))

    async def drain(self, within: float = 30.0) -> bool:
        """Publish until every committed event is published (graceful shutdown, tools, tests).
        Returns False if ``within`` seconds passed first; what is left goes out at the next start."""
        deadline = asyncio.get_running_loop().time() + within
        while asyncio.get_running_loop().time() < deadline:
            if not await self.run_once() and not await self.pending():
                return True
            await asyncio.sleep(0.02)
        return False

    async def run(self, stop: asyncio.Event) -> None:
        """Publish until ``stop`` is set. Survives PostgreSQL and NATS outages by backing off."""
        backoff = 0.1
        while not stop.is_set():
            try:
                await self._pump(stop)
            except asyncio.CancelledError:
                raise
            except Exception as exc:
                log.warning("relay.retrying", relay=self.name, error=str(exc), backoff=backoff)
                self._position = None  # re-read the durable checkpoint after an outage
                await _sleep_or_stop(stop, backoff)
                backoff = min(backoff * 2, 5.0)

    async def _pump(self, stop: asyncio.Event) -> None:
        """Keep up to ``pipeline`` batches in flight: the next batch is read and sent while the
        PubAcks of the earlier ones are on their way. Batches settle in order, so the checkpoint
        only ever moves past acknowledged events; a failure stops the pump (``run`` restarts it
        from the checkpoint) and whatever was in flight is re-published, dropped as duplicates."""
        if self._position is None:
            self._position = await self.checkpoint()
        read_from = self._position
        in_flight: collections.deque[_Batch] = collections.deque()
        try:
            while not stop.is_set():
                if len(in_flight) < self.pipeline:
                    page = await self._read(read_from)
                    if page.scanned:
                        self._hint.found()
                        in_flight.append(await self._send(page))
                        read_from = page.end
                        continue
                if in_flight:
                    await self._settle(in_flight.popleft())
                    continue
                await self._hint.wait(self.idle_interval)
        finally:
            for batch in in_flight:
                batch.abandon()


@contextlib.contextmanager
def _collector_paused() -> Iterator[None]:
    """Python's cycle collector off while a page's messages are built (no await in between), on
    again after if it was on. Building a message allocates a few objects per field of its contract
    (a bulk message of 1,000 records: some 30,000), none in a cycle; the collections they trigger
    only walk the heap (measured: ~30% of a relay's CPU on the archive's bulk messages)."""
    if not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


@dataclass(frozen=True, slots=True)
class _Unpublishable:
    reason: str


def _refused_for_good(failure: BaseException) -> bool:
    """A PubAck error that no retry can mend (the stream refuses the message itself, e.g. over its
    size limit), as opposed to an outage (no responders, timeouts), which is retried."""
    return isinstance(failure, nats.js.errors.BadRequestError)


async def parked_count(store: EventStore, relay: str | None = None) -> int:
    """Open parked publications (of one relay, or of all relays of the store)."""
    async with store.pool.acquire() as conn:
        return int(
            await conn.fetchval(
                "SELECT count(*) FROM outbox_parked WHERE redriven_at IS NULL "
                "AND ($1::text IS NULL OR relay = $1)",
                relay,
            )
        )


@dataclass(slots=True)
class _Batch:
    outgoing: list[tuple[RecordedEvent, tuple[OutgoingMessage, ...]]]
    futures: list[asyncio.Future[Any]]
    end: Checkpoint
    scanned: int
    spans: list[Span] = field(default_factory=list)
    """One publish span per future, ended as each is settled (or when the batch is given up)."""

    def cancel(self) -> None:
        for future in self.futures:
            future.cancel()

    def abandon(self) -> None:
        """The pump stopped with this batch in flight: its spans end as not acknowledged."""
        self.cancel()
        _end_all(self.spans, "the relay stopped before the PubAck")


MAX_LINKS = 128
"""The links of one publish span (OpenTelemetry's default ``OTEL_SPAN_LINK_COUNT_LIMIT``)."""


def _links(traceparents: Iterable[str | None]) -> list[Link]:
    """Links to the stored traces of a page's events (at most ``MAX_LINKS``)."""
    links: list[Link] = []
    for traceparent in traceparents:
        parent = parse_traceparent(traceparent)
        if parent is not None:
            links.append(Link(parent))
            if len(links) == MAX_LINKS:
                break
    return links


def _end_all(spans: list[Span], reason: str) -> None:
    for span in spans:
        if span.is_recording():
            span.set_status(Status(StatusCode.ERROR, reason))
            span.end()


def _headers(event: RecordedEvent, message: OutgoingMessage) -> dict[str, str]:
    headers = {MSG_ID: str(event.event_id), "Mz-Event-Type": event.event_type}
    if event.traceparent:
        headers["traceparent"] = event.traceparent
    if event.correlation_id:
        headers["Mz-Correlation-Id"] = str(event.correlation_id)
        headers["correlation_id"] = headers["Mz-Correlation-Id"]  # faststream's own header
    headers.update(message.headers)
    return headers


class RelayPublishError(RuntimeError):
    """A publication was not acknowledged; the relay stopped before it and will retry."""


async def _sleep_or_stop(stop: asyncio.Event, seconds: float) -> None:
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(stop.wait(), seconds)
