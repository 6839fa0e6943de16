"""The institutions area's demo data, from the catalogue's figures (eldercare-rules "Fixture
figures"): the county welfare centre with 91 residents (F0 L159; its 120 beds [assume]); 7
township centres (敬老院) with 731 beds in all (A4 L161), 5 特困 residents in each (centralised
support); 3 institutions with 444 beds (A4 L161: the 光荣院 and two 医养结合 homes [assume: the
split]); two small private homes; one unregistered home under follow-up (A4 L183). Idempotent
(fixed ids; what exists is skipped)."""

from __future__ import annotations

import contextlib
import uuid
from datetime import date, timedelta

from minzheng_contracts import make_resident_id
from minzheng_eventstore import Actor
from minzheng_eventstore.context import ServiceContext
from minzheng_kernel.calendar import local_date
from minzheng_kernel.errors import Conflict

from ...application.institutions import registration as h
from ...application.institutions import residency as rh
from ...application.institutions import unregistered as uh
from ...domain.institutions.institution import Kind, OperatingModel
from ...domain.institutions.residency import CareLevel

TOWNSHIPS = tuple(f"330727{n}" for n in range(101, 108))
CENTRE_BEDS = (105, 105, 105, 104, 104, 104, 104)  # 731 in all (A4 L161)
TEKUN_PER_CENTRE = 5
LEVELS = (CareLevel.SELF_CARE, CareLevel.PARTIAL, CareLevel.FULL, CareLevel.SPECIAL)

HOMES: tuple[tuple[str, str, Kind, str, int, OperatingModel, int], ...] = (
    ("welfare-330727", "县社会福利中心", Kind.WELFARE_HOME, TOWNSHIPS[0], 120, OperatingModel.PUBLIC, 91),
    *(
        (
            f"jly-{t}",
            f"{t[-3:]}乡镇中心敬老院",
            Kind.NURSING_HOME,
            t,
            beds,
            OperatingModel.PUBLIC_BUILT_PRIVATE_RUN if n % 2 else OperatingModel.PUBLIC,
            TEKUN_PER_CENTRE,
        )
        for n, (t, beds) in enumerate(zip(TOWNSHIPS, CENTRE_BEDS, strict=True))
    ),
    ("ghy-330727", "县光荣院", Kind.GLORY_HOME, TOWNSHIPS[0], 64, OperatingModel.PUBLIC, 0),
    ("yy-330727-1", "县医养结合中心", Kind.PRIVATE, TOWNSHIPS[1], 190, OperatingModel.MEDICAL_CARE, 0),
    ("yy-330727-2", "某医养结合养老院", Kind.PRIVATE, TOWNSHIPS[2], 190, OperatingModel.MEDICAL_CARE, 0),
    ("private-330727-1", "某民办养老院", Kind.PRIVATE, TOWNSHIPS[3], 30, OperatingModel.PRIVATE, 6),
    ("private-330727-2", "某民办托老所", Kind.PRIVATE, TOWNSHIPS[4], 24, OperatingModel.PRIVATE, 4),
)
"""(id, name, kind, township, beds, model, residents)."""

UNREGISTERED_CASE = "5e5d0000-0000-4000-8000-00000000ca5e"


async def seed_demo(ctx: ServiceContext) -> None:
    tool = Actor("demo-seed")
    today = local_date(ctx.clock.now())
    registered = today - timedelta(days=400)
    n = 0
    for iid, name, kind, township, beds, model, residents in HOMES:
        with contextlib.suppress(Conflict):
            await h.register(
                ctx,
                tool,
                institution_id=iid,
                name=name,
                kind=kind,
                township=township,
                beds=beds,
                model=model,
                registered_on=registered,
            )
        for k in range(residents):
            n += 1
            admitted = today - timedelta(days=10 + n)
            with contextlib.suppress(Conflict):
                await rh.admit(
                    ctx,
                    tool,
                    iid,
                    residency_id=str(uuid.UUID(int=0x5E5D << 112 | n)),
                    person=make_resident_id("330727", date(1936, 1, 1) + timedelta(days=37 * n), n % 900 + 1),
                    is_tekun=kind is Kind.NURSING_HOME,
                    care_level=LEVELS[k % len(LEVELS)],
                    agreement_number=f"RZ-{iid}-{k + 1:03d}",
                    agreement_date=admitted,
                    admitted_on=admitted,
                )
    with contextlib.suppress(Conflict):
        await uh.report(
            ctx,
            tool,
            case_id=UNREGISTERED_CASE,
            name="某村私人托老点",
            township=TOWNSHIPS[5],
            address="某村",
            residents=5,
            reported_on=today - timedelta(days=5),
        )
