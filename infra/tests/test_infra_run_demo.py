"""The demo data ``make run`` seeds (each service's ``seed-demo``, as the kit's CLI runs it) on the
real stack: seeded twice, the second seed writes nothing; the deadlines the operations console
shows are pending (divorce cooling-off, illegal burial, a soldier's reporting, an institution's
rectification); and the demo's one case across services is there: ``CASE_PERSON`` a 低保
recipient, an entitled veteran and an elder with an allowance, whose death the registry registers."""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable, Sequence
from typing import Any

import asyncpg

from minzheng_eventstore.context import ServiceContext
from minzheng_eventstore.host import ServiceSettings
from minzheng_eventstore.kit import Service
from minzheng_eventstore.testing import oidc_settings

CASE_PERSON = "330727193603157188"
"""``make_resident_id("330727", date(1936, 3, 15), 718)``: the same in the four demos."""


def _factory(name: str) -> Callable[..., Service]:
    if name == "assistance":
        from minzheng_assistance.entrypoints.app import Assistance

        return Assistance
    if name == "veterans":
        from minzheng_veterans.entrypoints.app import Veterans

        return Veterans
    if name == "eldercare":
        from minzheng_eldercare.entrypoints.app import Eldercare

        return Eldercare
    from minzheng_registry.entrypoints.app import Registry

    return Registry


async def _fetch(service: Service, sql: str, *args: object) -> list[asyncpg.Record]:
    async with service.host.store.pool.acquire() as conn:
        rows: list[asyncpg.Record] = await conn.fetch(sql, *args)
        return rows


Seed = Callable[[ServiceContext], Awaitable[object]]


async def _seeded_twice(
    name: str, database: str, stack: Any, seeds: Sequence[Seed] | None = None
) -> tuple[Service, float]:
    """The service's demo seed (or only ``seeds``, in order: those of the areas this is about,
    where the whole seed is slow) twice, nothing published, nothing consumed; the events are the
    same after the second. Returns the service (still connected: call ``host.stop``) and the
    first seed's seconds."""
    settings = ServiceSettings(name, database, stack.nats_url(name), oidc=oidc_settings(stack.issuer))
    factory = _factory(name)
    service = factory(settings) if name == "assistance" else factory(settings, scheduler=False)
    await service.host.start(consume=False, relay=False, background=False)

    async def seed() -> None:
        if seeds is None:
            await service.seed_demo()
        for one in seeds or ():
            await one(service.context())

    try:
        started = time.perf_counter()
        await seed()
        took = time.perf_counter() - started
        count = "SELECT event_type, count(*) AS n FROM events GROUP BY event_type ORDER BY event_type"
        first = [tuple(r) for r in await _fetch(service, count)]
        assert first
        await seed()
        assert [tuple(r) for r in await _fetch(service, count)] == first
    except BaseException:
        await service.host.stop()
        raise
    return service, took


async def _pending(service: Service) -> set[str]:
    rows = await _fetch(
        service, "SELECT DISTINCT kind FROM deadlines WHERE closed_at IS NULL AND due_at > now()"
    )
    return {r["kind"] for r in rows}


async def test_registry_demo_a_divorce_cooling_off_an_illegal_burial_and_the_case_death(
    fresh_database: str, stack: Any
) -> None:
    service, _ = await _seeded_twice("registry", fresh_database, stack)
    try:
        assert {"divorce-lapse", "illegal-burial-rectification"} <= await _pending(service)
        deaths = await _fetch(service, "SELECT data FROM events WHERE event_type = 'DeathRegistered'")
        assert CASE_PERSON in str([r["data"] for r in deaths])
    finally:
        await service.host.stop()


async def test_veterans_demo_the_case_persons_pension_and_a_soldier_to_report(
    fresh_database: str, stack: Any
) -> None:
    from minzheng_contracts import ResidentId
    from minzheng_veterans.adapters import death, pensions, placement
    from minzheng_veterans.application.configuration import load_national_standards
    from minzheng_veterans.application.entitlement.streams import person_token

    seeds = [
        load_national_standards,
        *(a.seed_demo for a in (placement.AREA, pensions.AREA, death.AREA) if a.seed_demo),
    ]
    service, _ = await _seeded_twice("veterans", fresh_database, stack, seeds)
    try:
        assert "placement-report" in await _pending(service)
        token = person_token(service.context().pseudonyms, ResidentId(CASE_PERSON))
        held = await _fetch(
            service, "SELECT category FROM veterans_entitlements WHERE person_token = $1", token
        )
        assert [r["category"] for r in held] == ["demobilised"]
    finally:
        await service.host.stop()


async def test_eldercare_demo_a_rectification_order_and_the_case_persons_allowance(
    fresh_database: str, stack: Any
) -> None:
    from minzheng_contracts import ResidentId
    from minzheng_eldercare.adapters import inspections, institutions, payments
    from minzheng_eldercare.application.allowance.streams import elder_id, elder_stream
    from minzheng_eldercare.application.configuration import load_county_standards

    areas = (institutions.AREA, inspections.AREA, payments.AREA)
    seeds = [load_county_standards, *(a.seed_demo for a in areas if a.seed_demo)]
    service, _ = await _seeded_twice("eldercare", fresh_database, stack, seeds)
    try:
        assert "rectification-deadline" in await _pending(service)
        eid = elder_id(service.context().pseudonyms, ResidentId(CASE_PERSON))
        elder = await service.host.store.read_stream(elder_stream(eid))
        assert elder
        assert "AllowanceStarted" in {e.event_type for e in elder}, [e.event_type for e in elder]
    finally:
        await service.host.stop()


async def test_assistance_demo_the_case_persons_dibao_household(fresh_database: str, stack: Any) -> None:
    from minzheng_assistance.demo import CASE_HOUSEHOLD

    service, _ = await _seeded_twice("assistance", fresh_database, stack)
    try:
        events = await service.host.store.read_stream(f"household-{CASE_HOUSEHOLD}")
        assert [e.event_type for e in events][-1] == "ApprovalGranted"
        assert CASE_PERSON in str(events[0].data)
    finally:
        await service.host.stop()
