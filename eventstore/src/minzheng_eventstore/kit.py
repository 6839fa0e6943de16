"""The service kit: a service is a declaration, and the kit wires it (DESIGN §5a).

    ASSISTANCE = ServiceDefinition(
        name="assistance",
        title="minzheng assistance (社会救助)",
        publication=publication,          # internal event -> contract, or None (internal)
        internal_events=frozenset({...}), # event types that are never published
        migrations=MIGRATIONS,
        subscriptions=[Subscription("deaths", 1, "REGISTRY", "registry.death.registered",
                                    on_death_registered, contracts=(DeathRegistered,))],
        projections=[ProjectionDef("assistance-read-models", project, STREAM_TYPES, reset)],
        background=[],
        routers=[router],
        seed_demo=seed_demo,
    )

and ``__main__.py`` is ``run_cli(ASSISTANCE)``. ``Service(definition, settings)`` is one running
process of it: ``.host`` (store, relay, consumers, projections, schedulers), ``.context()``
(what handlers get), ``.app()`` (the HTTP API) .

**The rule for contracts a subscription receives**, the same in every service:

- a contract the subscription names in ``contracts`` is parsed, validated and handed to the handler
  with a unit of work bound to the inbox transaction (exactly once, retried whole on conflicts);
- a *known* contract it does not name (the subject filter is wider than what it uses) is
  acknowledged and ignored: other services may add contracts to a stream at any time;
- an *unknown* ``(event_type, schema_version)`` (a version this service cannot read yet) and a
  message that does not validate are dead-lettered, so that nothing is lost silently: re-drive
  them after the service learns the new version.
"""

from __future__ import annotations

import asyncio
import dataclasses
import os
from collections.abc import Awaitable, Callable, Coroutine, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from pydantic import ValidationError

from minzheng_contracts import IntegrationEvent, UnknownContractError, parse_integration_event
from minzheng_contracts.envelope import ContractError
from minzheng_kernel.events import EventTypes

from . import checkpoints
from .access import Policy
from .builder import Actor
from .consumer import Incoming, PermanentError
from .context import ServiceContext
from .host import Migration, ServiceHost, ServiceSettings
from .migration_window import windows_from_env, with_windows
from .projection import ProjectionHandler, Reset
from .relay import Publication, describe_failure
from .store import Connection
from .uow import Aggregate, UnitOfWork
from .upcasting import NO_UPCASTERS, Upcasters

ContractHandler = Callable[[ServiceContext, Any, UnitOfWork], Awaitable[None]]
"""``handler(ctx, contract_event, uow)``: the effects of one consumed contract, in ``uow``."""

BackgroundFactory = Callable[[ServiceContext, asyncio.Event], Coroutine[Any, Any, None]]


@dataclass(frozen=True, slots=True)
class Subscription:
    """A durable consumer ``<service>-<purpose>-v<version>`` of another service's contracts."""

    purpose: str
    version: int
    stream: str
    subject: str
    handler: ContractHandler
    contracts: tuple[type[IntegrationEvent[Any]], ...]
    actor: str = ""
    """The actor recorded on the events the handler appends (default ``<purpose>-policy``)."""
    batch_size: int = 100


@dataclass(frozen=True, slots=True)
class ProjectionDef:
    """A read model folded from the service's own events; dropped and rebuilt at will."""

    name: str
    handle: ProjectionHandler
    stream_types: Sequence[str] | None = None
    reset: Reset | None = None
    batch_size: int = 1000


@dataclass(frozen=True, slots=True)
class BackgroundDef:
    """A task that runs while the service runs (a deadline scheduler): ``factory(ctx, stop)``."""

    name: str
    factory: BackgroundFactory


@dataclass(frozen=True, slots=True)
class ServiceDefinition:
    name: str
    title: str
    description: str
    publication: Publication | None
    events: EventTypes = field(default_factory=EventTypes)
    """Every internal event type the service records (typed, ``minzheng_kernel.events``)."""
    internal_events: frozenset[str] = frozenset()
    """Of those, the ones never published: the publication-mapping test checks that every other
    type maps to a contract that validates."""
    migrations: Sequence[Migration] = ()
    subscriptions: Sequence[Subscription] = ()
    projections: Sequence[ProjectionDef] = ()
    background: Sequence[BackgroundDef] = ()
    routers: Sequence[Any] = ()
    seed_demo: Callable[[ServiceContext], Awaitable[None]] | None = None
    upcasters: Upcasters = NO_UPCASTERS
    policy: Policy = field(default_factory=lambda: Policy({}))
    """Who may do what: permission → roles (``access.Policy``); every route declares one."""
    aggregates: Sequence[Aggregate[Any]] = ()
    """The service's aggregates (one per stream type): the auditor's ``state --as-of`` folds a
    stream with its own (``asof``); a stream type with none shows its events only."""
    person_purposes: Sequence[str] = ()
    """The pseudonym purposes its person streams are keyed by (``history``: a person's history)."""
    county_env: str = ""
    """Environment variable naming the county served (default ``<NAME>_COUNTY``)."""
    default_county: str = "330727"


def published(definition: ServiceDefinition, environ: Mapping[str, str] | None = None) -> Publication | None:
    """What the service's relay publishes: its publication, plus the newer version of each contract
    in a migration window set by ``<SERVICE>_CONTRACT_WINDOWS`` (``migration_window``), so that an
    operator opens a window for any service without a release."""
    if definition.publication is None:
        return None
    return with_windows(definition.publication, windows_from_env(definition.name, environ))


CHECKPOINT_EVERY = 900.0
"""Seconds between the signed checkpoints of the hash chains (``checkpoints``) while a service runs."""


class Service:
    """One process of a declared service."""

    def __init__(
        self,
        definition: ServiceDefinition,
        settings: ServiceSettings | None = None,
        *,
        clock: Any = None,
        county: str | None = None,
        checkpoint_every: float | None = CHECKPOINT_EVERY,
        **options: Any,
    ) -> None:
        from .audit_http import AUDIT_READS
        from .ops_log import OPERATIONS_LOG

        self.definition = definition
        self.host = ServiceHost(
            settings or ServiceSettings.from_env(definition.name),
            publication=published(definition),
            migrations=[*definition.migrations, AUDIT_READS, OPERATIONS_LOG],
            upcasters=definition.upcasters,
            clock=clock,
        )
        env = definition.county_env or f"{definition.name.upper()}_COUNTY"
        self._context = ServiceContext(
            self.host,
            county or os.environ.get(env, definition.default_county),
            dict(options),
            definition.policy,
        )
        for sub in definition.subscriptions:
            self.host.add_consumer(
                purpose=sub.purpose,
                version=sub.version,
                stream=sub.stream,
                subject=sub.subject,
                handler=_consumer_handler(self._context, sub),
                batch_size=sub.batch_size,
            )
        for p in definition.projections:
            self.host.add_projection(
                p.name, p.handle, stream_types=p.stream_types, reset=p.reset, batch_size=p.batch_size
            )
        for b in definition.background:
            self.host.add_background(b.name, _background(self._context, b.factory))
        if checkpoint_every is not None:
            self.host.add_background("chain-checkpoint", checkpoints.periodic(checkpoint_every))

    def context(self) -> ServiceContext:
        return self._context

    def audit_sources(self) -> Any:
        """What the auditor's reads know of the service (``audit_http.AuditSources``)."""
        from .audit_http import AuditSources

        aggregates = {a.stream_type: a for a in self.definition.aggregates}
        return AuditSources(aggregates, tuple(self.definition.person_purposes))

    def ops_sources(self) -> Any:
        """What the operations API knows of the service (``ops_http.OpsSources``)."""
        from .ops_http import OpsSources

        d = self.definition
        consumers = [(f"{d.name}-{s.purpose}-v{s.version}", s.stream) for s in d.subscriptions]
        return OpsSources(consumers, self.host.publication, d.internal_events, d.events.names)

    def app(self) -> Any:
        from .audit_http import audit_router
        from .ops_http import ops_router

        return self.host.fastapi(
            title=self.definition.title,
            description=self.definition.description,
            routers=[
                *self.definition.routers,
                audit_router(self.audit_sources()),
                ops_router(self.ops_sources()),
            ],
            context=self._context,
        )

    async def seed_demo(self) -> None:
        if self.definition.seed_demo is not None:
            await self.definition.seed_demo(self._context)


class ServiceFactory(Protocol):
    """How tests, benchmarks and tools build one process of a service."""

    def __call__(
        self,
        settings: ServiceSettings | None = None,
        *,
        clock: Any = None,
        county: str | None = None,
        scheduler: bool = True,
        scheduler_interval: float = 1.0,
    ) -> Service: ...


def factory(definition: ServiceDefinition) -> ServiceFactory:
    """The service's process factory (``Registry = factory(REGISTRY)``): ``scheduler=False`` leaves
    the background tasks (deadline schedulers) out, so that a test drives them itself."""

    def make(
        settings: ServiceSettings | None = None,
        *,
        clock: Any = None,
        county: str | None = None,
        scheduler: bool = True,
        scheduler_interval: float = 1.0,
    ) -> Service:
        chosen = definition if scheduler else dataclasses.replace(definition, background=())
        every = CHECKPOINT_EVERY if scheduler else None
        return Service(
            chosen,
            settings,
            clock=clock,
            county=county,
            checkpoint_every=every,
            scheduler_interval=scheduler_interval,
        )

    return make


def _background(ctx: ServiceContext, factory: BackgroundFactory) -> Any:
    def start(_: ServiceHost, stop: asyncio.Event) -> Coroutine[Any, Any, None]:
        return factory(ctx, stop)

    return start


def parse_contract(msg: Incoming, wanted: tuple[type[IntegrationEvent[Any]], ...]) -> Any | None:
    """The module's rule for what a subscription receives (see the module docstring): the parsed
    contract, ``None`` for a known contract the subscription does not use, ``PermanentError``
    (dead letter) for an unknown version or an invalid message."""
    try:
        event = parse_integration_event(msg.data)
    except UnknownContractError as exc:
        raise PermanentError(f"unknown contract version: {exc}") from None
    except ValidationError as exc:  # fields and rules, never the values (they may be resident IDs)
        raise PermanentError(describe_failure(exc)[0]) from None
    except ContractError as exc:
        raise PermanentError(f"not a contract: {exc}") from None
    return event if isinstance(event, wanted) else None


def _consumer_handler(ctx: ServiceContext, sub: Subscription) -> Any:
    actor_name = sub.actor or f"{sub.purpose}-policy"

    async def handle(msg: Incoming, conn: Connection) -> None:
        event = parse_contract(msg, sub.contracts)
        if event is None:
            return
        actor = Actor(actor_name, event.correlation_id, event.event_id)

        async def unit(uow: UnitOfWork) -> None:
            await sub.handler(ctx, event, uow)

        await ctx.run(actor, unit, conn=conn)

    return handle


def run_cli(definition: ServiceDefinition) -> None:
    """``python -m <package> COMMAND``: migrate | serve | relay | seed-demo | redrive. ``--help``
    needs no database: the service is built only when a command runs."""
    from .cli import build_cli

    build_cli(definition.name, lambda: Service(definition))()


__all__ = [
    "BackgroundDef",
    "ProjectionDef",
    "Service",
    "ServiceDefinition",
    "Subscription",
    "parse_contract",
    "run_cli",
]
