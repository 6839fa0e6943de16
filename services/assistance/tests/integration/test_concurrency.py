"""Concurrent commands on one household each take effect or are refused by a rule (the unit of
work retries whole on a conflict: DESIGN §9.14), and a command reads its stream once."""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import Callable
from datetime import date
from typing import TYPE_CHECKING, Any

from minzheng_contracts import make_resident_id

if TYPE_CHECKING:
    from conftest import Running

HEAD = make_resident_id("330727", date(1961, 5, 4), 21).reveal()
CHILD = make_resident_id("330727", date(2011, 9, 1), 22).reveal()


def application() -> dict[str, object]:
    members = [
        {
            "resident_id": HEAD,
            "relationship": "self",
            "monthly_income_fen": 30_000,
            "employment": "unemployed",
        },
        {"resident_id": CHILD, "relationship": "child", "monthly_income_fen": 0, "employment": "student"},
    ]
    return {"programme": "dibao_rural", "residence": "330727101201", "members": members}


async def reviewed_on_notice(a: Running) -> str:
    hid = (await a.post("/households", application(), expect=201)).json()["household_id"]
    for step in ("investigation", "economic_check", "appraisal", "township_review"):
        await a.post(f"/households/{hid}/steps/{step}", {"passed": True}, expect=200)
    await a.post(f"/households/{hid}/notice", expect=200)
    return str(hid)


async def test_sixteen_concurrent_commands_on_one_household(assistance: Running) -> None:
    a = assistance
    hid = await reviewed_on_notice(a)
    objections = [
        a.post(f"/households/{hid}/objections", {"objection_id": f"ob-{n}", "summary": f"objection {n}"})
        for n in range(12)
    ]
    approvals = [
        a.post(f"/households/{hid}/approval", {"classification": "B"}, headers=a.approver()) for _ in range(4)
    ]
    responses = await asyncio.gather(*objections, *approvals)
    outcomes = Counter(
        (r.status_code, r.json()["error"]["code"] if r.status_code >= 400 else "ok") for r in responses
    )
    assert all(status < 500 for status, _ in outcomes), outcomes
    assert outcomes[(201, "ok")] == 12, outcomes
    refused = {code for status, code in outcomes if status == 409}
    assert refused <= {"open_objection", "notice_period_not_over"}, outcomes
    view = (await a.get(f"/households/{hid}")).json()
    assert (view["status"], view["open_objections"]) == ("notice", 12)
    kinds = Counter(e["event_type"] for e in (await a.get(f"/households/{hid}/timeline")).json())
    assert kinds["ObjectionRaised"] == 12 and kinds["ApprovalGranted"] == 0


async def test_concurrent_applications_for_one_person_one_wins(assistance: Running) -> None:
    a = assistance
    responses = await asyncio.gather(*(a.post("/households", application()) for _ in range(8)))
    codes = Counter(
        (r.status_code, r.json()["error"]["code"] if r.status_code >= 400 else "ok") for r in responses
    )
    assert codes == Counter({(201, "ok"): 1, (409, "person_in_other_household"): 7}), codes
    assert await a.count("SELECT count(*) FROM events WHERE stream_type = 'household'") == 1


async def test_a_command_reads_its_stream_once(assistance: Running, monkeypatch: Any) -> None:
    a = assistance
    store = a.service.host.store
    reads: Counter[str] = Counter()
    original: Callable[..., Any] = store.read_stream

    async def counting(stream_id: str, **kwargs: Any) -> Any:
        reads[stream_id] += 1
        return await original(stream_id, **kwargs)

    monkeypatch.setattr(store, "read_stream", counting)
    hid = (await a.post("/households", application(), expect=201)).json()["household_id"]
    stream = f"household-{hid}"
    assert reads == Counter({stream: 1})
    for step in ("investigation", "economic_check", "appraisal", "township_review"):
        reads.clear()
        await a.post(f"/households/{hid}/steps/{step}", {"passed": True}, expect=200)
        assert reads == Counter({stream: 1}), step
    reads.clear()
    await a.post(f"/households/{hid}/notice", expect=200)
    assert reads == Counter({stream: 1})
    reads.clear()
    await a.post(f"/households/{hid}/objections", {"summary": "?"}, expect=201)
    assert reads == Counter({stream: 1})
