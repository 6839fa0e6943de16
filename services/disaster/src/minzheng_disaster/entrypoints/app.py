"""One process of the disaster service, as tests, benchmarks and ``run_cli`` build it."""

from __future__ import annotations

import dataclasses

from minzheng_eventstore.host import ServiceSettings
from minzheng_eventstore.kit import Service
from minzheng_kernel.clock import Clock

from ..service import DISASTER


def Disaster(
    settings: ServiceSettings | None = None,
    *,
    clock: Clock | None = None,
    county: str | None = None,
    scheduler: bool = True,
    scheduler_interval: float = 1.0,
) -> Service:
    """The service; ``scheduler=False`` leaves the SLA scheduler out (tests drive ``raise_due``)."""
    definition = DISASTER if scheduler else dataclasses.replace(DISASTER, background=())
    return Service(definition, settings, clock=clock, county=county, scheduler_interval=scheduler_interval)
