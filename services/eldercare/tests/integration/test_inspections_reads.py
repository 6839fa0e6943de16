"""The inspections area's reads on the real stack (inspections, orders by status, open hazards by
township, an institution's oversight: paged, bounded, within the caller's division), who may do
what (401, 403), the overdue published once as ``RectificationOverdue`` on the real NATS, and the
demo seed with the catalogue's figures (81 hazards = 51 public + 30 private = 53 fixed + 28 in
progress; 13 institutions = 7 rectified + 1 closed + 5 in progress), idempotent."""

from __future__ import annotations

import json
import uuid
from collections import Counter
from datetime import datetime
from typing import Any

from minzheng_contracts.eldercare import RectificationOverdue
from minzheng_eldercare.adapters import inspections, institutions
from minzheng_eldercare.application.inspections.scheduler import raise_due
from minzheng_eventstore.testing import refused
from minzheng_kernel.calendar import CHINA

from .conftest import Running
from .test_inspections_rectification import register

EAST, WEST = "330727101", "330727102"


async def inspected(client: Running, n: int, township: str, findings: int, order: bool) -> str:
    institution = f"inst-{township}-{n:02d}"
    await client.post(
        "/institutions",
        {
            "institution_id": institution,
            "name": f"敬老院 {n}",
            "kind": "nursing_home" if n % 2 else "private",
            "township": township,
            "beds": 10,
            "model": "public" if n % 2 else "private",
            "registered_on": "2026-03-01",
        },
        expect=201,
    )
    body = {
        "inspection_id": str(uuid.UUID(int=n)),
        "institution_id": institution,
        "inspected_on": "2026-03-02",
        "inspector": "检查组",
        "findings": [{"category": "electrical", "description": f"隐患 {i}"} for i in range(findings)],
    }
    await client.post("/inspections", body, expect=201)
    if order:
        await client.post(
            f"/inspections/{uuid.UUID(int=n)}/rectification-orders",
            {"order_id": str(uuid.UUID(int=0x100 + n))},
            expect=201,
        )
    return institution


async def test_the_lists_filter_page_and_stay_within_the_callers_division(eldercare: Running) -> None:
    east = await inspected(eldercare, 1, EAST, 2, order=True)
    await inspected(eldercare, 2, EAST, 1, order=False)
    west = await inspected(eldercare, 3, WEST, 3, order=True)
    await eldercare.post(
        f"/rectification-orders/{uuid.UUID(int=0x101)}/reinspections",
        {
            "reinspected_on": "2026-03-02",
            "inspector": "组",
            "findings": [{"hazard_id": f"{uuid.UUID(int=1)}-{k}", "fixed": True} for k in (1, 2)],
        },
        expect=201,
    )
    assert (await eldercare.get("/inspections")).json()["total"] == 3
    assert (await eldercare.get("/inspections", township=EAST)).json()["total"] == 2
    page = (await eldercare.get("/inspections", limit=1, offset=1)).json()
    assert page["total"] == 3 and len(page["items"]) == 1
    assert [
        o["order_id"]
        for o in (await eldercare.get("/rectification-orders", status="completed")).json()["items"]
    ] == [str(uuid.UUID(int=0x101))]
    assert (await eldercare.get("/rectification-orders", status="open")).json()["total"] == 1
    assert (await eldercare.get("/hazards")).json()["total"] == 6
    assert (await eldercare.get("/hazards", open="true")).json()["total"] == 4
    open_east = (await eldercare.get("/hazards", open="true", township=EAST)).json()
    assert [h["hazard_id"] for h in open_east["items"]] == [f"{uuid.UUID(int=2)}-1"]
    sectors = Counter(h["sector"] for h in (await eldercare.get("/hazards", limit=500)).json()["items"])
    assert sectors == {"public": 5, "private": 1}  # by the kind: inspection 2 is a private home's
    oversight = (await eldercare.get(f"/institutions/{east}/oversight")).json()
    assert (oversight["status"], oversight["hazards_fixed"], oversight["hazards_open"]) == ("rectified", 2, 0)
    assert (await eldercare.get(f"/institutions/{west}/oversight")).json()["status"] == "rectifying"
    # bounded and strict queries
    for params in ({"limit": 501}, {"offset": -1}, {"status": "late"}, {"township": "33"}, {"open": "maybe"}):
        response = await eldercare.get(
            "/rectification-orders" if "status" in params else "/hazards", expect=None, **params
        )
        assert response.status_code == 422, (params, response.text)
    refused(
        await eldercare.get("/institutions/inst-none/oversight", expect=None), 404, "institution_not_found"
    )
    await register(eldercare, "inst-330727101-77")
    fresh = (await eldercare.get("/institutions/inst-330727101-77/oversight")).json()
    assert (fresh["status"], fresh["inspections"], fresh["orders"]) == ("not_inspected", 0, {})
    refused(
        await eldercare.get(f"/rectification-orders/{uuid.UUID(int=9)}", expect=None), 404, "order_not_found"
    )
    # a township's caller sees only its own
    westerner = eldercare.as_caller("township-caseworker", division=WEST)
    assert (await eldercare.get("/hazards", headers=westerner)).json()["total"] == 3
    refused(
        await eldercare.get(f"/institutions/{east}/oversight", expect=None, headers=westerner),
        403,
        "outside_jurisdiction",
    )


async def test_who_may_do_what(eldercare: Running) -> None:
    await register(eldercare)
    body = {
        "institution_id": "inst-330727101-01",
        "inspected_on": "2026-03-02",
        "inspector": "检查组",
        "findings": [{"category": "fire", "description": "灭火器过期"}],
    }
    assert (await eldercare.request("POST", "/inspections", json=body, anonymous=True)).status_code == 401
    reviewer = eldercare.as_caller("township-reviewer")
    assert (await eldercare.post("/inspections", body, headers=reviewer)).status_code == 403
    caseworker = eldercare.as_caller("township-caseworker")
    created = (await eldercare.post("/inspections", body, headers=caseworker, expect=201)).json()
    order = f"/inspections/{created['inspection_id']}/rectification-orders"
    assert (await eldercare.post(order, {}, headers=caseworker)).status_code == 403
    assert (
        await eldercare.get("/hazards", headers=eldercare.as_caller("operator"), expect=None)
    ).status_code == 403
    assert (
        await eldercare.fetchval("SELECT count(*) FROM deadlines WHERE kind = 'rectification-deadline'") == 0
    )


async def test_the_overdue_is_published_once_as_its_contract(eldercare: Running, nats_admin: Any) -> None:
    sub = await nats_admin.subscribe("eldercare.rectification.>")
    institution = await inspected(eldercare, 1, EAST, 2, order=True)
    eldercare.clock.set(datetime(2026, 4, 2, 0, 0, tzinfo=CHINA))
    assert (await raise_due(eldercare.service.context()))["overdue"] == 1
    assert (await raise_due(eldercare.service.context()))["overdue"] == 0
    await eldercare.relay_caught_up()
    await nats_admin.flush()
    messages = []
    while sub.pending_msgs:
        msg = await sub.next_msg()
        assert msg.subject == "eldercare.rectification.overdue"
        RectificationOverdue.model_validate_json(msg.data)
        messages.append(json.loads(msg.data))
        assert msg.headers is not None and msg.headers["Nats-Msg-Id"] == messages[-1]["event_id"]
    # one event; a relay that retried a publish whose ack was slow shows a plain subscriber a copy
    # with the same id, which the stream drops (Nats-Msg-Id): at-least-once, deduplicated
    assert len({m["event_id"] for m in messages}) == 1 and all(m == messages[0] for m in messages)
    assert messages[0]["data"] == {
        "order_id": str(uuid.UUID(int=0x101)),
        "institution_id": institution,
        "township": EAST,
        "deadline": "2026-04-01",
        "open_findings": 2,
        "overdue_at": "2026-04-02T00:00:00+08:00",
    }


async def test_the_demo_seed_has_the_catalogue_figures_and_is_idempotent(eldercare: Running) -> None:
    ctx = eldercare.service.context()
    assert institutions.AREA.seed_demo is not None and inspections.AREA.seed_demo is not None
    await inspections.AREA.seed_demo(ctx)  # no institution yet: nothing
    assert await eldercare.fetchval("SELECT count(*) FROM events WHERE stream_type = 'oversight'") == 0
    await institutions.AREA.seed_demo(ctx)
    await inspections.AREA.seed_demo(ctx)
    written = await eldercare.fetchval("SELECT count(*) FROM events")

    def total(**params: Any) -> Any:
        return eldercare.get("/hazards", limit=1, **params)

    assert (await total()).json()["total"] == 81
    assert (await total(sector="public")).json()["total"] == 51
    assert (await total(sector="private")).json()["total"] == 30
    assert (await total(open="false")).json()["total"] == 53
    assert (await total(open="true")).json()["total"] == 28
    ids = await eldercare.fetchval(
        "SELECT array_agg(institution_id ORDER BY institution_id) FROM institution_standing"
    )
    assert len(ids) == 13
    statuses: Counter[str] = Counter()
    for institution_id in ids:
        statuses[(await eldercare.get(f"/institutions/{institution_id}/oversight")).json()["status"]] += 1
    assert statuses == {"rectified": 7, "closed": 1, "rectifying": 5}
    assert await eldercare.fetchval("SELECT count(*) FROM institution_standing WHERE closed") == 1
    await inspections.AREA.seed_demo(ctx)
    assert await eldercare.fetchval("SELECT count(*) FROM events") == written
