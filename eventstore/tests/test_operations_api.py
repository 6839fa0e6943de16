"""The kit's operations API (``ops_http``) on a real service (assistance) over the real stack:
PostgreSQL, NATS with the service's own user, its durable consumers and relay. Each endpoint's
shape and values, the contract form of a published event (resident IDs masked), paging, a dead
letter made by a malformed message on a subject a consumer reads, listed and re-driven (failing,
then after the fix, each re-drive recorded with its operator), a parked publication re-driven,
deadlines as of the service clock, a correlation traced through a consumer; 401, 403 and 422."""

from __future__ import annotations

import asyncio
import json
import uuid
from datetime import UTC, date, datetime, timedelta, timezone
from typing import Any

from minzheng_assistance.entrypoints.app import Assistance
from minzheng_contracts import make_resident_id, mask_resident_ids
from minzheng_contracts.places import DivisionRecorded, DivisionRecordedData
from minzheng_eventstore import EventStore, NewEvent, deadlines
from minzheng_eventstore.clock import ManualClock
from minzheng_eventstore.host import ServiceSettings
from minzheng_eventstore.model import NO_STREAM
from minzheng_eventstore.ops_queries import last_payment_run
from minzheng_eventstore.testing import ServiceClient, bearer, oidc_settings, refused, running_service

CST = timezone(timedelta(hours=8))
HEAD = make_resident_id("330727", date(1958, 8, 8), 77).reveal()
DIVISIONS = "assistance-divisions-v1"
CONSUMERS = {
    "assistance-deaths-v1": "REGISTRY",
    "assistance-marriages-v1": "REGISTRY",
    DIVISIONS: "REGISTRY",
    "assistance-residency-v1": "ELDERCARE",
}
READS = ["summary", "events", "event-types", "dead-letters", "deadlines", "trace"]


def division(
    code: str, level: str, correlation: uuid.UUID, event_id: uuid.UUID | None = None
) -> DivisionRecorded:
    return DivisionRecorded.new(
        data=DivisionRecordedData(
            code=code, name=code, level=level, parent=code[:-3], valid_from=date(2001, 1, 1)
        ),
        producer="registry",
        jurisdiction="330727",
        correlation_id=correlation,
        event_id=event_id,
    )


def invalid(response: Any, field: str) -> None:
    """422 naming ``field`` (the input's check, or the route's own rule)."""
    assert response.status_code == 422, response.text
    assert response.json()["error"]["field"] == field, response.text


async def publish(nats_admin: Any, subject: str, payload: bytes, msg_id: str) -> Any:
    """Publish on the shared broker; ``forget`` takes it off the stream once handled, so that a
    consumer another test creates later on the subject never sees this test's messages."""
    return await nats_admin.jetstream().publish(subject, payload, headers={"Nats-Msg-Id": msg_id})


async def forget(nats_admin: Any, *acks: Any) -> None:
    for ack in acks:
        await nats_admin.jetstream().delete_msg(ack.stream, ack.seq)


async def until(a: ServiceClient, sql: str, *args: Any, want: Any = True, within: float = 20) -> None:
    for _ in range(int(within / 0.05)):
        async with a.service.host.store.pool.acquire() as conn:
            if await conn.fetchval(sql, *args) == want:
                return
        await asyncio.sleep(0.05)
    raise AssertionError(f"never: {sql}")


async def settled_summary(a: ServiceClient, caller: dict[str, str], within: float = 15) -> Any:
    """The summary once JetStream has taken every acknowledgement (they travel after the inbox's
    commit) and the consumer watch has looked: what an idle service shows."""
    for _ in range(int(within / 0.1)):
        s = (await a.get("/operations/summary", headers=caller)).json()
        quiet = all(c["present"] and c["pending"] == c["ack_pending"] == 0 for c in s["consumers"])
        if quiet and s["ready"]["ready"]:
            return s
        await asyncio.sleep(0.1)
    raise AssertionError(f"the service never settled: {s}")


async def approved_household(a: ServiceClient, clock: ManualClock, approver: dict[str, str]) -> str:
    for parameter, value in (("dibao_rural", 39_600), ("notice_days", 7)):
        body = {
            "parameter": parameter,
            "jurisdiction": "330727",
            "effective_from": "2014-01-01",
            "value": value,
            "reason": "the county's standard since 2014",
        }
        await a.post("/standards/corrections", body, expect=201)
    member = {
        "resident_id": HEAD,
        "relationship": "self",
        "monthly_income_fen": 0,
        "employment": "unemployed",
    }
    applied = await a.post(
        "/households",
        {"programme": "dibao_rural", "residence": "330727101201", "members": [member]},
        expect=201,
    )
    hid: str = applied.json()["household_id"]
    for step in ("investigation", "economic_check", "appraisal", "township_review"):
        await a.post(f"/households/{hid}/steps/{step}", {"passed": True}, expect=200)
    await a.post(f"/households/{hid}/notice", expect=200)
    clock.advance(timedelta(days=8))
    await a.post(f"/households/{hid}/approval", {}, expect=200, headers=approver)
    return hid


async def test_the_operations_api_of_a_running_service(fresh_database: str, stack, nats_admin) -> None:  # type: ignore[no-untyped-def]
    clock = ManualClock(datetime(2026, 7, 1, 9, 0, tzinfo=CST))
    settings = ServiceSettings(
        "assistance", fresh_database, stack.nats_url("assistance"), oidc=oidc_settings(stack.issuer)
    )
    service = Assistance(settings, clock=clock)
    operator = bearer(stack.issuer, "operator", division="330727", subject="operator-1")
    auditor = bearer(stack.issuer, "auditor", division="330727", subject="auditor-1")
    approver = bearer(stack.issuer, "county-approver", division="330727", subject="approver-1")
    async with running_service(service, issuer=stack.issuer) as a:
        # ------------------------------------------------ a correlation through the divisions consumer
        correlation = uuid.uuid4()
        recorded = [
            division("330727101", "township", correlation),
            division("330727101201", "village", correlation),
        ]
        acks = [
            await publish(nats_admin, DivisionRecorded.SUBJECT, r.model_dump_json().encode(), str(r.event_id))
            for r in recorded
        ]
        await until(a, "SELECT count(*) FROM inbox WHERE consumer = $1", DIVISIONS, want=2)
        await forget(nats_admin, *acks)
        hid = await approved_household(a, clock, approver)
        await a.post("/payment-runs", {"period": "2026-07"}, expect=201)
        await a.relay_caught_up()

        # ------------------------------------------------------------------------------ summary
        s = await settled_summary(a, operator)
        assert s["service"] == "assistance" and s["checked_at"] == clock.now().isoformat()
        assert s["ready"]["ready"] is True and s["ready"]["database"] is True
        async with a.service.host.store.pool.acquire() as conn:
            total = await conn.fetchval("SELECT count(*) FROM events")
            published = await conn.fetchval("SELECT published FROM relay_checkpoints")
        assert s["relay"] == {"published": published, "parked": 0, "lag": 0} and published > 0
        assert {c["name"]: c["stream"] for c in s["consumers"]} == CONSUMERS
        by_name = {c["name"]: c for c in s["consumers"]}
        assert all(c["present"] and c["pending"] == 0 and c["ack_pending"] == 0 for c in s["consumers"])
        assert by_name[DIVISIONS]["applied"] == 2 and by_name[DIVISIONS]["dead_lettered"] == 0
        run = s["last_payment_run"]
        assert (
            run["state"] == "completed" and run["period"] == "2026-07" and run["programme"] == "dibao_rural"
        )
        [paid] = (await a.get(f"/households/{hid}/payments")).json()
        assert run["payments"] == 1 and run["total_fen"] == paid["amount_fen"] > 0
        assert run["run_id"] == paid["run_id"]
        assert run["started_at"] is not None and run["completed_at"] is not None
        assert (await a.get("/operations/summary", headers=auditor)).status_code == 200

        # ------------------------------------------------------------------------------- events
        page = (await a.get("/operations/events", headers=operator, type="HouseholdApplied")).json()
        [applied] = page["items"]
        assert page["next"] is None and applied["stream_id"].endswith(hid)
        contract = applied["contract"]
        assert contract["event_type"] == "HouseholdApplied" and contract["schema_version"] >= 1
        assert contract["msg_id"] == applied["event_id"] == contract["body"]["event_id"]
        assert contract["subject"].startswith("assistance.")
        text = json.dumps(page)
        assert HEAD not in text and mask_resident_ids(HEAD) in text
        internal = (await a.get("/operations/events", headers=operator, type="DivisionRegistered")).json()
        assert len(internal["items"]) == 2 and all(i["contract"] is None for i in internal["items"])
        assert {i["causation_id"] for i in internal["items"]} == {str(r.event_id) for r in recorded}
        assert all(i["correlation_id"] == str(correlation) for i in internal["items"])
        # paging in the log's order, and newest first
        first = (await a.get("/operations/events", headers=operator, limit=3)).json()
        assert [i["position"] for i in first["items"]] == sorted(i["position"] for i in first["items"])
        second = (await a.get("/operations/events", headers=operator, limit=3, after=first["next"])).json()
        assert second["items"][0]["position"] > first["next"] == first["items"][-1]["position"]
        newest = (await a.get("/operations/events", headers=operator, limit=2, order="desc")).json()
        assert newest["items"][0]["position"] > newest["items"][1]["position"]
        everything = (await a.get("/operations/events", headers=operator, limit=200)).json()
        assert len(everything["items"]) == total and everything["next"] is None
        in_stream = (await a.get("/operations/events", headers=operator, stream=applied["stream_id"])).json()
        assert {i["stream_id"] for i in in_stream["items"]} == {applied["stream_id"]}
        assert [i["version"] for i in in_stream["items"]] == list(range(1, len(in_stream["items"]) + 1))
        future = (
            await a.get("/operations/events", headers=operator, since="2099-01-01T00:00:00+08:00")
        ).json()
        assert future["items"] == []
        types = (await a.get("/operations/event-types", headers=operator)).json()["types"]
        assert {"HouseholdApplied", "DivisionRegistered"} <= set(types) and types == sorted(types)
        for params, field in (
            ({"since": "2026-07-01T00:00:00"}, "since"),
            ({"until": "yesterday"}, "until"),
            ({"limit": 201}, "limit"),
            ({"limit": 0}, "limit"),
            ({"type": "Household Applied"}, "type"),
            ({"stream": "-x"}, "stream"),
            ({"after": -1}, "after"),
            ({"after": 2**63}, "after"),
            ({"since": "9999-12-31T23:59:59-14:00"}, "since"),
            ({"since": "2026-07-02T00:00:00+08:00", "until": "2026-07-01T00:00:00+08:00"}, "until"),
        ):
            invalid(await a.get("/operations/events", expect=None, headers=operator, **params), field)

        # ------------------------------------------------------------------------------ trace
        t = (await a.get("/operations/trace", headers=auditor, correlation_id=str(correlation))).json()
        assert {e["event_id"] for e in t["events"]} == {i["event_id"] for i in internal["items"]}
        assert {(c["consumer"], c["message_event_id"]) for c in t["consumed"]} == {
            (DIVISIONS, str(r.event_id)) for r in recorded
        }
        for c in t["consumed"]:
            [caused] = c["caused"]
            assert (
                next(e for e in t["events"] if e["event_id"] == caused)["causation_id"]
                == c["message_event_id"]
            )
            assert c["subject"] == DivisionRecorded.SUBJECT and c["consumed_at"]
        invalid(
            await a.get("/operations/trace", expect=None, headers=auditor, correlation_id="x"),
            "correlation_id",
        )

        # -------------------------------------------------------------- a dead letter, re-driven
        bad_id = uuid.uuid4()
        bad = await publish(nats_admin, DivisionRecorded.SUBJECT, b'{"not": "a contract"}', str(bad_id))
        await until(a, "SELECT count(*) FROM dead_letters WHERE consumer = $1", DIVISIONS, want=1)
        await forget(nats_admin, bad)  # the dead letter keeps its payload: re-driven from there
        letters = (await a.get("/operations/dead-letters", headers=auditor)).json()
        assert {c["consumer"] for c in letters["consumers"]} == set(CONSUMERS)
        [letter] = next(c for c in letters["consumers"] if c["consumer"] == DIVISIONS)["items"]
        assert letter["subject"] == DivisionRecorded.SUBJECT and letter["event_id"] == str(bad_id)
        assert "PermanentError" in letter["error"] and letter["dead_lettered_at"] and letters["parked"] == []
        summary = (await a.get("/operations/summary", headers=operator)).json()
        assert next(c for c in summary["consumers"] if c["name"] == DIVISIONS)["open_dead_letters"] == 1

        refused(
            await a.post("/operations/redrive", {"consumer": DIVISIONS}, headers=auditor),
            403,
            "role_not_permitted",
        )
        refused(
            await a.post("/operations/redrive", {"consumer": "nobody-v1"}, headers=operator),
            404,
            "unknown_consumer",
            "consumer",
        )
        refused(
            await a.post("/operations/redrive", {}, headers=operator), 422, "nothing_to_redrive", "consumer"
        )
        refused(
            await a.post("/operations/redrive", {"relay": "x"}, headers=operator),
            422,
            "invalid_input",
            "relay",
        )
        still = (
            await a.post("/operations/redrive", {"consumer": DIVISIONS}, headers=operator, expect=200)
        ).json()
        assert still["redriven"] == {DIVISIONS: {"redriven": 0, "failed": 1}}
        # the cause fixed (the producer's message as it should have been): the re-drive applies it
        fixed = division("330727102", "township", uuid.uuid4(), bad_id)
        async with a.service.host.store.pool.acquire() as conn:
            await conn.execute(
                "UPDATE dead_letters SET payload = $1 WHERE consumer = $2",
                fixed.model_dump_json().encode(),
                DIVISIONS,
            )
        done = (
            await a.post("/operations/redrive", {"consumer": DIVISIONS}, headers=operator, expect=200)
        ).json()
        assert done["service"] == "assistance" and done["redriven"] == {
            DIVISIONS: {"redriven": 1, "failed": 0}
        }
        await until(a, "SELECT count(*) FROM divisions WHERE code = '330727102'", want=1)
        letters = (await a.get("/operations/dead-letters", headers=auditor)).json()
        assert all(c["items"] == [] for c in letters["consumers"])

        # ------------------------------------------------------------ a parked publication
        async with a.service.host.store.pool.acquire() as conn:
            event = await conn.fetchrow(
                "SELECT event_id, stream_id, event_type, tx::text::bigint AS tx, position FROM events "
                "WHERE event_type = 'HouseholdApplied'"
            )
            await conn.execute(
                "INSERT INTO outbox_parked (relay, event_id, stream_id, event_type, tx, position, reason) "
                "VALUES ('assistance-outbox', $1, $2, $3, $4, $5, $6)",
                *event.values(),
                f"the broker refused it: {HEAD}",
            )
        letters = (await a.get("/operations/dead-letters", headers=operator)).json()
        [parked] = letters["parked"]
        assert parked["event_id"] == str(event["event_id"]) and parked["position"] == event["position"]
        assert HEAD not in parked["error"] and mask_resident_ids(HEAD) in parked["error"]
        assert (await a.get("/operations/summary", headers=operator)).json()["relay"]["parked"] == 1
        relay = (await a.post("/operations/redrive", {"relay": True}, headers=operator, expect=200)).json()
        assert relay["redriven"] == {"relay": {"redriven": 1, "failed": 0}}
        assert (await a.get("/operations/dead-letters", headers=operator)).json()["parked"] == []

        # every re-drive recorded: who, when (the service clock), what, the result
        async with a.service.host.store.pool.acquire() as conn:
            log = await conn.fetch(
                "SELECT id, at, actor, roles, action, target::text, result::text "
                "FROM operations_log ORDER BY id"
            )
        assert [r["id"] for r in log] == [int(x["recorded"]) for x in (still, done, relay)]
        assert {(r["actor"], tuple(r["roles"]), r["action"], r["at"]) for r in log} == {
            ("operator-1", ("operator",), "redrive", clock.now())
        }
        assert [json.loads(r["result"]) for r in log] == [
            still["redriven"],
            done["redriven"],
            relay["redriven"],
        ]
        assert json.loads(log[2]["target"]) == {"consumer": None, "relay": True}

        # ------------------------------------------------------------------------- deadlines
        now = clock.now()
        assert (await a.get("/operations/deadlines", headers=operator)).json()["items"] == []  # no table
        async with a.service.host.store.pool.acquire() as conn:
            await conn.execute(deadlines.SQL)
            for subject, warn, due in (("soon", -1, 2), ("later", 5, 9), ("late", -3, -1), ("done", -9, -5)):
                await deadlines.schedule(
                    conn,
                    kind="review",
                    subject=subject,
                    starts_at=now - timedelta(days=10),
                    warn_at=now + timedelta(days=warn),
                    due_at=now + timedelta(days=due),
                    jurisdiction="330727101",
                )
            await deadlines.close(conn, "review", "done", at=now - timedelta(days=6))
        pending = (await a.get("/operations/deadlines", headers=operator)).json()["items"]
        assert [(d["subject"], d["state"], d["at_risk"]) for d in pending] == [
            ("soon", "pending", True),
            ("later", "pending", False),
        ]
        assert datetime.fromisoformat(pending[0]["due_at"]) == now + timedelta(days=2)
        late = (await a.get("/operations/deadlines", headers=operator, state="overdue")).json()["items"]
        assert [(d["subject"], d["state"], d["at_risk"]) for d in late] == [("late", "overdue", False)]
        met = (await a.get("/operations/deadlines", headers=operator, state="met", kind="review")).json()
        assert [(d["subject"], d["closed_at"] is not None) for d in met["items"]] == [("done", True)]
        every = (await a.get("/operations/deadlines", headers=operator, state="all", limit=3)).json()
        assert [d["subject"] for d in every["items"]] == ["done", "late", "soon"]
        assert (await a.get("/operations/deadlines", headers=operator, kind="other")).json()["items"] == []
        invalid(await a.get("/operations/deadlines", expect=None, headers=operator, state="late"), "state")
        invalid(await a.get("/operations/deadlines", expect=None, headers=operator, limit=500), "limit")

        # --------------------------------------------------------------------- who may read
        stranger = bearer(stack.issuer, "village-assistant", division="330727", subject="v-1")
        outside = bearer(stack.issuer, "operator", "auditor", division="330726", subject="o-1")
        township = bearer(stack.issuer, "operator", division="330727101", subject="t-1")
        needs: dict[str, dict[str, str]] = {"trace": {"correlation_id": str(correlation)}}
        for read in READS:
            path = f"/operations/{read}"
            refused(
                await a.request("GET", path, anonymous=True, params=needs.get(read)), 401, "unauthenticated"
            )
            response = await a.request("GET", path, headers=stranger, params=needs.get(read))
            refused(response, 403, "role_not_permitted")
            for caller in (outside, township):
                response = await a.request("GET", path, headers=caller, params=needs.get(read))
                assert (
                    response.status_code == 403 and response.json()["error"]["code"] == "outside_jurisdiction"
                )
        refused(
            await a.request("POST", "/operations/redrive", anonymous=True, json={"relay": True}),
            401,
            "unauthenticated",
        )
        refused(
            await a.post("/operations/redrive", {"relay": True}, headers=outside),
            403,
            "outside_jurisdiction",
            "consumer",
        )


async def test_the_last_payment_run_while_it_runs_and_once_its_summary_is_recorded(store: EventStore) -> None:
    at = datetime(2026, 8, 1, 9, 0, tzinfo=CST)
    assert await last_payment_run(store) is None
    run_id = str(uuid.uuid4())

    def paid(case: int, fen: int, run: str | None) -> NewEvent:
        data = {"programme": "pension", "period": "2026-08", "amount_fen": fen, "run_id": run}
        return NewEvent(event_type="PensionPaid", data=data, occurred_at=at)

    # a back payment outside any run is no run
    await store.append("payment-0-2026-08", "payment", NO_STREAM, [paid(0, 5, None)])
    assert await last_payment_run(store) is None
    for case, fen in ((1, 100), (2, 250)):
        await store.append(f"payment-{case}-2026-08", "payment", NO_STREAM, [paid(case, fen, run_id)])
    running = await last_payment_run(store)
    assert running == {
        "programme": "pension",
        "period": "2026-08",
        "state": "running",
        "started_at": at.astimezone(UTC).isoformat(),
        "completed_at": None,
        "payments": 2,
        "total_fen": 350,
        "run_id": run_id,
    }
    later = at + timedelta(minutes=3)
    summary = {"run_id": run_id, "period": "2026-08", "paid": 2, "total_fen": 350}
    await store.append(
        "pension-run-2026-08",
        "pension_run",
        NO_STREAM,
        [NewEvent(event_type="PensionRunCompleted", data=summary, occurred_at=later)],
    )
    done = await last_payment_run(store)
    assert done is not None and done["state"] == "completed"
    assert [datetime.fromisoformat(done[k]) for k in ("started_at", "completed_at")] == [at, later]
    assert (done["programme"], done["payments"], done["total_fen"]) == ("pension", 2, 350)
