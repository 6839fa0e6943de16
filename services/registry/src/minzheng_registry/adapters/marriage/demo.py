"""Demo data of the marriage area [assume]: a few marriages, an open divorce application (its
30-day cooling-off window, 离婚冷静期, a pending deadline) and deaths, entered as the registrar would
(idempotent: fixed ids; a second run changes nothing).

One of the deaths closes the demo's one case across services: ``CASE_PERSON`` (the same resident
ID in the assistance, veterans and eldercare demos: a 低保 recipient, an entitled veteran with a
pension and an elder with an allowance) died yesterday. Under ``make run`` every service is seeded
before it serves and the consumers read the REGISTRY stream from its start, so each of the three
knows the person when the ``DeathRegistered`` reaches it: assistance ends the 低保 case, veterans the
pension (and opens the death case), eldercare the allowance, all in the death's correlation
(``CASE_CORRELATION``: one case on the console's timeline, ``GET /operations/trace?correlation_id=``)."""

from __future__ import annotations

import contextlib
import uuid
from datetime import date, timedelta

from minzheng_contracts import make_resident_id
from minzheng_eventstore import Actor
from minzheng_eventstore.context import ServiceContext
from minzheng_kernel.calendar import local_date
from minzheng_kernel.errors import DomainError

from ...application.marriage import handlers as h

COUPLES = (
    ((date(1990, 4, 12), 31), (date(1992, 9, 3), 42), "0d3a0000-0000-4000-8000-00000000de01"),
    ((date(1985, 1, 20), 53), (date(1988, 11, 30), 64), "0d3a0000-0000-4000-8000-00000000de02"),
    ((date(1998, 2, 28), 75), (date(2000, 2, 29), 86), "0d3a0000-0000-4000-8000-00000000de03"),
)
APPLICATION = uuid.UUID("0d3a0000-0000-4000-8000-00000000df01")
DEATH = uuid.UUID("0d3a0000-0000-4000-8000-00000000dd01")
CASE_DEATH = uuid.UUID("0d3a0000-0000-4000-8000-00000000dd02")
CASE_CORRELATION = uuid.UUID("0d3a0000-0000-4000-8000-00000000cc01")
"""The correlation id of the case's death (the console's case search finds the path by it): the
registry's events and the other services' reactions carry it."""
CASE_PERSON = make_resident_id("330727", date(1936, 3, 15), 718)
CASE_VILLAGE = "330727101201"


async def seed_demo(ctx: ServiceContext) -> None:
    tool = Actor("demo-seed", jurisdiction=ctx.county)
    office = ctx.county
    for (hb, hs), (wb, ws), mid in COUPLES:
        with contextlib.suppress(DomainError):  # seeded before
            await h.register_marriage(
                ctx,
                tool,
                party_a=make_resident_id(office, hb, hs),
                party_b=make_resident_id(office, wb, ws),
                office=office,
                both_present=True,
                marriage_id=uuid.UUID(mid),
            )
    with contextlib.suppress(DomainError):
        await h.apply_for_divorce(
            ctx,
            tool,
            marriage_id=uuid.UUID(COUPLES[1][2]),
            office=office,
            both_present=True,
            written_agreement=True,
            application_id=APPLICATION,
        )
    with contextlib.suppress(DomainError):
        await h.register_death(
            ctx,
            tool,
            deceased=make_resident_id(office, date(1938, 7, 7), 17),
            date_of_death=date(2026, 1, 15),
            place=f"{office}101201",
            residence=f"{office}101201",
            office=office,
            registration_id=DEATH,
        )
    with contextlib.suppress(DomainError):
        await h.register_death(
            ctx,
            Actor("demo-seed", correlation_id=CASE_CORRELATION, jurisdiction=ctx.county),
            deceased=CASE_PERSON,
            date_of_death=local_date(ctx.clock.now()) - timedelta(days=1),
            place=CASE_VILLAGE,
            residence=CASE_VILLAGE,
            office=office,
            registration_id=CASE_DEATH,
        )
