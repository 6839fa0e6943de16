"""The county view of a person (issue 17, item 3) on the real stack: three services (registry,
veterans, eldercare), each on its own database, one person known to all three. A death registered
in the registry reaches the veterans and eldercare services through NATS; the county view
(``minzheng_infra.audit``, what ``python -m minzheng_infra audit person`` runs) asks each service's
API with an auditor's token and gives one timeline across them, in the order recorded: the
registry's death before the reactions it caused, and as of a moment before the death only what
each service had recorded by then. A service that does not answer is named, the others answer."""

from __future__ import annotations

import asyncio
import uuid
from datetime import date, datetime, timedelta, timezone
from typing import Any

import asyncpg
import httpx
from typer.testing import CliRunner

from minzheng_contracts import make_resident_id
from minzheng_eldercare.application.configuration import load_county_standards
from minzheng_eldercare.entrypoints.app import Eldercare
from minzheng_eventstore.clock import ManualClock
from minzheng_eventstore.host import ServiceSettings
from minzheng_eventstore.testing import bearer, oidc_settings
from minzheng_infra.audit import as_of_moment, person_timeline
from minzheng_infra.cli import app as infra_cli
from minzheng_registry.entrypoints.app import Registry
from minzheng_veterans.adapters.entitlement.http import RECOGNITION
from minzheng_veterans.application.pensions.standards import load_pension_standards
from minzheng_veterans.entrypoints.app import Veterans

CST = timezone(timedelta(hours=8))
PERSON = make_resident_id("330727", date(1941, 6, 1), 53).reveal()
VILLAGE = "330727101201"


async def database(stack: Any) -> str:
    name = f"county_{uuid.uuid4().hex[:10]}"
    admin = await asyncpg.connect(stack.pg_admin_dsn)
    await admin.execute(f'CREATE DATABASE "{name}"')
    await admin.close()
    return str(stack.postgres.admin_url(name))


def client(service: Any, headers: dict[str, str] | None = None) -> httpx.AsyncClient:
    return httpx.AsyncClient(
        transport=httpx.ASGITransport(app=service.app()),
        base_url=f"http://{service.definition.name}",
        headers=headers or {},
    )


async def test_one_timeline_of_a_person_across_three_services(fresh_database: str, stack: Any) -> None:
    clock = ManualClock(datetime(2026, 3, 2, 9, 0, tzinfo=CST))
    oidc = oidc_settings(stack.issuer)

    def settings(name: str, dsn: str) -> ServiceSettings:
        return ServiceSettings(name, dsn, stack.nats_url(name), oidc=oidc)

    veterans = Veterans(settings("veterans", fresh_database), clock=clock, scheduler=False)
    eldercare = Eldercare(settings("eldercare", await database(stack)), clock=clock, scheduler=False)
    registry = Registry(settings("registry", await database(stack)), clock=clock, scheduler=False)
    approver = bearer(stack.issuer, "county-approver", division="330727", subject="approver-1")
    registrar = bearer(stack.issuer, "registrar", division="330727", subject="registrar-1")
    async with (
        veterans.host.running(),
        eldercare.host.running(),
        registry.host.running(),
        client(veterans, approver) as v,
        client(eldercare, approver) as e,
        client(registry, registrar) as r,
    ):
        await load_pension_standards(veterans.context())
        await load_county_standards(eldercare.context())
        recognition = {**RECOGNITION, "resident_id": PERSON, "residence": VILLAGE, "grade": 1}
        assert (await v.post("/entitlements", json=recognition)).status_code == 201
        elder = await e.post("/elders", json={"resident_id": PERSON, "residence": VILLAGE})
        assert elder.status_code == 201, elder.text

        auditor = stack.issuer.mint(subject="auditor-1", roles=["auditor"], division="330727")
        clients = {"registry": r, "veterans": v, "eldercare": e}
        before = await person_timeline(clients, auditor, PERSON)
        assert set(before.streams) == {"veterans", "eldercare"} and before.unreachable == {}
        moment = max(x["recorded_at"] for x in before.events)

        clock.set(datetime(2026, 5, 12, 9, 0, tzinfo=CST))
        death = {
            "deceased": PERSON,
            "date_of_death": "2026-03-28",
            "place": VILLAGE,
            "residence": VILLAGE,
            "office": "330727",
        }
        assert (await r.post("/deaths", json=death)).status_code == 201

        def reacted(timeline: Any, service: str) -> bool:
            return len([x for x in timeline.events if x["service"] == service]) > len(
                [x for x in before.events if x["service"] == service]
            )

        for _ in range(600):
            timeline = await person_timeline(clients, auditor, PERSON)
            if reacted(timeline, "veterans") and reacted(timeline, "eldercare"):
                break
            await asyncio.sleep(0.05)
        else:
            raise AssertionError("the death never reached both services")

        assert set(timeline.streams) == {"registry", "veterans", "eldercare"}
        recorded = [datetime.fromisoformat(x["recorded_at"]) for x in timeline.events]
        assert recorded == sorted(recorded)
        first_registry = next(i for i, x in enumerate(timeline.events) if x["service"] == "registry")
        reactions = [
            x for x in timeline.events[first_registry:] if x["service"] != "registry" and x["causation_id"]
        ]
        assert {x["service"] for x in reactions} == {"veterans", "eldercare"}  # caused by the message
        assert all(x["actor"] for x in timeline.events)

        # as of a moment before the death: the registry had nothing, the others what they had then
        then = await person_timeline(clients, auditor, PERSON, as_of=moment)
        assert set(then.streams) == {"veterans", "eldercare"}
        assert [x["event_id"] for x in then.events] == [x["event_id"] for x in before.events]

        # a service that does not answer is named; a caller who is not the auditor is refused
        async with httpx.AsyncClient(base_url="http://127.0.0.1:9") as down:
            partial = await person_timeline({**clients, "assistance": down}, auditor, PERSON)
        assert set(partial.unreachable) == {"assistance"} and len(partial.events) == len(timeline.events)
        caseworker = stack.issuer.mint(subject="cw-1", roles=["township-caseworker"], division="330727")
        denied = await person_timeline(clients, caseworker, PERSON)
        assert denied.events == [] and set(denied.unreachable.values()) == {"403 role_not_permitted"}
        # each service recorded the auditor's reads (the county view's among them)
        async with registry.host.store.pool.acquire() as conn:
            assert await conn.fetchval("SELECT count(*) FROM audit_reads WHERE reader = 'auditor-1'") >= 2


def test_the_county_view_command_refuses_bad_input_before_asking_anyone() -> None:
    runner = CliRunner()
    bad = runner.invoke(infra_cli, ["audit", "person", "33072719410601"])
    assert bad.exit_code == 2 and "resident" in bad.output.lower()
    bad = runner.invoke(infra_cli, ["audit", "person", PERSON, "--as-of", "tomorrow", "--token", "t"])
    assert bad.exit_code == 2 and "--as-of" in bad.output
    assert as_of_moment("2026-05-12") == "2026-05-12T23:59:59.999999+08:00"
