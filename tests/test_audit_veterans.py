"""The auditor's reads on a real service (the veterans service on the session's PostgreSQL and
NATS): a pension paid under an old standard, the standard then raised, and ``explain`` of the old
payment names the old standard and its value then; a person's history by resident ID; a stream's
state as of a moment; only the auditor reaches them, bad input is a 422 naming the field with
nothing recorded, and every read is recorded (who, what, when) with no resident ID in it. The same
reads from the service's command line (``history``, ``state``, ``explain`` with ``--json``)."""

from __future__ import annotations

import asyncio
import json
import os
import sys
from datetime import date, datetime, timedelta, timezone
from typing import Any

from minzheng_contracts import Period, make_resident_id
from minzheng_eventstore import Actor
from minzheng_eventstore.clock import ManualClock
from minzheng_eventstore.host import ServiceSettings
from minzheng_eventstore.testing import oidc_settings, refused, running_service
from minzheng_kernel.standards import monthly_share
from minzheng_veterans.adapters.entitlement.http import RECOGNITION
from minzheng_veterans.application.pensions.run import run_pensions
from minzheng_veterans.application.pensions.standards import load_pension_standards
from minzheng_veterans.entrypoints.app import Veterans

CST = timezone(timedelta(hours=8))
VETERAN = make_resident_id("330727", date(1951, 7, 9), 21).reveal()
PARAMETER = "pension.disabled.war.1"
OLD, RAISED = 9_000_000, 9_600_000
OLD_ID, RAISED_ID = f"{PARAMETER}:330727:2026-01-01", f"{PARAMETER}:330727:2026-04-01"


async def cli(env: dict[str, str], *args: str) -> tuple[int, Any]:
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "minzheng_veterans", *args, "--json", env=env, stdout=asyncio.subprocess.PIPE
    )
    out, _ = await process.communicate()
    return process.returncode or 0, json.loads(out)


async def test_the_auditor_explains_an_old_payment_after_the_raise_and_every_read_is_recorded(
    fresh_database: str, stack
) -> None:  # type: ignore[no-untyped-def]
    clock = ManualClock(datetime(2025, 12, 1, 9, 0, tzinfo=CST))
    settings = ServiceSettings(
        "veterans", fresh_database, stack.nats_url("veterans"), oidc=oidc_settings(stack.issuer)
    )
    service = Veterans(settings, clock=clock, scheduler=False)
    async with running_service(service, issuer=stack.issuer) as v:
        ctx = service.context()
        await load_pension_standards(ctx)
        officer = v.as_caller("county-standards-officer", subject="officer-1")
        body = {
            "parameter": PARAMETER,
            "jurisdiction": "330727",
            "effective_from": "2026-01-01",
            "value": OLD,
        }
        await v.post("/standards", body, expect=201, headers=officer)
        clock.set(datetime(2026, 2, 20, 9, 0, tzinfo=CST))
        recognition = {**RECOGNITION, "resident_id": VETERAN, "grade": 1}
        eid = (await v.post("/entitlements", recognition, expect=201)).json()["entitlement_id"]
        clock.set(datetime(2026, 3, 1, 8, 0, tzinfo=CST))
        await run_pensions(ctx, Actor("approver-1"), Period(2026, 3))
        clock.set(datetime(2026, 3, 15, 9, 0, tzinfo=CST))
        raise_ = {**body, "effective_from": "2026-04-01", "value": RAISED}
        await v.post("/standards", raise_, expect=201, headers=officer)
        clock.set(datetime(2026, 4, 1, 8, 0, tzinfo=CST))
        await run_pensions(ctx, Actor("approver-1"), Period(2026, 4))

        async def one(sql: str, *args: object) -> Any:
            async with service.host.store.pool.acquire() as conn:
                return await conn.fetchval(sql, *args)

        march = str(
            await one(
                "SELECT event_id FROM events WHERE event_type = 'PensionPaid' AND data->>'period' = '2026-03'"
            )
        )
        april_payment = await one(
            "SELECT data->>'payment_id' FROM events "
            "WHERE event_type = 'PensionPaid' AND data->>'period' = '2026-04'"
        )
        auditor = v.as_caller("auditor", subject="auditor-1")

        # explain the March payment: the old standard, its value then and the event that set it
        old = (await v.get("/audit/explain", headers=auditor, payment=march)).json()
        assert old["amount_fen"] == monthly_share(OLD, 3)
        [standard] = old["standards"]
        assert (standard["standard_id"], standard["value_then"], standard["source"]) == (OLD_ID, OLD, "event")
        assert (
            standard["set_by"]["event_type"] == "StandardSet" and standard["set_by"]["actor"] == "officer-1"
        )
        assert [e["data"]["standard_id"] for e in standard["since"]] == [RAISED_ID]
        assert old["inputs"]["key"] == "war.1" and old["inputs"]["category"] == "disabled"  # grade 1, in war
        assert any(e["stream_id"] == f"entitlement-{eid}" for e in old["decisions"])
        # the service's declared rule: the month's share of the standard then, recomputed
        assert old["declared"] and old["recomputed_fen"] == old["amount_fen"]
        # the April payment, by its payment id: the raised standard
        new = (await v.get("/audit/explain", headers=auditor, payment=april_payment)).json()
        assert [(s["standard_id"], s["value_then"]) for s in new["standards"]] == [(RAISED_ID, RAISED)]
        assert new["amount_fen"] == monthly_share(RAISED, 4) == new["recomputed_fen"]

        # the person's history by resident ID: the entitlement and both payments, with their actors
        person = (await v.get("/audit/history", headers=auditor, resident=VETERAN)).json()
        assert f"entitlement-{eid}" in person["streams"]
        paid = [e for e in person["events"] if e["event_type"] == "PensionPaid"]
        assert len(paid) == 2 and all(
            e["data"]["beneficiary"] == VETERAN for e in paid
        )  # whole, for the auditor
        # as of the March run: only what was recorded by then
        cut = paid[0]["position"]
        then = (await v.get("/audit/history", headers=auditor, resident=VETERAN, as_of=cut)).json()
        assert [e["event_type"] for e in then["events"]].count("PensionPaid") == 1

        # the entitlement's state as of its recognition against now about then (here the same)
        state = (await v.get("/audit/state", headers=auditor, stream=f"entitlement-{eid}", as_of=cut)).json()
        assert state["folded"] is True and state["known_then"]["version"] >= 1
        assert state["known_then"]["state"] == state["known_now"]["state"]

        # only the auditor; bad input a 422 naming the field, an unknown stream a 404
        caseworker = v.as_caller("township-caseworker", "county-approver")
        refused(
            await v.request("GET", "/audit/explain", params={"payment": march}, headers=caseworker),
            403,
            "role_not_permitted",
        )
        refused(
            await v.request("GET", "/audit/history", params={"resident": VETERAN}, anonymous=True),
            401,
            "unauthenticated",
        )
        reads = await one("SELECT count(*) FROM audit_reads")
        elsewhere = v.as_caller("auditor", division="330726", subject="auditor-2")
        refused(
            await v.request("GET", "/audit/explain", params={"payment": march}, headers=elsewhere),
            403,
            "outside_jurisdiction",
            "payment",
        )
        bad = {"resident": "330727195107090000"}
        refused(
            await v.request("GET", "/audit/history", params=bad, headers=auditor),
            422,
            "invalid_resident_id",
            "resident",
        )
        refused(
            await v.request(
                "GET",
                "/audit/state",
                params={"stream": f"entitlement-{eid}", "as_of": "2026-03-01"},
                headers=auditor,
            ),
            422,
            "invalid_as_of",
            "as_of",
        )
        refused(
            await v.request(
                "GET", "/audit/state", params={"stream": "nothing-here", "as_of": cut}, headers=auditor
            ),
            404,
            "stream_not_found",
            "stream",
        )
        refused(
            await v.request("GET", "/audit/explain", params={"payment": "no-such-payment"}, headers=auditor),
            404,
            "payment_not_found",
            "payment",
        )
        assert await one("SELECT count(*) FROM audit_reads") == reads

        # every read recorded: who, which read, when (the service clock), the person by pseudonym
        async with service.host.store.pool.acquire() as conn:
            rows = await conn.fetch("SELECT * FROM audit_reads ORDER BY read_at, verb")
        assert [r["verb"] for r in rows] == ["explain", "explain", "history", "history", "state"]
        assert {r["reader"] for r in rows} == {"auditor-1"} and all(r["roles"] == ["auditor"] for r in rows)
        assert all(r["read_at"] == clock.now() for r in rows)
        assert all(VETERAN not in json.dumps(dict(r), default=str) for r in rows)
        assert {r["subject"] for r in rows if r["verb"] == "history"} == {
            f"person:{ctx.pseudonyms.token('audit-person', VETERAN)}"
        }

    # the same reads from the command line, against the service's database
    env = {
        **os.environ,
        "VETERANS_DATABASE_URL": fresh_database,
        "VETERANS_NATS_URL": stack.nats_url("veterans"),
        "VETERANS_PSEUDONYM_KEY": "audit-cli-test-key",
        "VETERANS_OIDC_ISSUER": stack.issuer.url,
    }
    status, body = await cli(env, "explain", march)
    assert status == 0 and [s["standard_id"] for s in body["standards"]] == [OLD_ID]
    status, body = await cli(env, "history", "--stream", f"entitlement-{eid}")
    assert status == 0 and body["events"][0]["version"] == 1
    status, body = await cli(env, "state", "--stream", f"entitlement-{eid}", "--as-of", cut)
    assert status == 0 and body["same"] is True
    status, body = await cli(env, "state", "--stream", f"entitlement-{eid}", "--as-of", "soon")
    assert status == 2 and body["error"]["field"] == "as_of"
