"""The death area's demo data: the demo's one case across services. ``CASE_PERSON`` (the same
resident ID in the assistance, eldercare and registry demos), a 90-year-old 在乡复员军人 of village
330727101201 with a periodic pension (定期定量补助) approved a year and a half ago. The registry's
demo registers the person's death: under ``make run`` its ``DeathRegistered`` reaches this
service's ``veterans-deaths-v1``, which ends the pension and opens the death case, in the death's
correlation. Idempotent: the person recognised already (alive or not) is left as is."""

from __future__ import annotations

import contextlib
from datetime import date, timedelta

from minzheng_contracts import Period, make_resident_id
from minzheng_eventstore import Actor
from minzheng_eventstore.context import ServiceContext
from minzheng_kernel.calendar import local_date
from minzheng_kernel.errors import Conflict

from ...application.entitlement import handlers as h
from ...domain.entitlement.categories import Category, terms

CASE_PERSON = make_resident_id("330727", date(1936, 3, 15), 718)
CASE_VILLAGE = "330727101201"


async def seed_demo(ctx: ServiceContext) -> None:
    approved = local_date(ctx.clock.now()) - timedelta(days=540)
    with contextlib.suppress(Conflict):  # one entitlement per person and category, for good
        await h.recognise(
            ctx,
            Actor("demo-seed"),
            resident_id=CASE_PERSON,
            residence=CASE_VILLAGE,
            terms=terms(Category.DEMOBILISED, Period.of(approved)),
            approved_on=approved,
        )
