"""The duty team's SLA board (``GET /sla/board``, the operations API contract's endpoint 7) on the
real stack: open incidents only, townships with a breach first, households breached, at risk,
pending (by deadline), met; counts; the head by name and masked ID only; the operator reads it and
a role without ``sla.read`` is refused; the time left follows the service clock, and a household
past its deadline turns breached."""

from __future__ import annotations

import re
import uuid
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Any

from minzheng_contracts import make_resident_id
from minzheng_disaster.adapters.schema import MIGRATIONS
from minzheng_disaster.demo import BOARD, BOARD_HOUSEHOLDS, seed_demo
from minzheng_disaster.domain.events import HOUSEHOLD_EVENTS, HouseholdRegistered
from minzheng_eventstore.testing import refused

if TYPE_CHECKING:
    from conftest import Running

HEADS = {
    key: make_resident_id("330727", date(1950 + n, 2, 3 + n), n).reveal() for n, key in enumerate("ABCDEFG")
}
REPORTED_HOURS_AGO = 8
# SLA terms are data, per jurisdiction: the villages' deadlines and warning points (hours after
# the report) make every outcome at once, 8 h after the report
TERMS = {"330727101202": (10, 6), "330727102201": (48, 40), "330727102202": (4, 2)}
ID_SHAPED = re.compile(r"\d{17}[\dX]")


async def report(
    a: Running, area: list[str], hours_ago: float = REPORTED_HOURS_AGO, summary: str = ""
) -> str:
    reported = a.clock.now() - timedelta(hours=hours_ago)
    body: dict[str, Any] = {
        "disaster_type": "flood",
        "area": area,
        "happened_at": (reported - timedelta(hours=1)).isoformat(),
        "reported_at": reported.isoformat(),
        "reporter": "township office",
    }
    if summary:
        body["summary"] = summary
    return str((await a.post("/incidents", body, expect=201)).json()["incident_id"])


async def register(a: Running, iid: str, key: str, village: str, name: str | None = None) -> str:
    body: dict[str, Any] = {
        "head": HEADS[key],
        "village": village,
        "members": 2,
        "relocation": 0,
        "damage": "light",
    }
    if name is not None:
        body["head_name"] = name
    return str((await a.post(f"/incidents/{iid}/households", body, expect=201)).json()["household"])


async def deliver(a: Running, iid: str, key: str) -> None:
    await a.post(f"/incidents/{iid}/deliveries", {"head": HEADS[key], "cash_fen": 10_000}, expect=201)


async def board(a: Running, **kwargs: Any) -> dict[str, Any]:
    response = await a.request("GET", "/sla/board", expect=200, **kwargs)
    assert not ID_SHAPED.search(response.text), "a clear resident ID on the board"
    for head in HEADS.values():
        assert head not in response.text
    found: dict[str, Any] = response.json()
    return found


async def scene(a: Running) -> dict[str, Any]:
    """An open incident over two townships with every outcome, a closed one, one not yet worked."""
    async with a.service.host.store.pool.acquire() as conn:
        for village, (deadline, warning) in TERMS.items():
            await conn.execute(
                "INSERT INTO sla_terms (jurisdiction, effective_from, deadline_minutes, warning_minutes) "
                "VALUES ($1, '2020-01-01', $2, $3)",
                village,
                deadline * 60,
                warning * 60,
            )
        # the assistance service's read model: G's household receives 低保
        await conn.execute(
            "INSERT INTO vulnerable (household_id, applicant, residence, programme, active) "
            "VALUES ($1, $2, '330727101201', 'dibao', true)",
            uuid.uuid4(),
            HEADS["G"],
        )
    iid = await report(a, ["330727101", "330727102"], summary="river burst its banks")
    await a.post("/warehouses/w1/receipts", {"item": "quilt", "quantity": 10}, expect=201)
    await a.post(f"/incidents/{iid}/allocations", {"document": "doc-1", "cash_fen": 1_000_000}, expect=201)
    streams = {
        "A": await register(a, iid, "A", "330727101201", "张三"),  # 24 h / 18 h: pending, 16 h left
        "B": await register(a, iid, "B", "330727101202", "李四"),  # 10 h / 6 h: at risk, 2 h left
        "C": await register(a, iid, "C", "330727101201", "王五"),  # helped: met
        "D": await register(a, iid, "D", "330727102201", "赵六"),  # 48 h / 40 h: pending, 40 h left
        "E": await register(a, iid, "E", "330727102202"),  # 4 h / 2 h: breached; no name given
        "G": await register(a, iid, "G", "330727101201", "钱七"),  # pending, vulnerable
    }
    await deliver(a, iid, "C")
    closed = await report(a, ["330727101"], hours_ago=2)
    await a.post(f"/incidents/{closed}/allocations", {"document": "doc-2", "cash_fen": 100_000}, expect=201)
    await register(a, closed, "F", "330727101201", "孙八")
    await deliver(a, closed, "F")
    fresh = await report(a, ["330727102"], hours_ago=1)
    return {"iid": iid, "closed": closed, "fresh": fresh, "streams": streams}


def township(incident: dict[str, Any], code: str) -> dict[str, Any]:
    found: dict[str, Any] = next(t for t in incident["townships"] if t["township"] == code)
    return found


async def test_the_board_orders_counts_and_masks(disaster: Running) -> None:
    a = disaster
    s = await scene(a)
    got = await board(a)
    assert datetime.fromisoformat(got["generated_at"]) == a.clock.now()
    # open incidents only, newest report first: the one not yet worked, then the flood
    assert [i["incident_id"] for i in got["incidents"]] == [s["fresh"], s["iid"]]
    fresh, flood = got["incidents"]
    assert fresh["counts"] == {"pending": 0, "at_risk": 0, "breached": 0, "met": 0}
    assert fresh["townships"] == []
    assert flood["title"] == "flood · 330727101, 330727102: river burst its banks"
    assert datetime.fromisoformat(flood["reported_at"]) == a.clock.now() - timedelta(hours=REPORTED_HOURS_AGO)
    assert flood["counts"] == {"pending": 4, "at_risk": 1, "breached": 1, "met": 1}
    # the township with a breach first, then the one at risk
    assert [t["township"] for t in flood["townships"]] == ["330727102", "330727101"]
    assert all(t["name"] is None for t in flood["townships"])  # the service knows no names
    streams = s["streams"]
    rows = {h["household"]: h for t in flood["townships"] for h in t["households"]}
    order = [[h["household"] for h in t["households"]] for t in flood["townships"]]
    # breached, at risk, pending by deadline (A and G share theirs: by stream id), met
    pending_101 = sorted([streams["A"], streams["G"]])
    assert order == [[streams["E"], streams["D"]], [streams["B"], *pending_101, streams["C"]]]
    b = rows[streams["B"]]
    assert b == {
        "household": streams["B"],
        "head_name": "李四",
        "head_id": HEADS["B"][:6] + "********" + HEADS["B"][14:],
        "village": "330727101202",
        "vulnerable": False,
        "outcome": "pending",
        "at_risk": True,
        "deadline": b["deadline"],
        "seconds_left": 2 * 3600,
    }
    assert datetime.fromisoformat(b["deadline"]) == a.clock.now() + timedelta(hours=2)
    assert rows[streams["A"]]["seconds_left"] == 16 * 3600 and not rows[streams["A"]]["at_risk"]
    assert rows[streams["D"]]["seconds_left"] == 40 * 3600
    e, c = rows[streams["E"]], rows[streams["C"]]
    assert (e["outcome"], e["at_risk"], e["seconds_left"], e["head_name"]) == ("breached", False, None, "")
    assert (c["outcome"], c["at_risk"], c["seconds_left"]) == ("met", False, None)
    assert rows[streams["G"]]["vulnerable"] and rows[streams["G"]]["head_name"] == "钱七"
    # the read model an operator reads holds no clear ID either
    async with a.service.host.store.pool.acquire() as conn:
        held = await conn.fetch("SELECT head_id FROM affected")
    assert all(r["head_id"].count("*") == 8 and not ID_SHAPED.search(r["head_id"]) for r in held)
    # each township's counts and total, of all its households
    assert [(t["counts"], t["total"]) for t in flood["townships"]] == [
        ({"pending": 1, "at_risk": 0, "breached": 1, "met": 0}, 2),
        ({"pending": 3, "at_risk": 1, "breached": 0, "met": 1}, 4),
    ]
    # a page a browser draws at once: the most urgent per township, the counts still of all
    short = (await board(a, params={"per_township": 1}))["incidents"][1]
    assert [[h["household"] for h in t["households"]] for t in short["townships"]] == [
        [streams["E"]],
        [streams["B"]],
    ]
    assert [(t["counts"], t["total"]) for t in short["townships"]] == [
        (t["counts"], t["total"]) for t in flood["townships"]
    ]
    assert short["counts"] == flood["counts"]
    for bad in ("0", "10001", "x"):
        refused(
            await a.request("GET", "/sla/board", params={"per_township": bad}),
            422,
            "invalid_input",
            "per_township",
        )


async def test_the_time_left_follows_the_clock_and_a_deadline_passed_is_breached(disaster: Running) -> None:
    a = disaster
    s = await scene(a)
    streams = s["streams"]
    a.clock.advance(timedelta(minutes=90, seconds=7))
    rows = {
        h["household"]: h
        for i in (await board(a))["incidents"]
        for t in i["townships"]
        for h in t["households"]
    }
    assert rows[streams["B"]]["seconds_left"] == 2 * 3600 - 90 * 60 - 7
    assert rows[streams["A"]]["seconds_left"] == 16 * 3600 - 90 * 60 - 7
    a.clock.advance(timedelta(minutes=30))  # B's deadline passed
    flood = next(i for i in (await board(a))["incidents"] if i["incident_id"] == s["iid"])
    b = township(flood, "330727101")["households"][0]
    assert (b["household"], b["outcome"], b["at_risk"], b["seconds_left"]) == (
        streams["B"],
        "breached",
        False,
        None,
    )
    assert flood["counts"] == {"pending": 3, "at_risk": 0, "breached": 2, "met": 1}
    # both townships have a breach now: by code
    assert [t["township"] for t in flood["townships"]] == ["330727101", "330727102"]


async def test_the_operator_reads_it_a_role_without_sla_read_is_refused_and_a_township_sees_its_own(
    disaster: Running,
) -> None:
    a = disaster
    s = await scene(a)
    operator = await board(a, headers=a.as_caller("operator", division="330727"))
    assert [i["incident_id"] for i in operator["incidents"]] == [s["fresh"], s["iid"]]
    for role in ("provincial-integration", "registrar"):
        refused(
            await a.request("GET", "/sla/board", headers=a.as_caller(role)),
            403,
            "role_not_permitted",
        )
    refused(await a.request("GET", "/sla/board", anonymous=True), 401, "unauthenticated")
    # a township's caseworker: the incidents reaching it, with its own households only
    own = await board(a, headers=a.as_caller("township-caseworker", division="330727101"))
    assert [i["incident_id"] for i in own["incidents"]] == [s["iid"]]
    assert [t["township"] for t in own["incidents"][0]["townships"]] == ["330727101"]
    assert own["incidents"][0]["counts"] == {"pending": 3, "at_risk": 1, "breached": 0, "met": 1}
    outside = await board(a, headers=a.as_caller("township-caseworker", division="330726"))
    assert outside["incidents"] == []


async def test_a_head_name_is_bounded_and_part_of_the_registration(disaster: Running) -> None:
    a = disaster
    iid = await report(a, ["330727101"])
    body = {"head": HEADS["A"], "village": "330727101201", "members": 1, "relocation": 0, "damage": "light"}
    for bad in ("x" * 51, "bad\nname"):
        refused(
            await a.post(f"/incidents/{iid}/households", {**body, "head_name": bad}),
            422,
            "invalid_input",
            "head_name",
        )
    async with a.service.host.store.pool.acquire() as conn:
        assert await conn.fetchval("SELECT count(*) FROM affected") == 0
    await a.post(f"/incidents/{iid}/households", {**body, "head_name": "张三"}, expect=201)
    await a.post(f"/incidents/{iid}/households", {**body, "head_name": "张三"}, expect=201)  # the same again
    refused(await a.post(f"/incidents/{iid}/households", {**body, "head_name": "李四"}), 409, "id_reused")
    async with a.service.host.store.pool.acquire() as conn:
        data = await conn.fetchval("SELECT data FROM events WHERE event_type = 'HouseholdRegistered'")
    assert '"head_name": "张三"' in data


async def test_the_demo_seeds_a_live_board_once(disaster: Running) -> None:
    a = disaster
    ctx = a.service.context()
    await seed_demo(ctx)
    async with a.service.host.store.pool.acquire() as conn:
        events = await conn.fetchval("SELECT count(*) FROM events")
    await seed_demo(ctx)  # as a second `make run` does: nothing more
    async with a.service.host.store.pool.acquire() as conn:
        assert await conn.fetchval("SELECT count(*) FROM events") == events
    got = await board(a, headers=a.as_caller("operator", division="330727"))
    demo = next(i for i in got["incidents"] if i["incident_id"] == str(BOARD))
    assert demo["counts"] == {"pending": 7, "at_risk": 5, "breached": 3, "met": 4}
    assert [t["township"] for t in demo["townships"]] == ["330727102", "330727101"]
    rows = [h for t in demo["townships"] for h in t["households"]]
    assert len(rows) == len(BOARD_HOUSEHOLDS)
    assert all(h["head_name"] for h in rows) and sum(h["vulnerable"] for h in rows) == 4
    # a live countdown: 25 minutes left in village 101-203, the soonest pending household first
    first = next(t for t in demo["townships"] if t["township"] == "330727101")["households"][0]
    assert (first["village"], first["at_risk"], first["seconds_left"]) == ("330727101203", True, 25 * 60)


async def test_households_registered_before_the_board_are_back_filled_by_the_migration(
    disaster: Running,
) -> None:
    a = disaster
    iid = await report(a, ["330727101"], summary="before the board")
    stream = await register(a, iid, "A", "330727101201", "张三")
    async with a.service.host.store.pool.acquire() as conn:
        # the rows as 0003 left them: no name, no masked ID, no summary
        await conn.execute("UPDATE affected SET head_name = '', head_id = ''")
        await conn.execute("UPDATE incidents SET summary = NULL")
        migration = next(m for m in MIGRATIONS if m.id == "0004_duty_board")
        for statement in migration.sql.split(";"):
            lines = [line for line in statement.strip().splitlines() if not line.strip().startswith("--")]
            if lines and lines[0].lstrip().startswith("UPDATE"):
                await conn.execute("\n".join(lines))
        row = await conn.fetchrow("SELECT head_name, head_id FROM affected WHERE stream_id = $1", stream)
        summary = await conn.fetchval("SELECT summary FROM incidents")
    assert (row["head_name"], row["head_id"]) == ("张三", HEADS["A"][:6] + "********" + HEADS["A"][14:])
    assert summary == "before the board"


def test_a_registration_recorded_before_the_name_was_asked_reads_with_an_empty_name() -> None:
    old = {
        "incident_id": "i",
        "head": HEADS["A"],
        "village": "330727101201",
        "members": 1,
        "relocation": 0,
        "damage": "light",
        "needs": {},
        "vulnerable": False,
        "registered_at": "2026-07-14T06:00:00+08:00",
        "deadline": "2026-07-15T06:00:00+08:00",
        "warn_at": "2026-07-15T00:00:00+08:00",
        "sla_terms": "sla:default",
        "minutes_after_report": 0,
        "late_registration": False,
    }
    event = HOUSEHOLD_EVENTS.load("HouseholdRegistered", old)
    assert isinstance(event, HouseholdRegistered) and event.head_name == ""
