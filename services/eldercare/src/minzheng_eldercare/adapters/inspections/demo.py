"""The inspections area's demo data, from the catalogue (eldercare-rules "Fixture figures"):
81 hazards = 51 public + 30 private = 53 fixed + 28 in progress (A4 L209), over 13 institutions =
7 rectified + 1 closed + 5 in progress (F0 L157).

Seeded on the institutions the institutions area registered (their ``institution_standing``
rows, the first 13 by id; fewer are used as they are, none: nothing). Each gets one inspection
and its order: the first three 7 findings, the others 6; the 7 rectified are re-inspected with
every finding fixed (45); the closed one is suspended by the bureau and closed (6 in progress);
the 5 in progress have 2, 2, 2, 1 and 1 findings fixed (8 fixed, 22 in progress). The first 51
findings are public, the last 30 private (the catalogue's split, whatever the kinds registered).
Idempotent: an institution already inspected is skipped."""

from __future__ import annotations

import contextlib
import uuid

from minzheng_eventstore import Actor
from minzheng_eventstore.context import ServiceContext
from minzheng_kernel.calendar import local_date
from minzheng_kernel.errors import Conflict

from ...application.inspections import handlers as h
from ...domain.inspections import decisions as d
from ...domain.inspections import events as e

INSTITUTIONS = 13
RECTIFIED, CLOSED = 7, 1
PUBLIC = 51
FIXED_IN_PROGRESS = (2, 2, 2, 1, 1)
CATEGORIES = tuple(e.Category)


def findings_of(n: int) -> int:
    return 7 if n < 3 else 6


async def seed_demo(ctx: ServiceContext) -> None:
    tool = Actor("demo-seed")
    async with ctx.store.pool.acquire() as conn:
        ids = [
            str(r["institution_id"])
            for r in await conn.fetch(
                "SELECT institution_id FROM institution_standing ORDER BY institution_id LIMIT $1",
                INSTITUTIONS,
            )
        ]
    today = local_date(ctx.clock.now())
    seq = 0
    for n, institution_id in enumerate(ids):
        inspection_id = str(uuid.UUID(int=0x1A5E << 112 | n + 1))
        order_id = str(uuid.UUID(int=0x0DE5 << 112 | n + 1))
        findings = []
        for _ in range(findings_of(n)):
            seq += 1
            sector = e.Sector.PUBLIC if seq <= PUBLIC else e.Sector.PRIVATE
            findings.append(d.Finding(CATEGORIES[seq % len(CATEGORIES)], sector, f"演示隐患 {seq}"))
        async with ctx.store.pool.acquire() as conn:
            if await conn.fetchval("SELECT 1 FROM eldercare_inspections WHERE id = $1", inspection_id):
                continue
        with contextlib.suppress(Conflict):
            await h.inspect(
                ctx,
                tool,
                inspection_id=inspection_id,
                institution_id=institution_id,
                inspected_on=today,
                inspector="县民政局安全检查组",
                findings=findings,
            )
            state = await h.order(ctx, tool, inspection_id=inspection_id, order_id=order_id)
            hazards = state.orders[order_id].hazard_ids
            if n < RECTIFIED:
                fixed = len(hazards)
            elif n < RECTIFIED + CLOSED:
                await h.suspend(
                    ctx, tool, institution_id=institution_id, order_id=order_id, reason="重大隐患未整改"
                )
                await h.close(ctx, tool, institution_id=institution_id, reason="责令关停")
                continue
            else:
                fixed = FIXED_IN_PROGRESS[(n - RECTIFIED - CLOSED) % len(FIXED_IN_PROGRESS)]
            await h.reinspect(
                ctx,
                tool,
                order_id=order_id,
                reinspected_on=today,
                inspector="县民政局安全检查组",
                verdicts={x: i < fixed for i, x in enumerate(hazards)},
            )
