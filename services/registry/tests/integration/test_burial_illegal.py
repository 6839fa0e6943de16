"""Illegal burial cases (违规乱埋乱葬) on the real stack: opened by the township, ordered with a
rectification deadline (``illegal_burial_rectification_days``, moved past a non-working day), raised
once as overdue by the durable deadline across a restart, resolved or penalised; lists filtered by
state and by the caller's division."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import TYPE_CHECKING, Any

from minzheng_eventstore.clock import ManualClock
from minzheng_eventstore.host import ServiceSettings
from minzheng_eventstore.testing import ServiceClient, oidc_settings, refused, running_service
from minzheng_kernel.calendar import CHINA
from minzheng_registry.application.burial.scheduler import raise_due
from minzheng_registry.application.configuration import load_national_standards
from minzheng_registry.entrypoints.app import Registry

if TYPE_CHECKING:
    from conftest import Running

START = datetime(2026, 3, 2, 9, 0, tzinfo=CHINA)
VILLAGE = "330727101201"
CASEWORKER = ("township-caseworker",)


def case(village: str = VILLAGE, **more: Any) -> dict[str, Any]:
    return {
        "village": village,
        "location": "后山林地",
        "description": "新建坟墓一座, 未入公墓",
        "found_on": "2026-03-01",
        **more,
    }


def restarted(database: str, stack: Any, clock: ManualClock) -> Any:
    settings = ServiceSettings(
        "registry", database, stack.nats_url("registry"), oidc=oidc_settings(stack.issuer)
    )
    return running_service(Registry(settings, clock=clock, scheduler=False), issuer=stack.issuer)


async def fetchval(client: ServiceClient, sql: str, *args: object) -> Any:
    async with client.service.host.store.pool.acquire() as conn:
        return await conn.fetchval(sql, *args)


async def test_the_rectification_deadline_is_raised_once_across_a_restart(
    fresh_database: str, stack: Any
) -> None:
    clock = ManualClock(START)
    async with restarted(fresh_database, stack, clock) as first:
        await load_national_standards(first.service.context())
        caseworker = first.as_caller(*CASEWORKER, division="330727101")
        reviewer = first.as_caller("township-reviewer", division="330727101")
        # day 30 (2026-04-01) declared a non-working day: the period ends on the next working day
        holiday = {"jurisdiction": "330727", "day": "2026-04-01", "working": False, "note": "test"}
        await first.post("/calendar", holiday, expect=204)
        opened = (await first.post("/illegal-burials", case(), headers=caseworker, expect=201)).json()
        assert opened["state"] == "opened"
        cid = opened["case_id"]
        refused(
            await first.post(
                f"/illegal-burials/{cid}/resolution",
                {"outcome": "rectified", "note": "x"},
                headers=caseworker,
            ),
            409,
            "not_ordered",
        )
        refused(
            await first.post(f"/illegal-burials/{cid}/order", {"document": "d"}, headers=caseworker),
            403,
            "role_not_permitted",
        )
        ordered = (
            await first.post(f"/illegal-burials/{cid}/order", {"document": "通知书 1"}, headers=reviewer)
        ).json()
        assert (ordered["state"], ordered["ordered_on"], ordered["deadline"]) == (
            "ordered",
            "2026-03-02",
            "2026-04-02",
        )
        refused(
            await first.post(f"/illegal-burials/{cid}/order", {"document": "again"}, headers=reviewer),
            409,
            "already_ordered",
        )
        second_case = (await first.post("/illegal-burials", case(), headers=caseworker, expect=201)).json()[
            "case_id"
        ]
        await first.post(
            f"/illegal-burials/{second_case}/order", {"document": "通知书 2"}, headers=reviewer, expect=201
        )
        await first.post(
            f"/illegal-burials/{second_case}/resolution",
            {"outcome": "penalised", "note": "罚款"},
            headers=caseworker,
            expect=201,
        )
    clock.set(datetime(2026, 4, 5, 10, 0, tzinfo=CHINA))  # down across the deadline
    async with restarted(fresh_database, stack, clock) as second:
        ctx = second.service.context()
        assert (await raise_due(ctx))["illegal-burial-rectification"] == 1
        assert (await raise_due(ctx))["illegal-burial-rectification"] == 0
        occurred = await fetchval(
            second, "SELECT occurred_at FROM events WHERE event_type = 'IllegalBurialOverdue'"
        )
        assert occurred == datetime(2026, 4, 3, 0, 0, tzinfo=CHINA)  # the true moment, raised late
        overdue = (await second.get("/illegal-burials", state="overdue")).json()
        assert [c["case_id"] for c in overdue] == [cid]
        penalised = (await second.get("/illegal-burials", state="penalised")).json()
        assert [c["case_id"] for c in penalised] == [second_case]
        # rectified late: resolved, the deadline closed
        done = (
            await second.post(
                f"/illegal-burials/{cid}/resolution",
                {"outcome": "rectified", "note": "已迁入公墓"},
                expect=201,
            )
        ).json()
        assert (done["state"], done["resolved_on"]) == ("rectified", "2026-04-05")
        refused(
            await second.post(f"/illegal-burials/{cid}/resolution", {"outcome": "penalised", "note": "x"}),
            409,
            "case_closed",
        )
        assert await fetchval(second, "SELECT count(*) FROM deadlines WHERE state = 'pending'") == 0


async def test_cases_are_bounded_by_the_callers_division(registry: Running) -> None:
    own = registry.as_caller(*CASEWORKER, division="330727101")
    other = registry.as_caller(*CASEWORKER, division="330727102")
    cid = (await registry.post("/illegal-burials", case(), headers=own, expect=201)).json()["case_id"]
    refused(
        await registry.post("/illegal-burials", case(), headers=other), 403, "outside_jurisdiction", "village"
    )
    refused(await registry.post("/illegal-burials", case("330728101201")), 422, "outside_county", "village")
    refused(
        await registry.post("/illegal-burials", case(found_on="2026-03-03"), headers=own),
        422,
        "found_in_future",
        "found_on",
    )
    refused(await registry.post("/illegal-burials", case(case_id=cid), headers=own), 409, "case_exists")
    assert [c["case_id"] for c in (await registry.get("/illegal-burials", headers=own)).json()] == [cid]
    assert (await registry.get("/illegal-burials", headers=other)).json() == []
    refused(
        await registry.get(f"/illegal-burials/{cid}", headers=other, expect=None), 403, "outside_jurisdiction"
    )
    assert (await registry.get(f"/illegal-burials/{cid}", headers=own)).json()["state"] == "opened"
    refused(await registry.get(f"/illegal-burials/{uuid.uuid4()}", expect=None), 404, "unknown_case")
    assert (await registry.get("/illegal-burials", state="ordered")).json() == []
