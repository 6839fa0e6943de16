"""Wiring of the disaster service."""

from __future__ import annotations

import os
from typing import Any

from minzheng_eventstore.clock import Clock
from minzheng_eventstore.host import ServiceHost, ServiceSettings

from .. import SERVICE
from ..adapters.http import build_router
from ..adapters.publication import publication
from ..adapters.schema import MIGRATIONS
from ..application.handlers import Context
from ..application.policies import on_assistance_event
from ..application.scheduler import run_scheduler


class Disaster:
    def __init__(
        self,
        settings: ServiceSettings | None = None,
        *,
        clock: Clock | None = None,
        county: str | None = None,
        scheduler_interval: float = 1.0,
        scheduler: bool = True,
    ) -> None:
        self.host = ServiceHost(
            settings or ServiceSettings.from_env(SERVICE),
            publication=publication,
            migrations=MIGRATIONS,
            clock=clock,
        )
        self.county = county or os.environ.get("DISASTER_COUNTY", "330727")
        self.host.add_consumer(
            purpose="vulnerable",
            version=1,
            stream="ASSISTANCE",
            subject="assistance.>",
            handler=on_assistance_event,
        )
        if scheduler:
            self.host.add_background(
                "sla-scheduler",
                lambda host, stop: run_scheduler(self.context(), stop, interval=scheduler_interval),
            )

    def context(self) -> Context:
        return Context(self.host.store, self.host.clock, self.county)

    def app(self) -> Any:
        return self.host.fastapi(
            title="minzheng disaster relief (救灾)",
            description="Incidents, affected households, relief stock and delivery, 24 h SLA.",
            routers=[build_router(self.context)],
        )
