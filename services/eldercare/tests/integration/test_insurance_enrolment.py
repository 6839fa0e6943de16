"""Accident-insurance enrolment on the real stack: every registered elder living and resident and
aged at least ``insurance.min_age`` on 1 January is enrolled once per year, the premium published
as ``PaymentIssued`` v2 (``eldercare_accident_insurance_premium``, the elder as beneficiary); a
rerun adds nobody; refusals write nothing."""

from __future__ import annotations

from datetime import date
from typing import Any

from minzheng_eldercare.domain.allowance import events as ev
from minzheng_eventstore.testing import refused

from .conftest import Running
from .test_allowance_run import received
from .test_payments_seed import VILLAGE, elder_id_of, record, seed

SUBJECT = "eldercare.payment.issued"


async def register_only(eldercare: Running, n: int, born: date) -> tuple[str, str]:
    """An elder registered, not (yet) in an allowance band."""
    from minzheng_contracts import make_resident_id

    ctx = eldercare.service.context()
    resident = make_resident_id("330727", born, n).reveal()
    eid = elder_id_of(ctx, resident)
    await record(
        ctx, eid, [ev.ElderRegistered(eid, resident, born.isoformat(), VILLAGE, "2026-01-02", "application")]
    )
    return eid, resident


async def test_every_elder_aged_70_on_1_january_is_enrolled_once_and_the_premium_published(
    eldercare: Running, nats_admin: Any
) -> None:
    sub = await nats_admin.subscribe(SUBJECT)
    ctx = eldercare.service.context()
    old = await seed(ctx, 1)  # born 1941: in the allowance
    turning, resident = await register_only(eldercare, 2, date(1956, 12, 31))  # 70 on 2027-01-01
    young, _ = await register_only(eldercare, 3, date(1957, 1, 2))  # 69 on 2027-01-01
    moved, _ = await register_only(eldercare, 4, date(1950, 1, 1))
    await record(ctx, moved, [ev.ElderMoved(moved, "320102001001", "2026-02-01", False)])
    dead = await seed(ctx, 5)
    await record(
        ctx,
        dead.elder_id,
        [
            ev.AllowanceEnded(
                dead.elder_id, dead.elder_id, dead.resident, VILLAGE, "death", "2026-02", "2026-02-09"
            )
        ],
    )
    done = (await eldercare.post("/insurance-enrolments", {"policy_year": 2027}, expect=201)).json()
    assert (done["enrolled"], done["total_fen"]) == (2, 6_000)
    assert done["skipped"] == {"below_min_age": 1, "not_resident": 1, "deceased": 1}
    again = (await eldercare.post("/insurance-enrolments", {"policy_year": 2027}, expect=201)).json()
    assert (again["enrolled"], again["already_enrolled"]) == (0, 2)
    page = (await eldercare.get("/insurance-enrolments", policy_year=2027)).json()
    assert page["total"] == 2
    assert {e["elder_id"]: e["age"] for e in page["items"]} == {old.elder_id: 85, turning: 70}
    assert {e["standard_id"] for e in page["items"]} == {"insurance.premium:330727:2024-01-01"}
    assert young not in {e["elder_id"] for e in page["items"]}

    messages = await received(eldercare, nats_admin, sub)
    assert len(messages) == 2
    for m in messages:
        assert (m["producer"], m["schema_version"]) == ("eldercare", 2)
        d = m["data"]
        assert (d["programme"], d["amount_fen"], d["period"], d["household_id"]) == (
            "eldercare_accident_insurance_premium",
            3_000,
            None,
            None,
        )
        assert d["run_id"] == done["run_id"]
    assert {m["data"]["beneficiary"] for m in messages} == {old.resident, resident}
    await sub.unsubscribe()


async def test_bad_input_and_the_wrong_caller_are_refused_with_nothing_written(eldercare: Running) -> None:
    await seed(eldercare.service.context(), 1)
    before = await eldercare.fetchval("SELECT count(*) FROM events")
    for body, field in (
        ({"policy_year": "2027"}, "policy_year"),
        ({"policy_year": 1999}, "policy_year"),
        ({"policy_year": 2027, "premium": 1}, "premium"),
    ):
        response = await eldercare.post("/insurance-enrolments", body, expect=None)
        assert response.status_code == 422, response.text
        assert field in response.text
    refused(
        await eldercare.post("/insurance-enrolments", {"policy_year": 2028}, expect=None),
        422,
        "policy_year_too_far",
        "policy_year",
    )
    reviewer = eldercare.as_caller("township-reviewer")
    response = await eldercare.post(
        "/insurance-enrolments", {"policy_year": 2027}, headers=reviewer, expect=None
    )
    assert response.status_code == 403
    assert await eldercare.fetchval("SELECT count(*) FROM events") == before
