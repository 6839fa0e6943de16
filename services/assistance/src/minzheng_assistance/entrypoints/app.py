"""Wiring: one ServiceHost with the assistance pieces; the HTTP app and the CLI come from it."""

from __future__ import annotations

import os
from typing import Any

from minzheng_eventstore.clock import Clock
from minzheng_eventstore.host import ServiceHost, ServiceSettings
from minzheng_eventstore.projection import Projection

from .. import SERVICE
from ..adapters import projection as read_models
from ..adapters.http import build_router
from ..adapters.publication import publication
from ..adapters.schema import MIGRATIONS
from ..application.handlers import Context
from ..application.policies import on_death_registered

PROJECTION = "assistance-read-models"


class Assistance:
    """The assistance service process: host + context + the pieces that need both."""

    def __init__(
        self,
        settings: ServiceSettings | None = None,
        *,
        clock: Clock | None = None,
        county: str | None = None,
    ) -> None:
        self.host = ServiceHost(
            settings or ServiceSettings.from_env(SERVICE),
            publication=publication,
            migrations=MIGRATIONS,
            clock=clock,
        )
        self.county = county or os.environ.get("ASSISTANCE_COUNTY", "330727")
        self.host.add_projection(
            PROJECTION, read_models.project, stream_types=read_models.STREAM_TYPES, reset=read_models.reset
        )
        self.host.add_consumer(
            purpose="deaths",
            version=1,
            stream="REGISTRY",
            subject="registry.death.registered",
            handler=lambda msg, conn: on_death_registered(self.context(), msg, conn),
        )

    def context(self) -> Context:
        return Context(self.host.store, self.host.clock, self.county)

    def projection(self) -> Projection:
        existing = self.host.projections.get(PROJECTION)
        if existing is not None:
            return existing
        return Projection(
            self.host.store,
            PROJECTION,
            read_models.project,
            stream_types=read_models.STREAM_TYPES,
            reset=read_models.reset,
        )

    def app(self) -> Any:
        return self.host.fastapi(
            title="minzheng assistance (社会救助)",
            description="低保 from application to monthly payment; 特困 support; temporary and medical aid.",
            routers=[build_router(self.context, self.projection)],
        )


def create_app() -> Any:
    return Assistance().app()
