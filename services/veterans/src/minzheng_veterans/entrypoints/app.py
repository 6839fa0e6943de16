"""One process of the veterans service, as tests, benchmarks and ``run_cli`` build it."""

from __future__ import annotations

from minzheng_eventstore.kit import factory

from ..service import VETERANS

Veterans = factory(VETERANS)
"""One process of the service; ``scheduler=False`` leaves the deadline schedulers out (tests drive them)."""
