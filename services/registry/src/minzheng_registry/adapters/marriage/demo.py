"""Demo data of the marriage area [assume]: a few marriages, an open divorce application and a
death, entered as the registrar would (idempotent: fixed ids; a second run changes nothing)."""

from __future__ import annotations

import contextlib
import uuid
from datetime import date

from minzheng_contracts import make_resident_id
from minzheng_eventstore import Actor
from minzheng_eventstore.context import ServiceContext
from minzheng_kernel.errors import DomainError

from ...application.marriage import handlers as h

COUPLES = (
    ((date(1990, 4, 12), 31), (date(1992, 9, 3), 42), "0d3a0000-0000-4000-8000-00000000de01"),
    ((date(1985, 1, 20), 53), (date(1988, 11, 30), 64), "0d3a0000-0000-4000-8000-00000000de02"),
    ((date(1998, 2, 28), 75), (date(2000, 2, 29), 86), "0d3a0000-0000-4000-8000-00000000de03"),
)
APPLICATION = uuid.UUID("0d3a0000-0000-4000-8000-00000000df01")
DEATH = uuid.UUID("0d3a0000-0000-4000-8000-00000000dd01")


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
