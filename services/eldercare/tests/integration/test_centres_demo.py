"""The centres and subsidies areas' demo seed on the real stack, from the catalogue (F0 L155):
125 home-care centres, 36 of them new (accepted) in 2023, all operating; the 2023 round of
229.178万 = 47 + 82.7 + 99.478万 paid out exactly, by type; last month's subsidy for the demo's
two small private homes; seeding again writes nothing, and the read models rebuilt from the events
answer the same."""

from __future__ import annotations

from minzheng_eldercare.adapters import centres, subsidies

from .conftest import Running
from .test_centres_lifecycle import events


async def test_the_demo_has_the_catalogues_centres_and_2023_subsidies(eldercare: Running) -> None:
    for iid, township in (("private-330727-1", "330727104"), ("private-330727-2", "330727105")):
        await eldercare.post(
            "/institutions",
            {
                "institution_id": iid,
                "name": "某民办养老院",
                "kind": "private",
                "township": township,
                "beds": 30,
                "model": "private",
                "registered_on": "2025-01-10",
            },
            expect=201,
        )
    ctx = eldercare.service.context()
    assert centres.AREA.seed_demo is not None and subsidies.AREA.seed_demo is not None
    await centres.AREA.seed_demo(ctx)
    await subsidies.AREA.seed_demo(ctx)
    written = await events(eldercare)
    await centres.AREA.seed_demo(ctx)
    await subsidies.AREA.seed_demo(ctx)
    assert await events(eldercare) == written

    listed = (await eldercare.get("/care-centres", limit=500)).json()
    assert listed["total"] == 125
    figures = (await eldercare.get("/care-centres/figures")).json()
    assert figures["by_status"] == {"operating": 125}
    assert figures["accepted_by_year"]["2023"] == 36
    assert sum(figures["accepted_by_year"].values()) == 125
    assert len(figures["by_township"]) == 10

    totals = (await eldercare.get("/subsidies/totals", year=2023)).json()
    assert totals["by_kind"] == {
        "construction": {"count": 36, "total_fen": 47_000_000},
        "operating": {"count": 125, "total_fen": 82_700_000},
        "meals": {"count": 125, "total_fen": 99_478_000},
    }
    assert totals["total_fen"] == 229_178_000
    got = (await eldercare.get("/subsidy-rounds/330727-2023")).json()
    assert got["total_fen"] == 229_178_000 and got["paid"] == got["amounts"]

    for name in ("eldercare-care-centres", "eldercare-subsidies"):
        await ctx.projection(name).rebuild()
    assert (await eldercare.get("/subsidies/totals", year=2023)).json() == totals
    assert (await eldercare.get("/care-centres/figures")).json() == figures

    private = (await eldercare.get("/subsidies", kind="private_institution")).json()
    assert [(x["beneficiary"], x["reference"], x["amount_fen"]) for x in private["items"]] == [
        ("private-330727-1", "2026-02", 120_000),
        ("private-330727-2", "2026-02", 80_000),
    ]
