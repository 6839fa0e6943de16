"""One process of the assistance service (tests, tools and benchmarks build it here)."""

from __future__ import annotations

from typing import Any

from minzheng_eventstore.host import ServiceSettings
from minzheng_eventstore.kit import Service
from minzheng_kernel.clock import Clock

from ..service import ASSISTANCE


def Assistance(
    settings: ServiceSettings | None = None, *, clock: Clock | None = None, county: str | None = None
) -> Service:
    return Service(ASSISTANCE, settings, clock=clock, county=county)


def create_app() -> Any:
    return Assistance().app()
