"""INTERIM (engineer E, until the skeleton lands): one process of the veterans service."""

from __future__ import annotations

import dataclasses

from minzheng_eventstore.host import ServiceSettings
from minzheng_eventstore.kit import Service
from minzheng_kernel.clock import Clock

from ..service import VETERANS


def Veterans(
    settings: ServiceSettings | None = None,
    *,
    clock: Clock | None = None,
    county: str | None = None,
    scheduler: bool = True,
    scheduler_interval: float = 1.0,
) -> Service:
    definition = VETERANS if scheduler else dataclasses.replace(VETERANS, background=())
    return Service(definition, settings, clock=clock, county=county, scheduler_interval=scheduler_interval)
