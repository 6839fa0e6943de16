"""``/metrics`` on the real stack: a small service of the kit (commands, a consumer, deadlines, a
payment run) scraped with an operator's token, its families parsed as Prometheus parses them."""

from __future__ import annotations

import asyncio
import time
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Annotated, Any

import pytest
import structlog.testing
from fastapi import APIRouter
from prometheus_client.parser import text_string_to_metric_families
from pydantic import BaseModel

from minzheng_eventstore import ANY_VERSION, deadlines, raw_event_publication
from minzheng_eventstore.access import Policy, permit, route_permissions
from minzheng_eventstore.builder import Actor
from minzheng_eventstore.clock import ManualClock
from minzheng_eventstore.deps import Ctx
from minzheng_eventstore.errors import Conflict
from minzheng_eventstore.host import ServiceSettings
from minzheng_eventstore.identity import OidcSettings, Role
from minzheng_eventstore.kit import Service, ServiceDefinition, Subscription
from minzheng_eventstore.payments import MonthlyRun
from minzheng_eventstore.scrape import EXPOSED_METRICS, PaymentTally, township_of
from minzheng_eventstore.testing import ServiceClient, oidc_settings, running_service
from minzheng_kernel.events import DomainEvent

START = datetime(2026, 7, 14, 6, 0, tzinfo=UTC)
KIND = "thing-sla"
NAMESPACE = uuid.UUID("0b5e8a52-56a4-4c1f-9a55-3a0c1d1b7f10")


@dataclass(frozen=True, slots=True)
class ThingPaid(DomainEvent):
    payment_id: str
    programme: str
    period: str
    amount_fen: int
    run_id: str


@dataclass(frozen=True, slots=True)
class ThingRunCompleted(DomainEvent):
    run_id: str
    period: str
    paid: int


class Opened(BaseModel):
    jurisdiction: str
    due_hours: float
    warn_hours: float


class Run(BaseModel):
    amounts: list[int]
    complete: bool = True


def definition(name: str, prefix: str, stream: str) -> ServiceDefinition:
    router = APIRouter()

    @router.post("/things/{tid}", status_code=201)
    async def open_thing(
        tid: str, body: Opened, ctx: Ctx, actor: Annotated[Actor, permit("thing.open")]
    ) -> dict[str, str]:
        if tid == "closed":
            raise Conflict("thing_closed", "this thing is closed", field="tid")
        now = ctx.clock.now()
        async with ctx.store.pool.acquire() as conn:
            await deadlines.schedule(
                conn,
                kind=KIND,
                subject=f"thing-{tid}",
                due_at=now + timedelta(hours=body.due_hours),
                warn_at=now + timedelta(hours=body.warn_hours),
                starts_at=now,
                jurisdiction=body.jurisdiction,
            )
        return {"thing": tid}

    @router.post("/things/{tid}/done")
    async def close_thing(
        tid: str, ctx: Ctx, actor: Annotated[Actor, permit("thing.open")]
    ) -> dict[str, bool]:
        async with ctx.store.pool.acquire() as conn:
            return {"closed": await deadlines.close(conn, KIND, f"thing-{tid}", at=ctx.clock.now())}

    @router.post("/boom")
    async def boom(actor: Annotated[Actor, permit("thing.open")]) -> None:
        raise RuntimeError("a fault no handler names")

    @router.post("/runs/{period}")
    async def pay(
        period: str, body: Run, ctx: Ctx, actor: Annotated[Actor, permit("thing.pay")]
    ) -> dict[str, int]:
        run = MonthlyRun(ctx.store, ctx.builder(actor), namespace=NAMESPACE, period=period)
        for n, amount in enumerate(body.amounts):
            pid = run.payment_id(f"case{n}")
            fact = ThingPaid(str(pid), "dibao", period, amount, str(run.run_id))
            await run.pay(f"case{n}", fact, event_id=pid, amount_fen=amount, jurisdiction="330727101201")
        result = await run.finish()
        if body.complete:
            async with ctx.store.pool.acquire() as conn:
                built = ctx.builder(actor).build([ThingRunCompleted(str(run.run_id), period, result.paid)])
                await ctx.store.append(f"thing-run-{period}", "thing_run", ANY_VERSION, built, conn=conn)
        return {"paid": result.paid}

    async def on_message(ctx: Any, event: Any, uow: Any) -> None:
        return None

    return ServiceDefinition(
        name=name,
        title="metrics test",
        description="",
        publication=raw_event_publication(prefix),
        migrations=[deadlines.MIGRATION],
        subscriptions=[Subscription("things", 1, stream, f"{prefix}.incoming.>", on_message, contracts=())],
        routers=[router],
        policy=Policy({"thing.open": {Role.TOWNSHIP_CASEWORKER}, "thing.pay": {Role.COUNTY_APPROVER}}),
    )


Samples = dict[tuple[str, frozenset[tuple[str, str]]], float]


def parse(text: str) -> Samples:
    samples: Samples = {}
    for family in text_string_to_metric_families(text):
        for s in family.samples:
            samples[(s.name, frozenset(s.labels.items()))] = s.value
    return samples


def value(samples: Samples, name: str, **labels: str) -> float | None:
    return samples.get((name, frozenset(labels.items())))


@pytest.fixture
async def svc(
    fresh_database: str, stack, test_stream
) -> AsyncIterator[tuple[ServiceClient, ManualClock, str]]:  # type: ignore[no-untyped-def]
    stream, prefix = test_stream
    name = f"m{uuid.uuid4().hex[:8]}"  # counters are process-wide: a service of this test's own
    clock = ManualClock(START)
    settings = ServiceSettings(name, fresh_database, stack.nats_admin_url, oidc=oidc_settings(stack.issuer))
    service = Service(
        definition(name, prefix, stream), settings, clock=clock, county="330727", checkpoint_every=None
    )
    async with running_service(service, issuer=stack.issuer) as client:
        yield client, clock, name


async def test_metrics_expose_commands_refusals_consumers_deadlines_and_payments(
    svc: tuple[ServiceClient, ManualClock, str],
    stack,
    nats_admin,
    test_stream,  # type: ignore[no-untyped-def]
) -> None:
    client, clock, name = svc
    _, prefix = test_stream
    caseworker = client.as_caller(Role.TOWNSHIP_CASEWORKER)
    approver = client.as_caller(Role.COUNTY_APPROVER)
    operator = client.as_caller(Role.OPERATOR)

    async def scrape() -> Samples:
        response = await client.get("/metrics", headers=operator)
        assert response.headers["content-type"].startswith("text/plain")
        return parse(response.text)

    things = {
        "t1": ("330727101201", 24, 20),  # pending in township 330727101
        "t2": ("330727101202", 24, 1),  # at risk once 2 h have passed
        "t3": ("330727102", 1, 0.5),  # overdue once 2 h have passed, township 330727102
        "t4": ("330727", 48, 40),  # a county-wide deadline: pending under 330727
        "t5": ("330727101203", 24, 20),  # met
    }
    for tid, (where, due, warn) in things.items():
        body = {"jurisdiction": where, "due_hours": due, "warn_hours": warn}
        await client.post(f"/things/{tid}", body, expect=201, headers=caseworker)
    await client.post("/things/t5/done", expect=200, headers=caseworker)
    clock.advance(timedelta(hours=2))
    body = {"jurisdiction": "330727101201", "due_hours": 1, "warn_hours": 1}
    await client.post("/things/closed", body, expect=409, headers=caseworker)
    await client.post("/things/t6", body, expect=403, headers=client.as_caller(Role.AUDITOR))
    await client.post("/things/t6", body, expect=401, headers={"authorization": "Bearer not-a-token"})
    expired = stack.issuer.mint(
        subject="x", roles=[Role.TOWNSHIP_CASEWORKER], division="330727", ttl=60, now=time.time() - 3600
    )
    await client.post("/things/t6", body, expect=401, headers={"authorization": f"Bearer {expired}"})
    await client.request("POST", "/things/t6", json=body, expect=401, anonymous=True)
    with structlog.testing.capture_logs() as logs, pytest.raises(RuntimeError):
        await client.post(
            "/boom", headers=caseworker
        )  # the in-process transport raises what the 500 answered
    assert [e["event"] for e in logs if e["log_level"] == "error"] == ["http.unexpected_error"]

    await client.post("/runs/2026-06", {"amounts": [100, 200, 300]}, expect=200, headers=approver)
    await client.post(
        "/runs/2026-07", {"amounts": [150, 250], "complete": False}, expect=200, headers=approver
    )
    await client.relay_caught_up()

    js = nats_admin.jetstream()
    await js.publish(f"{prefix}.incoming.bad", b"not a contract")
    consumer = f"{name}-things-v1"
    for _ in range(200):  # the consumer dead-letters it (a permanent error) and acknowledges it
        samples = await scrape()
        dead = value(samples, "mz_consumer_dead_letters_open", service=name, consumer=consumer)
        if (
            dead == 1
            and value(samples, "mz_consumer_ack_pending_messages", service=name, consumer=consumer) == 0
        ):
            break
        await asyncio.sleep(0.05)
    else:
        raise AssertionError("the malformed message was not dead-lettered")

    def v(metric: str, **labels: str) -> float | None:
        return value(samples, metric, service=name, **labels)

    # commands by route template and outcome
    assert v("mz_commands_total", command="POST /things/{tid}", outcome="ok") == 5
    assert v("mz_commands_total", command="POST /things/{tid}/done", outcome="ok") == 1
    assert v("mz_commands_total", command="POST /things/{tid}", outcome="refused") == 5  # 409, 403, 3 × 401
    assert v("mz_commands_total", command="POST /boom", outcome="error") == 1
    assert v("mz_commands_total", command="POST /runs/{period}", outcome="ok") == 2
    # token failures and permission refusals
    assert v("mz_token_failures_total", reason="invalid") == 1
    assert v("mz_token_failures_total", reason="expired") == 1
    assert v("mz_token_failures_total", reason="missing") == 1
    assert v("mz_permission_refusals_total", code="role_not_permitted") == 1
    # deadlines by kind, township and state, on the service's clock
    clocks = {
        (dict(k[1])["township"], dict(k[1])["state"]): val
        for k, val in samples.items()
        if k[0] == "mz_deadlines" and dict(k[1])["service"] == name
    }
    assert clocks == {
        ("330727101", "pending"): 1,
        ("330727101", "at_risk"): 1,
        ("330727101", "met"): 1,
        ("330727102", "overdue"): 1,
        ("330727", "pending"): 1,
    }
    assert v("mz_deadlines", kind=KIND, township="330727102", state="overdue") == 1
    # payments by programme and period; the last completed run, and one that did not complete
    assert v("mz_payments", programme="dibao", period="2026-06") == 3
    assert v("mz_payments_amount_fen", programme="dibao", period="2026-06") == 600
    assert v("mz_payments", programme="dibao", period="2026-07") == 2
    assert v("mz_payments_amount_fen", programme="dibao", period="2026-07") == 400
    last = v("mz_payment_last_run_timestamp_seconds", programme="dibao", period="2026-06")
    assert last is not None and abs(last - time.time()) < 600  # recorded_at: the database's time
    assert v("mz_payment_run_incomplete", programme="dibao") == 1
    assert v("mz_payments_tally_caught_up") == 1
    # the relay: everything published (5 payments, 1 completion), nothing parked or behind
    assert v("mz_relay_lag_events") == 0
    assert v("mz_relay_parked_events") == 0
    # (the durable count may hold a batch twice: the test's drain publishes beside the running relay)
    published = v("mz_relay_published_total", relay=f"{name}-outbox")
    assert published is not None and published >= 6
    # the consumer in JetStream
    assert v("mz_consumer_present", consumer=consumer) == 1
    assert v("mz_consumer_pending_messages", consumer=consumer) == 0
    assert v("mz_consumer_ack_pending_messages", consumer=consumer) == 0
    assert v("mz_consumer_redelivered_messages", consumer=consumer) == 0
    for source in ("relay", "consumers", "dead_letters", "deadlines", "payments"):
        assert v("mz_scrape_source_failed", source=source) == 0
    # only this service's samples, and only names the alert rules may rely on
    assert {dict(k[1]).get("service") for k in samples} == {name}
    assert {k[0] for k in samples} <= EXPOSED_METRICS

    # the tally reads on from where it stopped: a completion later clears the flag
    await client.post("/runs/2026-07", {"amounts": [150, 250]}, expect=200, headers=approver)
    samples = await scrape()
    assert v("mz_payments", programme="dibao", period="2026-07") == 2  # paid once
    assert v("mz_payment_run_incomplete", programme="dibao") == 0
    assert v("mz_payment_last_run_timestamp_seconds", programme="dibao", period="2026-07") is not None

    # /metrics itself: a token, and the operator's role
    anonymous = await client.request("GET", "/metrics", anonymous=True)
    assert anonymous.status_code == 401
    forbidden = await client.get("/metrics", expect=403, headers=client.as_caller(Role.AUDITOR))
    assert forbidden.json()["error"]["code"] == "role_not_permitted"
    samples = await scrape()
    assert v("mz_token_failures_total", reason="missing") == 2
    assert v("mz_permission_refusals_total", code="role_not_permitted") == 2


async def test_a_source_that_fails_does_not_take_the_scrape_down(
    svc: tuple[ServiceClient, ManualClock, str],
) -> None:
    client, _, name = svc
    async with client.service.host.store.pool.acquire() as conn:
        await conn.execute("DROP TABLE deadlines")
        await conn.execute("ALTER TABLE dead_letters RENAME TO dead_letters_gone")
    response = await client.get("/metrics", headers=client.as_caller(Role.OPERATOR))
    samples = parse(response.text)
    assert value(samples, "mz_scrape_source_failed", service=name, source="dead_letters") == 1
    assert value(samples, "mz_scrape_source_failed", service=name, source="deadlines") == 0  # none: no gauge
    assert value(samples, "mz_scrape_source_failed", service=name, source="relay") == 0
    assert not [k for k in samples if k[0] == "mz_deadlines"]
    async with client.service.host.store.pool.acquire() as conn:
        await conn.execute("ALTER TABLE dead_letters_gone RENAME TO dead_letters")


def test_a_payment_tally_judges_the_latest_run_of_programmes_whose_runs_complete() -> None:
    tally = PaymentTally()

    def paid(programme: str, period: str, run: str, at: int) -> dict[str, Any]:
        return {"programme": programme, "period": period, "run_id": run, "n": 2, "fen": "300", "at": at}

    last = {"tx": "9", "position": 9, "rows": 9}
    tally.read(last, [paid("dibao", "2026-06", "r1", 2), paid("conscript", "2026-06", "c1", 3)], [])
    assert not tally.incomplete("dibao") and not tally.incomplete("conscript")  # none seen complete
    tally.read(last, [], [{"run_id": "r1", "period": "2026-06", "at": 100.0, "position": 4}])
    assert tally.last_completed("dibao") == ("2026-06", 100.0) and not tally.incomplete("dibao")
    tally.read(last, [paid("dibao", "2026-07", "r2", 5)], [])
    assert tally.incomplete("dibao")  # the July run started and did not complete
    assert not tally.incomplete("conscript")  # its service records no completion: not judged
    tally.read(last, [], [{"run_id": "r3", "period": "2026-07", "at": 200.0, "position": 7}])
    assert not tally.incomplete("dibao")  # a repeated July run (nothing left to pay) completed
    assert tally.last_completed("dibao") == ("2026-07", 200.0)
    assert tally.totals == {
        ("dibao", "2026-06"): [2, 300],
        ("conscript", "2026-06"): [2, 300],
        ("dibao", "2026-07"): [2, 300],
    }
    assert tally.caught_up and (tally.tx, tally.position) == ("9", 9)


def test_townships_of_villages_townships_and_counties() -> None:
    assert township_of("330727101201") == "330727101"
    assert township_of("330727101") == "330727101"
    assert township_of("330727") == "330727"
    assert township_of(None) == township_of("") == ""


def _definitions() -> list[ServiceDefinition]:
    from minzheng_assistance.service import ASSISTANCE
    from minzheng_disaster.service import DISASTER
    from minzheng_eldercare.service import ELDERCARE
    from minzheng_registry.service import REGISTRY
    from minzheng_veterans.service import VETERANS

    return [ASSISTANCE, DISASTER, ELDERCARE, REGISTRY, VETERANS]


@pytest.mark.parametrize("chosen", _definitions(), ids=lambda d: d.name)
def test_every_service_exposes_metrics_to_the_operator(chosen: ServiceDefinition) -> None:
    settings = ServiceSettings(
        chosen.name,
        "postgresql://unused@127.0.0.1:1/unused",
        "nats://127.0.0.1:1",
        oidc=OidcSettings("http://127.0.0.1:1", "http://127.0.0.1:1/jwks.json"),
    )
    app = Service(chosen, settings, checkpoint_every=None).app()
    assert ("get", "/metrics", "operations.metrics") in route_permissions(app)
    assert chosen.policy.roles("operations.metrics") == {Role.OPERATOR}
