"""One process of the eldercare service, as tests, benchmarks and ``run_cli`` build it."""

from __future__ import annotations

from minzheng_eventstore.kit import factory

from ..service import ELDERCARE

Eldercare = factory(ELDERCARE)
"""One process of the service; ``scheduler=False`` leaves the deadline schedulers out (tests drive them)."""
