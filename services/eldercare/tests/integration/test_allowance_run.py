"""The allowance run on the real stack: one payment per (elder, month) at the band's standard in
force, published once as ``PaymentIssued`` v2; a repeat pays nobody twice; the annual mode pays a
year's months once in its month; the reads, filters and refusals."""

from __future__ import annotations

import json
from datetime import date, datetime
from typing import Any

from minzheng_contracts import PaymentIssuedV2
from minzheng_contracts.period import Period
from minzheng_eldercare.domain.allowance import events as ev
from minzheng_eventstore.testing import refused

from .conftest import CST, Running
from .test_payments_seed import record, seed

SUBJECT = "eldercare.payment.issued"


async def received(eldercare: Running, nats_admin: Any, sub: Any) -> list[dict[str, Any]]:
    """Every message the subscriber got once the relay has published all that is committed."""
    await eldercare.relay_caught_up()
    await nats_admin.flush()
    bodies = []
    while sub.pending_msgs:
        msg = await sub.next_msg()
        PaymentIssuedV2.model_validate_json(msg.data)
        bodies.append(json.loads(msg.data))
    return bodies


async def test_a_month_is_paid_once_per_elder_at_the_band_standard_and_published_once(
    eldercare: Running, nats_admin: Any
) -> None:
    sub = await nats_admin.subscribe(SUBJECT)
    ctx = eldercare.service.context()
    a = await seed(ctx, 1)  # 80-89 from 2024-01
    b = await seed(ctx, 2, born=date(1934, 2, 2), lower=90)
    await seed(ctx, 3, born=date(1946, 4, 9), starts=Period(2026, 4))  # not started in March
    run = (await eldercare.post("/allowance-runs", {"period": "2026-03"}, expect=201)).json()
    assert (run["mode"], run["paid"], run["already_paid"], run["total_fen"]) == ("monthly", 2, 0, 32_000)
    assert run["skipped"] == {"not_started": 1}
    again = (await eldercare.post("/allowance-runs", {"period": "2026-03"}, expect=201)).json()
    assert (again["paid"], again["already_paid"], again["total_fen"]) == (0, 2, 0)
    runs = (await eldercare.get("/allowance-runs/2026-03")).json()
    assert [r["run_id"] for r in runs] == [run["run_id"], again["run_id"]]

    page = (await eldercare.get("/allowance-payments", period="2026-03")).json()
    assert page["total"] == 2 and page["next_offset"] is None
    by_elder = {p["elder_id"]: p for p in page["items"]}
    assert by_elder[a.elder_id]["amount_fen"] == 12_000  # the 80-89 standard raised from 2025
    assert by_elder[a.elder_id]["standard_id"] == "allowance.band.80:330727:2025-01-01"
    assert by_elder[b.elder_id]["standard_id"] == "allowance.band.90:330727:2024-01-01"
    assert by_elder[b.elder_id]["beneficiary"] == b.resident  # the approver sees it whole

    messages = await received(eldercare, nats_admin, sub)
    assert len(messages) == 2
    for m in messages:
        assert (m["producer"], m["event_type"], m["schema_version"]) == ("eldercare", "PaymentIssued", 2)
        assert m["data"]["programme"] == "eldercare_old_age_allowance"
        assert m["data"]["period"] == "2026-03" and m["data"]["run_id"] == run["run_id"]
    assert {m["data"]["payment_id"] for m in messages} == {p["payment_id"] for p in page["items"]}
    assert {m["data"]["beneficiary"]: m["data"]["amount_fen"] for m in messages} == {
        a.resident: 12_000,
        b.resident: 20_000,
    }
    await sub.unsubscribe()


async def test_payments_are_filtered_paged_and_masked_for_other_roles(eldercare: Running) -> None:
    ctx = eldercare.service.context()
    seeded = [await seed(ctx, n) for n in range(1, 6)]
    await seed(ctx, 9, born=date(1935, 3, 3), lower=90)
    await eldercare.post("/allowance-runs", {"period": "2026-02"}, expect=201)
    await eldercare.post("/allowance-runs", {"period": "2026-03"}, expect=201)
    first = (await eldercare.get("/allowance-payments", period="2026-03", band="80-89", limit=2)).json()
    assert (first["total"], len(first["items"]), first["next_offset"]) == (5, 2, 2)
    rest = (
        await eldercare.get("/allowance-payments", period="2026-03", band="80-89", limit=2, offset=4)
    ).json()
    assert (len(rest["items"]), rest["next_offset"]) == (1, None)
    one = (await eldercare.get("/allowance-payments", elder_id=seeded[0].elder_id)).json()
    assert [p["key"] for p in one["items"]] == ["2026-02", "2026-03"]
    reviewer = eldercare.as_caller("township-reviewer", division="330727101")
    masked = (
        await eldercare.get("/allowance-payments", headers=reviewer, elder_id=seeded[0].elder_id)
    ).json()
    assert masked["items"][0]["beneficiary"] != seeded[0].resident
    assert "*" in masked["items"][0]["beneficiary"]
    refused(
        await eldercare.get("/allowance-payments", expect=None, period="2026-13"),
        422,
        "invalid_input",
        "period",
    )


async def test_bad_input_and_the_wrong_caller_are_refused_with_nothing_written(eldercare: Running) -> None:
    ctx = eldercare.service.context()
    await seed(ctx, 1)
    before = await eldercare.fetchval("SELECT count(*) FROM events")
    for body, field in (
        ({"period": "2026-13"}, "period"),
        ({"period": "2026-03", "x": 1}, "x"),
        ({}, "period"),
    ):
        response = await eldercare.post("/allowance-runs", body, expect=None)
        assert response.status_code == 422, response.text
        assert field in response.text
    refused(
        await eldercare.post("/allowance-runs", {"period": "2026-04"}, expect=None),
        422,
        "period_in_future",
        "period",
    )
    reviewer = eldercare.as_caller("township-reviewer", division="330727")
    response = await eldercare.post("/allowance-runs", {"period": "2026-03"}, headers=reviewer, expect=None)
    assert response.status_code == 403
    township = eldercare.as_caller("county-approver", division="330727101")
    refused(
        await eldercare.post("/allowance-runs", {"period": "2026-03"}, headers=township, expect=None),
        403,
        "outside_jurisdiction",
    )
    anonymous = await eldercare.request("POST", "/allowance-runs", json={"period": "2026-03"}, anonymous=True)
    assert anonymous.status_code == 401
    refused(await eldercare.get("/allowance-runs/2026-01", expect=None), 404, "no_run")
    assert await eldercare.fetchval("SELECT count(*) FROM events") == before


async def test_annual_mode_pays_the_years_months_once_in_its_month(eldercare: Running) -> None:
    ctx = eldercare.service.context()
    a = await seed(ctx, 1)
    b = await seed(ctx, 2, born=date(1934, 2, 2), lower=90)
    for month in ("2026-02", "2026-03"):  # paid monthly before the county changes its mode
        await eldercare.post("/allowance-runs", {"period": month}, expect=201)
    mode = {
        "parameter": "allowance.mode",
        "jurisdiction": "330727",
        "effective_from": "2026-04-01",
        "value": 1,
    }
    await eldercare.post("/standards", mode, expect=201)
    died = ev.AllowanceEnded(
        b.elder_id, b.elder_id, b.resident, "330727101201", "death", "2026-06", "2026-06-11"
    )
    await record(ctx, b.elder_id, [died])
    eldercare.clock.set(datetime(2026, 12, 3, 9, 0, tzinfo=CST))
    november = (await eldercare.post("/allowance-runs", {"period": "2026-11"}, expect=201)).json()
    assert (november["mode"], november["paid"], november["skipped"]) == ("annual", 0, {"annual_mode": 2})
    december = (await eldercare.post("/allowance-runs", {"period": "2026-12"}, expect=201)).json()
    assert (december["paid"], december["total_fen"]) == (2, 10 * 12_000 + 4 * 20_000)
    again = (await eldercare.post("/allowance-runs", {"period": "2026-12"}, expect=201)).json()
    assert (again["paid"], again["already_paid"]) == (0, 2)
    year = {
        p["elder_id"]: p for p in (await eldercare.get("/allowance-payments", period="2026")).json()["items"]
    }
    assert year[a.elder_id]["months"] == ["2026-01", *(f"2026-{m:02d}" for m in range(4, 13))]
    assert year[b.elder_id]["months"] == ["2026-01", "2026-04", "2026-05", "2026-06"]
    assert year[a.elder_id]["mode"] == "annual" and year[a.elder_id]["amount_fen"] == 120_000
    total = await eldercare.fetchval(
        "SELECT count(*) FROM events WHERE event_type = 'AllowancePaid' AND data->>'elder_id' = $1",
        a.elder_id,
    )
    assert total == 3  # February, March and the year's one


async def test_elders_registered_and_checked_through_the_allowance_area_are_paid_by_band(
    eldercare: Running,
) -> None:
    """The allowance area's own routes (``POST /elders``, ``POST /allowance-checks``) feed the roll:
    an elder turning 80 in April starts in April, one turning 90 in April is paid the 90–99 band
    from April, by the birthday-month rule."""
    from minzheng_contracts import make_resident_id

    people = {
        "eighty_five": make_resident_id("330727", date(1941, 6, 1), 11).reveal(),
        "turns_80": make_resident_id("330727", date(1946, 4, 20), 12).reveal(),
        "turns_90": make_resident_id("330727", date(1936, 4, 3), 13).reveal(),
    }
    ids = {}
    for name, resident in people.items():
        body = {"resident_id": resident, "residence": "330727101201"}
        ids[name] = (await eldercare.post("/elders", body, expect=201)).json()["elder_id"]
    await eldercare.post("/allowance-checks", {"on": "2026-03-02"}, expect=200)
    march = (await eldercare.post("/allowance-runs", {"period": "2026-03"}, expect=201)).json()
    assert (march["paid"], march["total_fen"]) == (2, 2 * 12_000)

    eldercare.clock.set(datetime(2026, 4, 1, 9, 0, tzinfo=CST))
    await eldercare.post("/allowance-checks", {"on": "2026-04-01"}, expect=200)
    april = (await eldercare.post("/allowance-runs", {"period": "2026-04"}, expect=201)).json()
    assert april["paid"] == 3
    paid = {
        p["elder_id"]: p
        for p in (await eldercare.get("/allowance-payments", period="2026-04")).json()["items"]
    }
    assert {name: (paid[eid]["band"], paid[eid]["amount_fen"]) for name, eid in ids.items()} == {
        "eighty_five": ("80-89", 12_000),
        "turns_80": ("80-89", 12_000),
        "turns_90": ("90-99", 20_000),
    }
    assert paid[ids["turns_90"]]["standard_id"] == "allowance.band.90:330727:2024-01-01"
