"""One process of the disaster service, as tests, benchmarks and ``run_cli`` build it."""

from __future__ import annotations

from minzheng_eventstore.kit import factory

from ..service import DISASTER

Disaster = factory(DISASTER)
"""One process of the service; ``scheduler=False`` leaves the deadline schedulers out (tests drive them)."""
