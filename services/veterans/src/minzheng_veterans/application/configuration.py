"""The veterans service's configuration (配置): the standards its areas know (every area's
``domain/<area>/parameters.py``, with their bounds), how a unit reads them (the kit's
``standards_table``) and the areas' demo and national rows loaded for the county, each with its
``StandardSet`` event."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date

from minzheng_eventstore import Actor
from minzheng_eventstore.configuration import MAX_VALUE
from minzheng_eventstore.context import ServiceContext
from minzheng_eventstore.standards import Bound, Bounded, set_standards, standards_table

from ..domain.aid.parameters import DEMO as AID
from ..domain.aid.parameters import Parameter as AidParameter
from ..domain.conscripts.parameters import DEMO as CONSCRIPTS
from ..domain.conscripts.parameters import Parameter as ConscriptParameter
from ..domain.death.amounts import FUNERAL_GRANT, URBAN_INCOME, WAGE_FLOOR
from ..domain.pensions import parameters as pensions
from ..domain.placement.parameters import DEMO as PLACEMENT
from ..domain.placement.parameters import Parameter as PlacementParameter


def _pension(name: str) -> Bounded:
    """A pension standard: fen, 0..``MAX_ANNUAL_FEN`` (the area's sanity ceiling); stacking a flag."""
    return Bound(name, 0, 1 if name == pensions.STACKING else pensions.MAX_ANNUAL_FEN)


PARAMETERS: Mapping[str, Bounded] = {
    **{p.value: p for p in (*ConscriptParameter, *PlacementParameter, *AidParameter)},
    **{name: _pension(name) for name in pensions.parameters()},
    # the death area declares no bounds: fen, 0..10^10
    **{name: Bound(name, 0, MAX_VALUE) for name in (URBAN_INCOME, WAGE_FLOOR, FUNERAL_GRANT)},
}
"""Every parameter a veterans standard may fix, by name, with its bounds (the death one-offs'
``death.*`` declare none: 0..10^10 fen)."""

SETUP = Actor("veterans-setup")


async def load_national_standards(ctx: ServiceContext) -> int:
    """The areas' demo rows for the county, those not set yet; how many were recorded."""
    rows = tuple(
        (PARAMETERS[p.value], date.fromisoformat(on), value)
        for p, on, value in (*CONSCRIPTS, *PLACEMENT, *AID)
    )
    return await set_standards(ctx, SETUP, rows)


__all__ = ["PARAMETERS", "load_national_standards", "standards_table"]
