"""One process of the registry service, as tests, benchmarks and ``run_cli`` build it."""

from __future__ import annotations

import dataclasses

from minzheng_eventstore.host import ServiceSettings
from minzheng_eventstore.kit import Service
from minzheng_kernel.clock import Clock

from ..service import REGISTRY


def Registry(
    settings: ServiceSettings | None = None,
    *,
    clock: Clock | None = None,
    county: str | None = None,
    scheduler: bool = True,
    scheduler_interval: float = 1.0,
) -> Service:
    """The service; ``scheduler=False`` leaves the deadline schedulers out (tests drive them)."""
    definition = REGISTRY if scheduler else dataclasses.replace(REGISTRY, background=())
    return Service(definition, settings, clock=clock, county=county, scheduler_interval=scheduler_interval)
