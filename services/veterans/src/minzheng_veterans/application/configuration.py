"""INTERIM (engineer E, until the skeleton's configuration lands): how a unit reads the standards,
and the demo standards of the conscripts, placement and aid areas loaded for the county."""

from __future__ import annotations

from datetime import date

from minzheng_eventstore import standards as stored
from minzheng_eventstore.context import ServiceContext
from minzheng_eventstore.uow import UnitOfWork
from minzheng_kernel.standards import Standard, StandardsTable

from ..domain.aid.parameters import DEMO as AID
from ..domain.conscripts.parameters import DEMO as CONSCRIPTS
from ..domain.placement.parameters import DEMO as PLACEMENT


async def standards_table(uow: UnitOfWork) -> StandardsTable:
    """Every standard, read in the unit's transaction."""
    rows = await stored.load_standards(uow.conn)
    return StandardsTable(Standard(r.parameter, r.jurisdiction, r.effective_from, r.value) for r in rows)


async def load_national_standards(ctx: ServiceContext) -> int:
    """The areas' demo rows for the county, those not set yet; how many were recorded."""
    recorded = 0
    async with ctx.store.pool.acquire() as conn:
        for parameter, effective_from, value in (*CONSCRIPTS, *PLACEMENT, *AID):
            row = stored.StandardRow(parameter.value, ctx.county, date.fromisoformat(effective_from), value)
            recorded += bool(await stored.insert_standard(conn, row))
    return recorded
