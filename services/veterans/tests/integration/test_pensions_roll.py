"""The pension roll projection on the real stack: the roll the run selects from
(``roll_reads.roll``) is the entitlement area's roll (``roll.entitled``, every stream folded),
entitlement by entitlement and month by month, after recognitions, a grade change, a
suspension and its lifting, a cancellation and a transfer out; also after the projection is
rebuilt, and at once after a change (the run brings it up to date first)."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any

from minzheng_contracts import Period, make_resident_id
from minzheng_veterans.application.pensions import roll, roll_reads

if TYPE_CHECKING:
    from conftest import Running

VILLAGE = "330727101201"


def body(n: int, **changes: Any) -> dict[str, Any]:
    return {
        "resident_id": make_resident_id("330727", date(1950, 1 + n % 12, 1 + n), n).reveal(),
        "residence": VILLAGE,
        "category": "disabled",
        "nature": "war",
        "grade": 1 + n % 10,
        "approved_on": "2026-02-10",
    } | changes


def months() -> list[Period]:
    out = [Period(2025, 12)]
    while len(out) < 20:
        out.append(out[-1].next())
    return out


def answers(entitled: list[roll.Entitled]) -> list[tuple[Any, ...]]:
    return [
        (
            e.entitlement_id,
            e.person,
            e.beneficiary,
            e.residence,
            e.category,
            [e.basis_in(p) for p in months()],
        )
        for e in entitled
    ]


async def test_the_projected_roll_is_the_folded_roll_also_after_changes_and_a_rebuild(
    veterans: Running,
) -> None:
    ctx = veterans.service.context()
    approver = dict(veterans.as_caller("county-approver"))
    caseworker = dict(veterans.as_caller("township-caseworker", division="330727101"))
    ids = [
        (await veterans.post("/entitlements", body(n), expect=201, headers=approver)).json()["entitlement_id"]
        for n in range(5)
    ]
    rural = body(9, category="rural_veteran_60", nature=None, grade=None, service_years=12)
    ids.append(
        (await veterans.post("/entitlements", rural, expect=201, headers=approver)).json()["entitlement_id"]
    )
    assert answers(await roll_reads.roll(ctx)) == answers(await roll.entitled(ctx))

    async def post(path: str, data: dict[str, Any], headers: dict[str, str]) -> None:
        await veterans.post(path, data, expect=201, headers=headers)

    await post(
        f"/entitlements/{ids[0]}/terms",
        {"category": "disabled", "nature": "war", "grade": 2, "from_period": "2026-05"},
        caseworker,
    )
    await post(f"/entitlements/{ids[1]}/suspension", {"reason": "服刑", "from_period": "2026-06"}, caseworker)
    await post(f"/entitlements/{ids[1]}/resumption", {"from_period": "2026-08"}, caseworker)
    await post(f"/entitlements/{ids[2]}/suspension", {"reason": "失联", "from_period": "2026-04"}, caseworker)
    await post(
        f"/entitlements/{ids[3]}/cancellation",
        {"reason": "disqualified", "effective_from": "2026-09", "note": "判处"},
        approver,
    )
    await post(
        f"/entitlements/{ids[4]}/transfer-out",
        {"to_county": "330782", "transferred_on": "2026-03-01"},
        caseworker,
    )
    projected = answers(await roll_reads.roll(ctx))  # brought up to date by the read itself
    assert projected == answers(await roll.entitled(ctx))
    assert [a[0] for a in projected] == sorted(ids)
    by_id = {a[0]: a[5] for a in projected}
    paid = {p for p, basis in zip(months(), by_id[ids[1]], strict=True) if basis is not None}
    assert Period(2026, 7) not in paid and {Period(2026, 5), Period(2026, 8)} <= paid
    assert by_id[ids[3]][months().index(Period(2026, 9))] is None

    await ctx.projection(roll_reads.NAME).rebuild()
    assert answers(await roll_reads.roll(ctx)) == projected
