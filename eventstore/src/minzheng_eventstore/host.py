"""The service host: one process of a service, wired the same way in all five.

``ServiceHost`` owns the store, the outbox relay, the faststream broker with its durable
consumers, the projections and any background task (schedulers). A service builds one host in
its entrypoint, adds its pieces, and gets an HTTP app (``fastapi``) and a CLI (``cli``) from it:

    python -m minzheng_<service> migrate | serve --host H --port P [--no-relay] | relay | seed-demo | redrive

Configuration comes from the environment (``ServiceSettings.from_env``):
``<SERVICE>_DATABASE_URL`` (else ``DATABASE_URL``) and ``<SERVICE>_NATS_URL`` (else ``NATS_URL``).
"""

from __future__ import annotations

import asyncio
import contextlib
import os
from collections.abc import AsyncIterator, Callable, Coroutine, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Any

import nats
import nats.js.errors
import sqlalchemy as sa
import structlog
from nats.aio.client import Client as NatsClient
from sqlalchemy.ext.asyncio import create_async_engine

from .clock import Clock, SystemClock
from .consumer import BatchHandler, DurableConsumer, Handler
from .dsn import redact, sqlalchemy_url
from .identity import OidcSettings
from .projection import Projection, ProjectionHandler, Reset
from .relay import OutboxRelay, Publication, parked_count, publication_check
from .schema import install
from .store import EventStore
from .upcasting import NO_UPCASTERS, Upcasters

log = structlog.get_logger("minzheng.host")

Background = Callable[["ServiceHost", asyncio.Event], Coroutine[Any, Any, None]]


@dataclass(frozen=True, slots=True)
class ServiceSettings:
    service: str
    database_url: str
    nats_url: str
    pseudonym_key: str | None = field(default=None, repr=False)
    """The deployment's secret for keyed pseudonyms (``<SERVICE>_PSEUDONYM_KEY``): required from the
    environment; settings built in code (tests, benchmarks) fall back to a fixed test key."""
    oidc: OidcSettings | None = None
    """The token issuer the service trusts (``<SERVICE>_OIDC_ISSUER``): required from the
    environment; without one (settings built in code) every route that needs a caller answers 401."""
    chain_signing_key: str | None = field(default=None, repr=False)
    """The checkpoints' Ed25519 seed, 64 hex digits (``<SERVICE>_CHAIN_SIGNING_KEY``); without it the
    key is derived from the pseudonym secret (``checkpoints.signing_key``)."""

    @classmethod
    def from_env(cls, service: str, env: dict[str, str] | None = None) -> ServiceSettings:
        env = dict(os.environ) if env is None else env
        key = service.upper()
        database_url = env.get(f"{key}_DATABASE_URL") or env.get("DATABASE_URL")
        if not database_url:
            raise SystemExit(
                f"{service}: set {key}_DATABASE_URL (or DATABASE_URL) to this service's PostgreSQL database, "
                "e.g. postgresql://assistance:secret@127.0.0.1:5432/assistance; `make run` does it for you"
            )
        nats_url = env.get(f"{key}_NATS_URL") or env.get("NATS_URL") or "nats://127.0.0.1:4222"
        pseudonym_key = env.get(f"{key}_PSEUDONYM_KEY") or env.get("PSEUDONYM_KEY")
        if not pseudonym_key:
            raise SystemExit(
                f"{service}: set {key}_PSEUDONYM_KEY (or PSEUDONYM_KEY) to a secret of at least 16 bytes, "
                "kept for the life of the deployment: pseudonymous ids are derived from it; "
                "`make run` does it for you"
            )
        oidc = OidcSettings.from_env(service, env)
        if oidc is None:
            raise SystemExit(
                f"{service}: set {key}_OIDC_ISSUER (or OIDC_ISSUER) to the OIDC issuer whose tokens the "
                "service accepts (its JWKS at <issuer>/jwks.json unless OIDC_JWKS_URL says otherwise); "
                "`make run` starts a local one"
            )
        chain_key = env.get(f"{key}_CHAIN_SIGNING_KEY") or None
        return cls(service, database_url, nats_url, pseudonym_key, oidc, chain_key)

    def describe(self) -> dict[str, str]:
        return {"service": self.service, "database": redact(self.database_url), "nats": redact(self.nats_url)}


@dataclass(frozen=True, slots=True)
class Migration:
    """One step of a service's own schema (read models, deadlines…), applied once, in order."""

    id: str
    sql: str


@dataclass
class _ConsumerSpec:
    kwargs: dict[str, Any]


@dataclass
class _ProjectionSpec:
    name: str
    handle: ProjectionHandler
    stream_types: Sequence[str] | None
    reset: Reset | None
    batch_size: int


@dataclass
class _Running:
    store: EventStore
    nc: NatsClient
    broker: Any
    stop: asyncio.Event
    tasks: list[asyncio.Task[None]] = field(default_factory=list)


class ServiceHost:
    """Everything one service process runs besides its domain code."""

    def __init__(
        self,
        settings: ServiceSettings,
        *,
        publication: Publication | None,
        migrations: Sequence[Migration] = (),
        upcasters: Upcasters = NO_UPCASTERS,
        clock: Clock | None = None,
        relay_batch_size: int = 500,
        pool_size: int = 16,
    ) -> None:
        self.settings = settings
        self.service = settings.service
        self.publication = publication
        self.migrations = list(migrations)
        self.upcasters = upcasters
        self.clock: Clock = clock or SystemClock()
        self.relay_batch_size = relay_batch_size
        self.pool_size = pool_size
        self._consumer_specs: list[_ConsumerSpec] = []
        self._projection_specs: list[_ProjectionSpec] = []
        self._background: list[tuple[str, Background]] = []
        self._running: _Running | None = None
        self.relay_in_process = True
        """``serve`` runs the outbox relay unless it runs in a process of its own (``relay``)."""
        self.consumers: dict[str, DurableConsumer] = {}
        self.consumers_present: dict[str, bool] = {}
        """What the consumer watch last found (``check_consumers``): ``/ready`` is false while one is
        missing."""
        self.projections: dict[str, Projection] = {}
        self.relay: OutboxRelay | None = None

    # ------------------------------------------------------------------ assembly

    def add_consumer(
        self,
        *,
        purpose: str,
        version: int,
        stream: str,
        subject: str,
        handler: Handler,
        batch_handler: BatchHandler | None = None,
        max_deliver: int = 5,
        backoff: Sequence[float] = (1.0, 5.0, 30.0, 120.0),
        batch_size: int = 100,
        ack_wait: float = 10.0,
        fetch_timeout: float = 0.002,
    ) -> str:
        """Declare a durable consumer ``<service>-<purpose>-v<version>``; returns its name.
        ``fetch_timeout`` is how long a message may wait for others to join its batch when
        nothing else is ready (see ``consumer._pull_promptly``)."""
        name = f"{self.service}-{purpose}-v{version}"
        self._consumer_specs.append(
            _ConsumerSpec(
                dict(
                    service=self.service,
                    purpose=purpose,
                    version=version,
                    stream=stream,
                    subject=subject,
                    handler=handler,
                    batch_handler=batch_handler,
                    max_deliver=max_deliver,
                    backoff=backoff,
                    batch_size=batch_size,
                    ack_wait=ack_wait,
                    fetch_timeout=fetch_timeout,
                )
            )
        )
        return name

    def add_projection(
        self,
        name: str,
        handle: ProjectionHandler,
        *,
        stream_types: Sequence[str] | None = None,
        reset: Reset | None = None,
        batch_size: int = 1000,
    ) -> None:
        self._projection_specs.append(_ProjectionSpec(name, handle, stream_types, reset, batch_size))

    def add_background(self, name: str, factory: Background) -> None:
        """A task that runs while the service runs (a scheduler): ``factory(host, stop_event)``."""
        self._background.append((name, factory))

    # ------------------------------------------------------------------ lifecycle

    @property
    def inbox_prefix(self) -> str:
        """The service's own reply subjects: its NATS user may subscribe to these only."""
        return f"_INBOX_{self.service}"

    @property
    def store(self) -> EventStore:
        if self._running is None:
            raise RuntimeError(f"{self.service} host is not started")
        return self._running.store

    @property
    def nats(self) -> NatsClient:
        if self._running is None:
            raise RuntimeError(f"{self.service} host is not started")
        return self._running.nc

    async def migrate(self) -> list[str]:
        """Install the event store's tables and apply this service's migrations; idempotent."""
        engine = create_async_engine(sqlalchemy_url(self.settings.database_url))
        applied: list[str] = []
        try:
            await install(engine)
            async with engine.begin() as conn:
                await conn.execute(sa.text("SELECT pg_advisory_xact_lock(7413002)"))
                done = set((await conn.execute(sa.text("SELECT id FROM service_migrations"))).scalars())
                for migration in self.migrations:
                    if migration.id in done:
                        continue
                    raw = await conn.get_raw_connection()
                    await raw.driver_connection.execute(migration.sql)  # type: ignore[union-attr]
                    await conn.execute(
                        sa.text("INSERT INTO service_migrations (id) VALUES (:id)"), {"id": migration.id}
                    )
                    applied.append(migration.id)
        finally:
            await engine.dispose()
        return applied

    async def start(
        self,
        *,
        migrate: bool = True,
        consume: bool = True,
        relay: bool = True,
        project: bool = True,
        background: bool = True,
    ) -> None:
        """Connect and start the pieces: the consumers, the outbox relay (unless
        ``relay_in_process`` is off), the projections and the background tasks."""
        from faststream.nats import NatsBroker

        if self._running is not None:
            return
        if migrate:
            await self.migrate()
        store = await EventStore.connect(
            self.settings.database_url,
            upcasters=self.upcasters,
            max_size=self.pool_size,
            service=self.service,
        )
        nc = await nats.connect(
            self.settings.nats_url,
            name=f"{self.service}-relay",
            inbox_prefix=self.inbox_prefix,
            max_reconnect_attempts=-1,
            reconnect_time_wait=0.5,
            allow_reconnect=True,
        )
        broker = NatsBroker(
            self.settings.nats_url,
            logger=None,
            max_reconnect_attempts=-1,
            reconnect_time_wait=1,
            inbox_prefix=self.inbox_prefix,
        )
        if self.publication is not None:  # nothing the relay cannot publish ever commits
            store.publication_check = publication_check(self.publication, max_payload=nc.max_payload)
        running = _Running(store, nc, broker, asyncio.Event())
        self._running = running
        self.relay = None
        if consume:
            for spec in self._consumer_specs:
                consumer = DurableConsumer(store, **spec.kwargs)
                consumer.register(broker)
                self.consumers[consumer.name] = consumer
        await broker.start()
        if relay and self.relay_in_process and self.publication is not None:
            self.relay = self.outbox_relay()
            running.tasks.append(asyncio.create_task(self.relay.run(running.stop), name="relay"))
        for p in self._projection_specs if project else ():
            projection = self._projection_of(p, store)
            self.projections[p.name] = projection
            running.tasks.append(
                asyncio.create_task(projection.run(running.stop), name=f"projection:{p.name}")
            )
        for name, factory in self._background if background else ():
            running.tasks.append(asyncio.create_task(factory(self, running.stop), name=name))
        if self.consumers:
            running.tasks.append(asyncio.create_task(self._watch_consumers(running.stop), name="consumers"))
        log.info("service.started", **self.settings.describe())

    def outbox_relay(self) -> OutboxRelay:
        """This service's outbox relay (``<service>-outbox``) on the running host's connections."""
        if self.publication is None:
            raise RuntimeError(f"{self.service} publishes nothing")
        return OutboxRelay(
            self.store,
            self.nats.jetstream(),
            name=f"{self.service}-outbox",
            service=self.service,
            publication=self.publication,
            batch_size=self.relay_batch_size,
            max_payload=self.nats.max_payload,
        )

    def projection(self, name: str) -> Projection:
        """The running projection ``name``, or (host started without projections) a new one on the
        store, to catch up by hand."""
        running = self.projections.get(name)
        if running is not None:
            return running
        for p in self._projection_specs:
            if p.name == name:
                return self._projection_of(p, self.store)
        raise KeyError(f"{self.service} has no projection {name!r}")

    @staticmethod
    def _projection_of(spec: _ProjectionSpec, store: EventStore) -> Projection:
        return Projection(
            store,
            spec.name,
            spec.handle,
            stream_types=spec.stream_types,
            reset=spec.reset,
            batch_size=spec.batch_size,
        )

    async def stop(self) -> None:
        running, self._running = self._running, None
        if running is None:
            return
        if self.relay is not None:
            with contextlib.suppress(Exception):  # graceful: publish what is committed, briefly
                await self.relay.drain(within=5.0)
        running.stop.set()
        for task in running.tasks:
            with contextlib.suppress(asyncio.TimeoutError, asyncio.CancelledError):
                await asyncio.wait_for(task, 5)
        with contextlib.suppress(Exception):
            await running.broker.stop()
        with contextlib.suppress(Exception):
            await running.nc.drain()
        await running.store.close()
        self.consumers.clear()
        self.consumers_present.clear()
        self.projections.clear()
        self.relay = None
        log.info("service.stopped", service=self.service)

    @asynccontextmanager
    async def running(self, **kwargs: bool) -> AsyncIterator[ServiceHost]:
        await self.start(**kwargs)
        try:
            yield self
        finally:
            await self.stop()

    async def redrive(self, only: str | None = None) -> dict[str, tuple[int, int]]:
        """Re-run the open dead letters of each consumer (or of ``only``) through its handler."""
        results: dict[str, tuple[int, int]] = {}
        for spec in self._consumer_specs:
            consumer = DurableConsumer(self.store, **spec.kwargs)
            if only is None or consumer.name == only:
                results[consumer.name] = await consumer.redrive()
        return results

    async def ready(self) -> dict[str, Any]:
        """What readiness checks: the database answers and NATS is connected (``ready`` is their
        conjunction), and how many events the relay has parked (``outbox_parked``: they are not
        published until re-driven; the service itself still works, so they do not make it unready,
        but ``degraded`` names them)."""
        checks: dict[str, Any] = {"database": False, "nats": False}
        parked: int | None = None
        if self._running is not None:
            with contextlib.suppress(Exception):
                async with self._running.store.pool.acquire() as conn:
                    checks["database"] = await conn.fetchval("SELECT true") is True
            checks["nats"] = self._running.nc.is_connected
            if checks["database"] and self.publication is not None:
                with contextlib.suppress(Exception):
                    parked = await parked_count(self._running.store)
        consumers = dict(self.consumers_present)
        ok = checks["database"] and checks["nats"] and all(consumers.values())
        degraded = [] if not parked else ["publication"]
        return {**checks, "consumers": consumers, "ready": ok, "outbox_parked": parked, "degraded": degraded}

    async def check_consumers(self, *, recreate: bool = True) -> dict[str, bool]:
        """Whether each durable consumer exists in JetStream. One that was deleted (by an operator,
        or by anyone before per-service permissions) is logged, counted and, with ``recreate``,
        declared again with its own configuration: its pull loop then finds it on the next fetch,
        and the inbox drops whatever is delivered twice."""
        if self._running is None:
            return {name: False for name in self.consumers}
        js = self._running.nc.jetstream(timeout=5)
        present: dict[str, bool] = {}
        for name, consumer in self.consumers.items():
            try:
                await js.consumer_info(consumer.stream, name)
                present[name] = True
                continue
            except nats.js.errors.NotFoundError:
                present[name] = False
            except Exception:  # NATS unreachable: the nats check says so
                present[name] = False
                continue
            log.error("consumer.missing", consumer=name, stream=consumer.stream, recreate=recreate)
            if recreate:
                with contextlib.suppress(Exception):
                    await js.add_consumer(consumer.stream, consumer.consumer_config())
                    log.warning("consumer.recreated", consumer=name, stream=consumer.stream)
        self.consumers_present = present
        return present

    async def _watch_consumers(self, stop: asyncio.Event, interval: float = 5.0) -> None:
        while not stop.is_set():
            with contextlib.suppress(Exception):
                await self.check_consumers()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), interval)

    async def redrive_outbox(self) -> tuple[int, int]:
        """Publish the relay's parked events again (``OutboxRelay.redrive_parked``)."""
        return await self.outbox_relay().redrive_parked()

    # ------------------------------------------------------------------ faces

    def fastapi(
        self,
        *,
        title: str,
        version: str = "1",
        routers: Sequence[Any] = (),
        description: str = "",
        context: Any = None,
    ) -> Any:
        from .http import build_app

        return build_app(
            self, title=title, version=version, routers=routers, description=description, context=context
        )
