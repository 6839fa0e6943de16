"""``explain`` of the assistance service's payments on the real stack (PostgreSQL, NATS), by the
rules the service declares (``adapters/explain.py``): a 低保 month paid under the old standard and
explained after the standard was raised names the old standard with its value then and the raise
as recorded since; its members and per-capita income are the approval's, not a recheck's recorded
before the payment but holding only from the next month; the amount is recomputed from them. The
next month is explained by the raised standard and the recheck's basis, a 特困 month by its mode's
standard. Only the auditor reads it, every read is recorded (without a resident ID), bad input is
a 422 or 404 naming ``payment``; the service's command line explains the same way."""

from __future__ import annotations

import asyncio
import json
import os
import sys
from datetime import date, datetime, timedelta, timezone
from typing import Any

from minzheng_assistance.application.configuration import Division, load_divisions
from minzheng_assistance.entrypoints.app import Assistance
from minzheng_contracts import make_resident_id
from minzheng_eventstore import Actor
from minzheng_eventstore.clock import ManualClock
from minzheng_eventstore.explain import explain
from minzheng_eventstore.host import ServiceSettings
from minzheng_eventstore.testing import oidc_settings, refused, running_service

CST = timezone(timedelta(hours=8))
VILLAGE = "330727101201"
HEAD = make_resident_id("330727", date(1962, 4, 5), 41).reveal()
SPOUSE = make_resident_id("330727", date(1964, 9, 9), 42).reveal()
ALONE = make_resident_id("330727", date(1950, 1, 15), 43).reveal()
OLD, RAISED = 35_200, 39_600
OLD_ID, RAISED_ID = "dibao_rural:330727:2014-01-01", "dibao_rural:330727:2026-04-01"
HISTORY = "the test county's standards since 2014"


async def test_a_dibao_month_is_explained_by_its_old_standard_and_the_basis_in_force(
    fresh_database: str, stack: Any
) -> None:
    clock = ManualClock(datetime(2026, 3, 2, 9, 0, tzinfo=CST))
    settings = ServiceSettings(
        "assistance", fresh_database, stack.nats_url("assistance"), oidc=oidc_settings(stack.issuer)
    )
    service = Assistance(settings, clock=clock)
    # no consumers: earlier tests' division messages on the shared stream would redraw the village
    async with running_service(service, issuer=stack.issuer, consume=False) as a:
        ctx = service.context()
        await load_divisions(
            ctx,
            Actor("registry-policy"),
            [
                Division("330727101", "T101", "township", parent="330727", valid_from=date(2001, 1, 1)),
                Division(VILLAGE, "V201", "village", parent="330727101", valid_from=date(2001, 1, 1)),
            ],
        )
        for parameter, value in (("dibao_rural", OLD), ("notice_days", 7), ("tekun_dispersed", 60_000)):
            body = {"parameter": parameter, "jurisdiction": "330727", "effective_from": "2014-01-01"}
            await a.post("/standards/corrections", {**body, "value": value, "reason": HISTORY}, expect=201)

        # a household of two (per capita 15,000 fen), approved from March
        members = [
            {
                "resident_id": HEAD,
                "relationship": "self",
                "monthly_income_fen": 30_000,
                "employment": "farming",
            },
            {
                "resident_id": SPOUSE,
                "relationship": "spouse",
                "monthly_income_fen": 0,
                "employment": "unemployed",
            },
        ]
        application = {"programme": "dibao_rural", "residence": VILLAGE, "members": members}
        hid = (await a.post("/households", application, expect=201)).json()["household_id"]
        for step in ("investigation", "economic_check", "appraisal", "township_review"):
            await a.post(f"/households/{hid}/steps/{step}", {"passed": True}, expect=200)
        await a.post(f"/households/{hid}/notice", expect=200)
        clock.advance(timedelta(days=8))
        await a.post(
            f"/households/{hid}/approval", {}, 200, a.as_caller("county-approver", subject="approver-1")
        )
        # a recheck before March is paid: the head's income fell, the amount rises from April
        recheck = {"incomes": [{"resident_id": HEAD, "monthly_income_fen": 10_000}]}
        await a.post(f"/households/{hid}/recheck", recheck, expect=200)
        march = (await a.post(f"/households/{hid}/payments", {"period": "2026-03"}, expect=201)).json()
        assert march["amount_fen"] == (OLD - 15_000) * 2
        # the standard raised from April; April paid by the run, with a 特困 case
        clock.set(datetime(2026, 3, 15, 9, 0, tzinfo=CST))
        officer = a.as_caller("county-standards-officer", subject="officer-1")
        raise_ = {"parameter": "dibao_rural", "jurisdiction": "330727", "effective_from": "2026-04-01"}
        await a.post("/standards", {**raise_, "value": RAISED}, expect=201, headers=officer)
        await a.post("/tekun", {"person": ALONE, "residence": VILLAGE, "mode": "dispersed"}, expect=201)
        clock.set(datetime(2026, 4, 1, 8, 0, tzinfo=CST))
        await a.post("/payment-runs", {"period": "2026-04"}, expect=201)

        async with service.host.store.pool.acquire() as conn:
            ids = {
                (r["programme"], r["period"]): r["payment_id"]
                for r in await conn.fetch(
                    "SELECT data->>'programme' AS programme, data->>'period' AS period, "
                    "data->>'payment_id' AS payment_id FROM events WHERE event_type = 'PaymentIssued'"
                )
            }
            approval = await conn.fetchval(
                "SELECT event_id::text FROM events WHERE event_type = 'ApprovalGranted'"
            )
            changed = await conn.fetchval(
                "SELECT event_id::text FROM events WHERE event_type = 'AmountChanged'"
            )
        assert set(ids) == {("dibao_rural", "2026-03"), ("dibao_rural", "2026-04"), ("tekun", "2026-04")}
        auditor = a.as_caller("auditor", subject="auditor-1")

        # March, after the raise: the old standard, its value then, the raise recorded since
        old = (await a.get("/audit/explain", headers=auditor, payment=ids["dibao_rural", "2026-03"])).json()
        assert old["service"] == "assistance" and old["declared"] is True
        [standard] = old["standards"]
        assert (standard["standard_id"], standard["value_then"], standard["source"]) == (OLD_ID, OLD, "event")
        assert [e["data"]["standard_id"] for e in standard["since"]] == [RAISED_ID]
        assert standard["since"][0]["actor"] == "officer-1"
        # the members and income of the approval (the basis for March), not the recheck's
        assert (old["inputs"]["member_count"], old["inputs"]["per_capita_income_fen"]) == (2, 15_000)
        assert old["inputs"]["category"] == "rural" and old["inputs"]["period"] == "2026-03"
        assert old["input_events"]["per_capita_income_fen"] == approval
        assert old["amount_fen"] == old["recomputed_fen"] == (OLD - 15_000) * 2
        types = [d["event_type"] for d in old["decisions"]]
        assert types[:2] == ["HouseholdApplied", "ReviewStepRecorded"] and "ApprovalGranted" in types
        assert "RecheckCompleted" in types and "AmountChanged" not in types  # it holds from April
        assert all(d["stream_id"] == f"household-{hid}" for d in old["decisions"])
        assert old["decisions"][0]["data"]["members"][0]["resident_id"] == HEAD  # whole, for the auditor
        # the heuristic (no declaration) took the recheck's income recorded before the payment
        guessed = await explain(service.host.store, ids["dibao_rural", "2026-03"])
        assert guessed.inputs["per_capita_income_fen"] == 5_000 and guessed.rule is None

        # April: the raised standard and the recheck's basis
        new = (await a.get("/audit/explain", headers=auditor, payment=ids["dibao_rural", "2026-04"])).json()
        assert [(s["standard_id"], s["value_then"], s["since"]) for s in new["standards"]] == [
            (RAISED_ID, RAISED, [])
        ]
        assert (new["inputs"]["member_count"], new["inputs"]["per_capita_income_fen"]) == (2, 5_000)
        assert (
            new["input_events"]["per_capita_income_fen"] == changed and new["inputs"]["reason"] == "recheck"
        )
        assert new["amount_fen"] == new["recomputed_fen"] == (RAISED - 5_000) * 2
        # 特困: the mode's standard
        tekun = (await a.get("/audit/explain", headers=auditor, payment=ids["tekun", "2026-04"])).json()
        assert (
            tekun["inputs"]["mode"] == "dispersed"
            and tekun["amount_fen"] == tekun["recomputed_fen"] == 60_000
        )
        assert [d["event_type"] for d in tekun["decisions"]] == ["TekunSupportConfirmed"]

        # only the auditor of the county; bad input names the field; nothing recorded for those
        async with service.host.store.pool.acquire() as conn:
            reads = await conn.fetchval("SELECT count(*) FROM audit_reads")
        march_id = ids["dibao_rural", "2026-03"]
        caseworker = a.as_caller("township-caseworker", "county-approver")
        refused(
            await a.request("GET", "/audit/explain", params={"payment": march_id}, headers=caseworker),
            403,
            "role_not_permitted",
        )
        elsewhere = a.as_caller("auditor", division="330726", subject="auditor-2")
        refused(
            await a.request("GET", "/audit/explain", params={"payment": march_id}, headers=elsewhere),
            403,
            "outside_jurisdiction",
            "payment",
        )
        refused(
            await a.request("GET", "/audit/explain", params={"payment": "no-such-payment"}, headers=auditor),
            404,
            "payment_not_found",
            "payment",
        )
        bad = await a.request("GET", "/audit/explain", params={"payment": "'; drop"}, headers=auditor)
        assert bad.status_code == 422 and "payment" in bad.text
        async with service.host.store.pool.acquire() as conn:
            assert await conn.fetchval("SELECT count(*) FROM audit_reads") == reads == 3
            rows = await conn.fetch("SELECT * FROM audit_reads ORDER BY read_at")
        assert {(r["reader"], r["verb"], tuple(r["roles"])) for r in rows} == {
            ("auditor-1", "explain", ("auditor",))
        }
        assert {r["subject"] for r in rows} == {
            f"payment-{hid}-2026-03",
            f"payment-{hid}-2026-04",
            f"payment-{tekun['payment']['data']['case_id']}-2026-04",
        }
        assert all(r["read_at"] == clock.now() for r in rows)
        assert not any(p in json.dumps([dict(r) for r in rows], default=str) for p in (HEAD, SPOUSE, ALONE))

    # the service's command line, on the same database: the same explanation
    env = {
        **os.environ,
        "ASSISTANCE_DATABASE_URL": fresh_database,
        "ASSISTANCE_NATS_URL": stack.nats_url("assistance"),
        "ASSISTANCE_OIDC_ISSUER": stack.issuer.url,
        "ASSISTANCE_PSEUDONYM_KEY": "audit-cli-test-key",
    }
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "minzheng_assistance",
        "explain",
        march_id,
        "--json",
        env=env,
        stdout=asyncio.subprocess.PIPE,
    )
    out, _ = await process.communicate()
    assert process.returncode == 0
    body = json.loads(out)
    assert body["declared"] is True and body["recomputed_fen"] == (OLD - 15_000) * 2
    assert body["inputs"]["per_capita_income_fen"] == 15_000
    assert [s["since"][0]["data"]["standard_id"] for s in body["standards"]] == [RAISED_ID]
    # and as tables: the rule with its recomputed amount, each input with its event
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "minzheng_assistance",
        "explain",
        march_id,
        env={**env, "COLUMNS": "240"},
        stdout=asyncio.subprocess.PIPE,
    )
    out, _ = await process.communicate()
    text = out.decode()
    assert process.returncode == 0 and f"= {(OLD - 15_000) * 2} fen" in text
    assert "per_capita_income_fen" in text and approval in text and RAISED_ID in text
