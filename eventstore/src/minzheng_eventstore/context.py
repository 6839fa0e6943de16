"""The one context every handler of every service gets: store, clock, county, units of work."""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, TypeVar

import structlog

from minzheng_kernel.clock import Clock

from .access import Policy
from .builder import Actor, EventBuilder
from .identity import Principal, TokenVerifier, Unauthenticated
from .pseudonym import Pseudonyms
from .store import Connection, EventStore
from .uow import Unit, run_unit

if TYPE_CHECKING:
    from .host import ServiceHost
    from .projection import Projection

R = TypeVar("R")

TEST_PSEUDONYM_KEY = b"minzheng-test-key-not-for-deployments"
"""Only for settings built in code (tests, benchmarks); ``ServiceSettings.from_env`` requires a key."""


@dataclass
class ServiceContext:
    """What a handler needs besides its command: the running host's store, the injected clock,
    the county the service serves, and ``run`` for a unit of work."""

    host: ServiceHost
    county: str
    options: dict[str, Any] = field(default_factory=dict)
    """Service-specific knobs given at construction (e.g. a scheduler's interval)."""
    policy: Policy = field(default_factory=lambda: Policy({}))
    """Who may do what: the service's permission table (``access.Policy``)."""

    @property
    def service(self) -> str:
        return self.host.service

    @property
    def store(self) -> EventStore:
        return self.host.store

    @property
    def clock(self) -> Clock:
        return self.host.clock

    @functools.cached_property
    def pseudonyms(self) -> Pseudonyms:
        """Keyed pseudonyms with the deployment's secret (``pseudonym.Pseudonyms``)."""
        key = self.host.settings.pseudonym_key
        if key is None:
            structlog.get_logger("minzheng.context").warning(
                "pseudonym.test_key", hint="settings built in code: the fixed test key is used"
            )
            return Pseudonyms(TEST_PSEUDONYM_KEY)
        return Pseudonyms.from_secret(key)

    @functools.cached_property
    def verifier(self) -> TokenVerifier | NoVerifier:
        """Verifies callers' bearer tokens against the configured issuer."""
        oidc = self.host.settings.oidc
        return NoVerifier() if oidc is None else TokenVerifier(oidc)

    def builder(self, actor: Actor, jurisdiction: str | None = None) -> EventBuilder:
        """The event builder for one command of ``actor`` (default jurisdiction: the county)."""
        return EventBuilder(self.clock, actor, jurisdiction or self.county)

    async def run(self, actor: Actor, unit: Unit[R], *, conn: Connection | None = None) -> R:
        """Run a unit of work for ``actor``, retried whole on a concurrency conflict
        (``uow.run_unit``). ``conn`` binds it to a transaction already open (an inbox's)."""
        return await run_unit(self.store, unit, builder=self.builder(actor), conn=conn)

    def projection(self, name: str) -> Projection:
        """The named projection: the running one, or one to catch up by hand (tools, tests)."""
        return self.host.projection(name)


class NoVerifier:
    """No issuer configured (settings built in code without one): no token verifies."""

    async def verify(self, token: str) -> Principal:
        raise Unauthenticated("this service has no token issuer configured")
