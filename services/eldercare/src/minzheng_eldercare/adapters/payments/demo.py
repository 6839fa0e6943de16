"""The payments area's demo data: the demo's one case across services. ``CASE_PERSON`` (the same
resident ID in the assistance, veterans and registry demos), 90 years old, of village
330727101201, a 低保 recipient, registered for the old-age allowance and checked (the allowance in
the 90–99 band starts), so that the allowance roll pays the person. The registry's demo registers
the person's death: under ``make run`` its ``DeathRegistered`` reaches this service's
``eldercare-deaths-v1``, which ends the allowance with the month of death, in the death's
correlation. Idempotent: a person registered already is not registered again, and a check
changes nothing the second time."""

from __future__ import annotations

from datetime import date

from minzheng_contracts import make_resident_id
from minzheng_eventstore import Actor
from minzheng_eventstore.context import ServiceContext
from minzheng_kernel.calendar import local_date

from ...application.allowance import handlers as h
from ...application.allowance.check import check_allowances

CASE_PERSON = make_resident_id("330727", date(1936, 3, 15), 718)
CASE_VILLAGE = "330727101201"


async def seed_demo(ctx: ServiceContext) -> None:
    today = local_date(ctx.clock.now())
    result = await h.register_roll(ctx, Actor("demo-seed"), [h.Application(CASE_PERSON, CASE_VILLAGE, True)])
    if not result.already_registered:
        await check_allowances(ctx, today)
