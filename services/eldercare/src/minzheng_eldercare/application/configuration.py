"""The eldercare service's configuration (配置): the standards its areas know (every area's
``domain/<area>/parameters.py``, with their bounds), how a unit reads them (the kit's
``standards_table``) and the areas' demo rows loaded for the county, each with its ``StandardSet``
event. An area adds its parameters to ``PARAMETERS`` and its demo rows to ``DEMO_ROWS``."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date

from minzheng_eventstore import Actor
from minzheng_eventstore.context import ServiceContext
from minzheng_eventstore.standards import Bound, Bounded, set_standards, standards_table

from ..domain.allowance import parameters as allowance
from ..domain.inspections import parameters as inspections
from ..domain.institutions import parameters as institutions
from ..domain.subsidies import parameters as subsidies

PARAMETERS: Mapping[str, Bounded] = {
    **{p.value: p for p in allowance.Parameter},
    **{p.value: p for p in inspections.Parameter},
    **{p.value: p for p in institutions.Parameter},
    **{
        allowance.band_parameter(lower): Bound(allowance.band_parameter(lower), 0, allowance.MAX_MONTHLY_FEN)
        for lower in allowance.THRESHOLDS
    },
    **{name: Bound(name, 0, subsidies.MAX_PERSON_MONTH_FEN) for name in subsidies.LEVEL_PARAMETERS},
}
"""Every parameter an eldercare standard may fix, by name, with its bounds."""

DEMO_ROWS: tuple[tuple[str, str, int], ...] = (
    *allowance.DEMO,
    *institutions.DEMO,
    *subsidies.DEMO,
    *inspections.DEMO,
)
"""(parameter, effective from, value) for the demo county, every area's."""

SETUP = Actor("eldercare-setup")


async def load_county_standards(ctx: ServiceContext) -> int:
    """The areas' demo rows for the county, those not set yet; how many were recorded."""
    rows = tuple((PARAMETERS[name], date.fromisoformat(on), value) for name, on, value in DEMO_ROWS)
    return await set_standards(ctx, SETUP, rows)


__all__ = ["DEMO_ROWS", "PARAMETERS", "load_county_standards", "standards_table"]
