"""The reports area's demo data: the catalogue's figures (eldercare-rules, "Fixture figures") as the
county's 2023 statistical return: 13 institutions = 7 rectified + 1 closed + 5 in progress (F0
L157); 81 hazards = 51 public + 30 private = 53 fixed + 28 in progress (A4 L209); 125 centres = 36
new + 89 earlier, subsidies 47 + 82.7 + 99.478 = 229.178万 (F0 L155). Idempotent."""

from __future__ import annotations

from datetime import date

from minzheng_eventstore import Actor
from minzheng_eventstore.context import ServiceContext

from ...application.reports import handlers as h

RETURN_ID = "330727-2023-catalogue"
FIGURES: dict[str, int] = {
    "institutions": 13,
    "rectified": 7,
    "closed": 1,
    "in_progress": 5,
    "hazards": 81,
    "hazards_public": 51,
    "hazards_private": 30,
    "hazards_fixed": 53,
    "hazards_in_progress": 28,
    "centres": 125,
    "centres_new": 36,
    "centres_earlier": 89,
    "subsidies_fen": 229_178_000,
    "construction_fen": 47_000_000,
    "operating_fen": 82_700_000,
    "meals_fen": 99_478_000,
}
TOOL = Actor("demo-seed")


async def seed_demo(ctx: ServiceContext) -> None:
    await h.import_return(
        ctx,
        TOOL,
        return_id=RETURN_ID,
        jurisdiction=ctx.county,
        as_of=date(2023, 12, 31),
        source="catalogue fixture figures (F0 L155-L159, A4 L209)",
        figures=FIGURES,
    )
