"""Issue 12 (disaster): several warehouses per item, the SLA not claimable by a client clock,
bounded input, re-sent commands, keyed pseudonymous stream ids. On the real PostgreSQL and NATS."""

from __future__ import annotations

import asyncio
import json
import re
import uuid
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Any

from minzheng_contracts import make_resident_id
from minzheng_disaster.application.scheduler import raise_due
from minzheng_disaster.demo import seed_demo
from minzheng_disaster.domain.household import NS

if TYPE_CHECKING:
    from conftest import Running

HEADS = [make_resident_id("330727", date(1960 + n, 4, 2 + n), 40 + n).reveal() for n in range(6)]
VILLAGE = "330727101201"


async def report(a: Running, *, hours_ago: float = 1, **extra: Any) -> dict[str, Any]:
    reported = a.clock.now() - timedelta(hours=hours_ago)
    body = {
        "incident_id": str(uuid.uuid4()),
        "disaster_type": "flood",
        "area": ["330727101"],
        "happened_at": (reported - timedelta(hours=1)).isoformat(),
        "reported_at": reported.isoformat(),
        "reporter": "township office",
        **extra,
    }
    await a.post("/incidents", body, expect=201)
    return body


async def register(a: Running, iid: str, head: str, **extra: Any) -> Any:
    body = {"head": head, "village": VILLAGE, "members": 3, "relocation": 1, "damage": "severe", **extra}
    return await a.post(f"/incidents/{iid}/households", body)


async def stock(a: Running, warehouse: str) -> dict[str, Any]:
    page = (await a.http.get(f"/warehouses/{warehouse}")).json()
    return {line["item"]: (line["on_hand"], line["reserved"]) for line in page["items"]}


# ------------------------------------------------------------------ item 3: several warehouses


async def test_an_item_allocated_from_two_warehouses_is_delivered_past_the_first_share(
    disaster: Running,
) -> None:
    a = disaster
    iid = (await report(a))["incident_id"]
    for w in ("a", "b"):
        await a.post(f"/warehouses/{w}/receipts", {"item": "tent", "quantity": 10}, expect=201)
        await a.post(
            f"/incidents/{iid}/allocations",
            {"document": f"doc-{w}", "items": {"tent": 10}, "warehouse": w},
            201,
        )
        a.clock.advance(timedelta(minutes=1))
    assert (await register(a, iid, HEADS[0])).status_code == 201
    assert (await register(a, iid, HEADS[1])).status_code == 201
    first = await a.post(
        f"/incidents/{iid}/deliveries", {"head": HEADS[0], "items": {"tent": 15}}, expect=201
    )
    assert first.json()["drawn"] == {"a": {"tent": 10}, "b": {"tent": 5}}  # the oldest allocation first
    assert await stock(a, "a") == {"tent": (0, 0)}
    assert await stock(a, "b") == {"tent": (5, 5)}
    over = await a.post(f"/incidents/{iid}/deliveries", {"head": HEADS[1], "items": {"tent": 6}}, expect=409)
    assert over.json()["error"]["code"] == "over_allocation"
    rest = await a.post(f"/incidents/{iid}/deliveries", {"head": HEADS[1], "items": {"tent": 5}}, expect=201)
    assert rest.json()["drawn"] == {"b": {"tent": 5}}
    assert await stock(a, "b") == {"tent": (0, 0)}
    detail = (await a.http.get(f"/incidents/{iid}")).json()
    assert [(x["warehouse"], x["allocated"], x["delivered"]) for x in detail["allocations"]] == [
        ("a", 10, 10),
        ("b", 10, 10),
    ]


# ------------------------------------------------------------------ item 4: the claimed time


async def events_of(a: Running, kind: str) -> list[dict[str, Any]]:
    async with a.service.host.store.pool.acquire() as conn:
        rows = await conn.fetch(
            "SELECT data::text AS data FROM events WHERE event_type = $1 ORDER BY position", kind
        )
    return [json.loads(r["data"]) for r in rows]


async def test_a_delivery_four_days_late_claiming_report_plus_one_hour_is_flagged(disaster: Running) -> None:
    a = disaster
    body = await report(a)
    iid, reported = body["incident_id"], datetime.fromisoformat(body["reported_at"])
    await a.post(f"/incidents/{iid}/allocations", {"document": "d", "cash_fen": 100_000}, expect=201)
    assert (await register(a, iid, HEADS[0])).status_code == 201  # registered at report + 1 h
    a.clock.advance(timedelta(days=4))
    assert await raise_due(a.service.context()) == {"at_risk": 1, "breached": 1}
    claimed = reported + timedelta(hours=1)
    late = await a.post(
        f"/incidents/{iid}/deliveries",
        {"head": HEADS[0], "cash_fen": 10_000, "delivered_at": claimed.isoformat()},
        expect=201,
    )
    assert late.json()["sla_met"] is True and late.json()["flagged_for_review"] is True
    board = (await a.http.get(f"/incidents/{iid}/sla")).json()
    assert board["counts"]["flagged_for_review"] == 1
    row = board["households"][0]
    assert row["review"] == "recorded_after_deadline"
    assert datetime.fromisoformat(row["delivered_at"]) == claimed
    assert datetime.fromisoformat(row["delivery_recorded_at"]) == a.clock.now()
    [flag] = await events_of(a, "DeliveryFlaggedForReview")
    assert datetime.fromisoformat(flag["delivered_at"]) == claimed
    assert datetime.fromisoformat(flag["recorded_at"]) == a.clock.now()
    [delivered] = await events_of(a, "ReliefDelivered")
    assert datetime.fromisoformat(delivered["recorded_at"]) == a.clock.now()  # kept beside the claim


async def test_a_delivery_time_is_bounded_by_the_disaster_registration_allocation_and_now(
    disaster: Running,
) -> None:
    a = disaster
    body = await report(a)
    iid, happened = body["incident_id"], datetime.fromisoformat(body["happened_at"])
    assert (await register(a, iid, HEADS[0])).status_code == 201
    registered = a.clock.now()
    a.clock.advance(timedelta(hours=1))
    await a.post(f"/incidents/{iid}/allocations", {"document": "d", "cash_fen": 100_000}, expect=201)
    a.clock.advance(timedelta(hours=1))
    cases = {
        "delivered_before_disaster": happened - timedelta(hours=1),
        "delivered_before_registration": registered - timedelta(minutes=1),
        "delivered_before_allocation": registered + timedelta(minutes=30),
        "delivery_in_future": a.clock.now() + timedelta(minutes=5),
    }
    for code, at in cases.items():
        refused = await a.post(
            f"/incidents/{iid}/deliveries",
            {"head": HEADS[0], "cash_fen": 1, "delivered_at": at.isoformat()},
            422,
        )
        assert refused.json()["error"]["code"] == code and refused.json()["error"]["field"] == "delivered_at"
    assert await events_of(a, "ReliefDelivered") == []


# ------------------------------------------------------------------ item 5: bounded input


async def test_replay_with_a_naive_now_is_422_and_every_query_is_bounded(disaster: Running) -> None:
    a = disaster
    iid = (await report(a))["incident_id"]
    naive = await a.http.get(f"/incidents/{iid}/sla/replay", params={"now": "2026-07-14T06:00:00"})
    assert naive.status_code == 422, naive.text
    assert naive.json()["error"]["code"] == "invalid_input"
    aware = await a.http.get(f"/incidents/{iid}/sla/replay", params={"now": "2026-07-14T06:00:00+08:00"})
    assert aware.status_code == 200 and aware.json()["outcomes"] == {}
    for path, params in [
        ("/incidents", {"limit": 0}),
        ("/incidents", {"limit": 201}),
        ("/incidents", {"offset": -1}),
        ("/incidents", {"offset": 2**63}),
        ("/incidents", {"area": "33x"}),
        ("/incidents", {"type": "meteor"}),
        ("/incidents", {"status": "x" * 5000}),
        ("/warehouses", {"limit": 10**30}),
        ("/warehouses/w1", {"item": "x" * 51}),
        (f"/incidents/{iid}/sla/replay", {"now": "9" * 300}),
    ]:
        response = await a.http.get(path, params=params)
        assert response.status_code == 422, (path, params, response.status_code, response.text)
    assert (await a.http.get(f"/incidents/{uuid.uuid4()}/sla")).status_code == 404
    assert (await a.http.get("/warehouses/nowhere")).status_code == 404


# ------------------------------------------------------------------ item 6: re-sent commands


async def test_a_resent_report_answers_the_same_and_another_body_is_id_reused(disaster: Running) -> None:
    a = disaster
    body = await report(a)
    again = await a.post("/incidents", body, expect=201)
    assert again.json() == {"incident_id": body["incident_id"]}
    together = await asyncio.gather(*(a.post("/incidents", body) for _ in range(10)))
    assert {r.status_code for r in together} == {201}
    other = await a.post("/incidents", {**body, "reporter": "someone else"}, expect=409)
    assert other.json()["error"]["code"] == "id_reused"
    fresh = {**body, "incident_id": str(uuid.uuid4())}
    burst = await asyncio.gather(*(a.post("/incidents", fresh) for _ in range(10)))
    assert {r.status_code for r in burst} == {201}, [r.text for r in burst]
    assert len(await events_of(a, "DisasterReported")) == 2


async def test_a_resent_registration_answers_the_same_and_other_details_are_id_reused(
    disaster: Running,
) -> None:
    a = disaster
    iid = (await report(a))["incident_id"]
    burst = await asyncio.gather(*(register(a, iid, HEADS[0]) for _ in range(10)))
    assert {r.status_code for r in burst} == {201}, [r.text for r in burst]
    assert len({r.text for r in burst}) == 1
    a.clock.advance(timedelta(minutes=5))
    again = await register(a, iid, HEADS[0])
    assert again.status_code == 201 and again.json() == burst[0].json()
    other = await register(a, iid, HEADS[0], members=4)
    assert other.status_code == 409 and other.json()["error"]["code"] == "id_reused"
    assert len(await events_of(a, "HouseholdRegistered")) == 1


async def test_a_resent_delivery_answers_the_same_and_its_id_elsewhere_is_id_reused(
    disaster: Running,
) -> None:
    a = disaster
    iid = (await report(a))["incident_id"]
    other_incident = (await report(a))["incident_id"]
    for i in (iid, other_incident):
        await a.post(f"/incidents/{i}/allocations", {"document": "d", "cash_fen": 100_000}, expect=201)
        for head in HEADS[:2]:
            assert (await register(a, i, head)).status_code == 201
    body = {"delivery_id": str(uuid.uuid4()), "head": HEADS[0], "cash_fen": 1_000}
    burst = await asyncio.gather(*(a.post(f"/incidents/{iid}/deliveries", body) for _ in range(10)))
    assert {r.status_code for r in burst} == {201}, [r.text for r in burst]
    assert len({json.dumps(r.json(), sort_keys=True) for r in burst}) == 1
    for path, changed in [
        (f"/incidents/{iid}/deliveries", {**body, "cash_fen": 2_000}),
        (f"/incidents/{iid}/deliveries", {**body, "head": HEADS[1]}),
        (f"/incidents/{other_incident}/deliveries", body),
    ]:
        refused = await a.post(path, changed, expect=409)
        assert refused.json()["error"]["code"] == "id_reused", refused.text
    assert len(await events_of(a, "ReliefDelivered")) == 1


# ------------------------------------------------------------------ item 7: keyed pseudonyms


async def test_household_stream_ids_are_keyed_pseudonyms_with_no_resident_id(disaster: Running) -> None:
    a = disaster
    await seed_demo(a.service.context())
    iid = (await report(a))["incident_id"]
    answer = (await register(a, iid, HEADS[0])).json()
    assert answer["household"] != f"affected-{iid}-{uuid.uuid5(NS, HEADS[0])}"  # the old, reversible form
    assert answer["household"].startswith(f"affected-{iid}-")
    async with a.service.host.store.pool.acquire() as conn:
        streams = [r["stream_id"] for r in await conn.fetch("SELECT DISTINCT stream_id FROM events")]
        heads = [
            json.loads(r["d"])["head"]
            for r in await conn.fetch(
                "SELECT data::text AS d FROM events WHERE event_type = 'HouseholdRegistered'"
            )
        ]
        keys = [r["household_key"] for r in await conn.fetch("SELECT household_key FROM affected")]
    assert len(heads) == 24  # the demo's nine, the duty board's fourteen and this one
    id_shaped = re.compile(r"\d{17}[\dX]")
    for stream in streams:
        assert not id_shaped.search(stream), stream
        assert not any(head in stream for head in heads)
        assert all(str(uuid.uuid5(NS, head)) not in stream for head in heads)
    assert not any(head in key for head in heads for key in keys)


# ------------------------------------------------------------------ the scheduler: no stream read


async def test_due_alerts_are_raised_from_the_deadline_rows_without_reading_a_stream(
    disaster: Running,
) -> None:
    a = disaster
    iid = (await report(a))["incident_id"]
    registered = [(await register(a, iid, head)).json() for head in HEADS]
    await a.post(f"/incidents/{iid}/allocations", {"document": "d", "cash_fen": 100_000}, expect=201)
    await a.post(f"/incidents/{iid}/deliveries", {"head": HEADS[0], "cash_fen": 1}, expect=201)
    store = a.service.host.store
    reads = 0
    read_stream = store.read_stream

    async def counted(*args: Any, **kwargs: Any) -> Any:
        nonlocal reads
        reads += 1
        return await read_stream(*args, **kwargs)

    store.read_stream = counted  # type: ignore[method-assign]
    try:
        a.clock.advance(timedelta(hours=30))
        assert await raise_due(a.service.context()) == {"at_risk": 5, "breached": 5}
        assert await raise_due(a.service.context()) == {"at_risk": 0, "breached": 0}
    finally:
        store.read_stream = read_stream  # type: ignore[method-assign]
    assert reads == 0
    breaches = await events_of(a, "ReliefSlaBreached")
    assert len(breaches) == 5 and {b["incident_id"] for b in breaches} == {iid}
    deadline = datetime.fromisoformat(registered[1]["deadline"])
    assert {datetime.fromisoformat(b["deadline"]) for b in breaches} == {deadline}
    # the board and the replay (which folds the streams) still agree
    board = (await a.http.get(f"/incidents/{iid}/sla")).json()["households"]
    replay = (await a.http.get(f"/incidents/{iid}/sla/replay")).json()["outcomes"]
    assert replay == {h["household"]: h["outcome"] for h in board}
    # a delivery after the breach still meets the SLA if claimed in time (and is flagged)
    late = await a.post(
        f"/incidents/{iid}/deliveries",
        {"head": HEADS[1], "cash_fen": 1, "delivered_at": registered[1]["deadline"]},
        expect=201,
    )
    assert late.json()["sla_met"] and late.json()["flagged_for_review"]
