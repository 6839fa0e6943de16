"""Identity and access (issue 13) on the real stack: every route declares a permission of the
service's table; without a valid token it is 401, with a role the table does not name 403, outside
the caller's division 403 naming the field (lists filtered instead); the actor on the events is the
token's subject; maker-checker and the standards' dates are refused over HTTP; resident IDs are
masked by role and every full read is recorded."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any

import pytest
import pytest_asyncio

from minzheng_assistance.adapters.policy import ASSISTANCE_POLICY
from minzheng_assistance.domain.periods import county_today
from minzheng_assistance.entrypoints.app import Assistance
from minzheng_contracts import make_resident_id
from minzheng_eventstore.access import route_permissions, routes_without_permission
from minzheng_eventstore.host import ServiceSettings
from minzheng_eventstore.identity import Role
from minzheng_eventstore.testing import refused, request_example

if TYPE_CHECKING:
    from conftest import Running

APP = Assistance(ServiceSettings("assistance", "postgresql://unused/db", "nats://unused:4222")).app()
SPEC = APP.openapi()


ROUTES = route_permissions(APP)
IDS = [f"{method.upper()} {path}" for method, path, _ in ROUTES]
HID = "5d1b6c1e-0000-4000-8000-00000000ac01"
CID = "5d1b6c1e-0000-4000-8000-00000000ac02"
PARAMS = {
    "/notices": {"village": "330727101201"},
    "/audit/history": {"stream": "household-1"},
    "/audit/state": {"stream": "household-1", "as_of": "2026-03-01T00:00:00+08:00"},
    "/audit/explain": {"payment": "payment-1"},
    "/operations/trace": {"correlation_id": HID},
}
"""Query parameters a route needs (its only required one)."""


def example(method: str, path: str) -> dict[str, Any] | None:
    return request_example(SPEC, method, path)


def url(path: str) -> str:
    return path.replace("{hid}", HID).replace("{cid}", CID).replace("{oid}", "ob-1")


async def call(a: Running, method: str, path: str, **kwargs: Any) -> Any:
    return await a.request(
        method.upper(), url(path), json=example(method, path), params=PARAMS.get(path), **kwargs
    )


async def events(a: Running) -> int:
    return await a.count("SELECT count(*) FROM events")


# ------------------------------------------------------------------------------ (a) enumeration


def test_every_route_declares_a_permission_of_the_table() -> None:
    assert routes_without_permission(APP) == []
    documented = {(m, path) for path, item in SPEC["paths"].items() for m in item}
    assert documented - {(m, r) for m, r, _ in ROUTES} == {("get", "/health"), ("get", "/ready")}
    used = {permission for _, _, permission in ROUTES}
    table = {name for name, _ in ASSISTANCE_POLICY}
    assert used == table, (used - table, table - used)
    # every route of the service (34 of its own, five of them review steps; no POST /divisions: the
    # divisions are the registry's), /metrics, the kit's three audit reads and its seven
    # operations routes (ops_http)
    assert len(ROUTES) == 45
    assert ("get", "/metrics", "operations.metrics") in ROUTES
    # nobody reads a free-text official header any more
    for item in SPEC["paths"].values():
        for operation in item.values():
            assert all(p["name"] != "x-official-id" for p in operation.get("parameters", []))
            if operation.get("tags") != ["operations"]:
                assert {"401", "403"} <= set(operation["responses"]), operation["summary"]


# ----------------------------------------------------------------------- (b) 401 and 403 per route


@pytest_asyncio.fixture(scope="module")
async def unchanging(module_services: Callable[[], Awaitable[Running]]) -> Running:
    """One service for the module's refusals: each is a test of its own that asserts it changed
    nothing (no event), so they share the service and its set-up."""
    return await module_services()


@pytest.mark.parametrize(("method", "path", "permission"), ROUTES, ids=IDS)
async def test_without_a_valid_token_every_route_is_401(
    unchanging: Running, stack, method: str, path: str, permission: str
) -> None:  # type: ignore[no-untyped-def]
    a = unchanging
    before = await events(a)
    anonymous = await call(a, method, path, anonymous=True)
    refused(anonymous, 401, "unauthenticated")
    assert anonymous.headers["www-authenticate"] == "Bearer"
    refused(
        await call(a, method, path, headers={"authorization": "Bearer not.a.token"}), 401, "unauthenticated"
    )
    refused(await call(a, method, path, headers={"authorization": "Basic b2s6b2s="}), 401, "unauthenticated")
    roles = [r.value for r in Role]
    elsewhere = stack.issuer.mint(subject="x", roles=roles, division="330727", audience="elsewhere")
    refused(
        await call(a, method, path, headers={"authorization": f"Bearer {elsewhere}"}), 401, "unauthenticated"
    )
    expired = stack.issuer.mint(subject="x", roles=roles, division="330727", ttl=1, now=1_000_000_000)
    refused(
        await call(a, method, path, headers={"authorization": f"Bearer {expired}"}), 401, "unauthenticated"
    )
    assert await events(a) == before


@pytest.mark.parametrize(("method", "path", "permission"), ROUTES, ids=IDS)
async def test_a_role_the_table_does_not_name_is_403(
    unchanging: Running, method: str, path: str, permission: str
) -> None:
    a = unchanging
    allowed = ASSISTANCE_POLICY.roles(permission)
    others = [role for role in Role if role not in allowed]
    assert others, permission
    before = await events(a)
    for role in others:
        response = await call(a, method, path, headers=a.caller(role.value))
        refused(response, 403, "role_not_permitted")
        assert permission in response.json()["error"]["message"]
    refused(await call(a, method, path, headers=a.caller("not-a-role")), 403, "role_not_permitted")
    assert await events(a) == before


# ------------------------------------------------------------------------------ (c) jurisdiction


async def flow(a: Running) -> None:
    """The household and the 特困 case the routes' paths name, from the examples (by the county)."""
    await a.post("/households", {**example("post", "/households"), "household_id": HID}, expect=201)  # type: ignore[dict-item]
    await a.post("/tekun", {**example("post", "/tekun"), "case_id": CID}, expect=201)  # type: ignore[dict-item]


@pytest_asyncio.fixture(scope="module")
async def with_a_household(module_services: Callable[[], Awaitable[Running]]) -> Running:
    """One service with the flow's household and case for the module's refusals outside the
    caller's division (each asserts it changed nothing: no event, no record of a read)."""
    running = await module_services()
    await flow(running)
    return running


HOUSEHOLD_ROUTES = {i: "household_id" for i in IDS if "{hid}" in i}
# a neighbouring county and another township of the county: route → the field refused (None: a
# list, answered and filtered)
OUTSIDE: dict[str, dict[str, str | None]] = {
    "330726": {
        "GET /divisions": None,
        "POST /standards": "jurisdiction",
        "POST /standards/corrections": "jurisdiction",
        "GET /standards": None,
        "POST /households": "residence",
        "GET /households": None,
        **HOUSEHOLD_ROUTES,
        "POST /payment-runs": "period",
        "GET /payments/summary": None,
        "GET /notices": "village",
        "GET /roll": None,
        "POST /tekun": "residence",
        "POST /tekun/{cid}/mode": "case_id",
        "GET /tekun/{cid}/overpayments": "case_id",
        "POST /temporary-aid": "residence",
        "POST /medical-claims": "residence",
        # the kit's audit reads: an auditor of the whole county only
        "GET /audit/history": "stream",
        "GET /audit/state": "stream",
        "GET /audit/explain": "payment",
        # the kit's operations API: an operator or auditor of the whole county only
        "GET /operations/summary": "service",
        "GET /operations/events": "stream",
        "GET /operations/event-types": "service",
        "GET /operations/dead-letters": "service",
        "POST /operations/redrive": "consumer",
        "GET /operations/deadlines": "kind",
        "GET /operations/trace": "correlation_id",
    },
}
# township 102 reads the county's standards (they apply to it): not in its list of refusals
OUTSIDE["330727102"] = {k: v for k, v in OUTSIDE["330726"].items() if k != "GET /standards"}
OUTSIDE_CASES = [
    pytest.param(division, route, field, id=f"{division} {route}")
    for division, routes in OUTSIDE.items()
    for route, field in routes.items()
]


def test_every_route_but_metrics_is_bounded_by_the_division() -> None:
    assert set(OUTSIDE["330726"]) == {i for i in IDS if i != "GET /metrics"}


@pytest.mark.parametrize(("division", "route", "field"), OUTSIDE_CASES)
async def test_outside_the_callers_division_is_403_naming_the_field_and_lists_are_filtered(
    with_a_household: Running, division: str, route: str, field: str | None
) -> None:
    a = with_a_household
    method, path = route.split(" ", 1)
    permission = next(p for m, r, p in ROUTES if (m, r) == (method.lower(), path))
    caller = a.caller(*ASSISTANCE_POLICY.roles(permission), division=division, subject="outsider")
    before = await events(a)
    reads = await a.count("SELECT count(*) FROM record_reads")
    response = await call(a, method.lower(), path, headers=caller)
    if field is None:
        assert response.status_code == 200, response.text
        body = response.json()
        assert body == [] or (body["items"] == [] and body["total"] == 0), body
    else:
        refused(response, 403, "outside_jurisdiction", field)
        assert division in response.json()["error"]["message"]
    assert await events(a) == before
    assert await a.count("SELECT count(*) FROM record_reads") == reads


async def test_a_township_sees_its_own_villages_and_the_standards_that_apply_to_it(
    assistance: Running,
) -> None:
    a = assistance
    await a.record_divisions(("330727102", "330727102"), ("330727102201", "330727102201"))

    def body(n: int, village: str) -> dict[str, Any]:
        head = make_resident_id("330727", date(1950, 1, 1) + timedelta(days=n), 900 + n).reveal()
        member = {
            "resident_id": head,
            "relationship": "self",
            "monthly_income_fen": 0,
            "employment": "unemployed",
        }
        return {"programme": "dibao_rural", "residence": village, "members": [member]}

    mine = [
        (await a.post("/households", body(n, "330727102201"), expect=201)).json()["household_id"]
        for n in range(2)
    ]
    theirs = (await a.post("/households", body(5, "330727101201"), expect=201)).json()["household_id"]
    for hid in [*mine, theirs]:
        for step in ("investigation", "economic_check", "appraisal", "township_review"):
            await a.post(f"/households/{hid}/steps/{step}", {"passed": True}, expect=200)
        await a.post(f"/households/{hid}/notice", expect=200)
    t102 = a.caller("township-caseworker", division="330727102")

    listed = (await a.request("GET", "/households", headers=t102, expect=200)).json()
    assert {h["household_id"] for h in listed["items"]} == set(mine) and listed["total"] == 2
    assert (await a.get("/households")).json()["total"] == 3
    wider = (
        await a.request("GET", "/notices", params={"village": "330727"}, headers=t102, expect=200)
    ).json()
    assert {n["household_id"] for n in wider} == set(mine)
    refused(
        await a.request("GET", "/notices", params={"village": "330727101201"}, headers=t102),
        403,
        "outside_jurisdiction",
        "village",
    )
    refused(
        await a.request("GET", f"/households/{theirs}", headers=t102),
        403,
        "outside_jurisdiction",
        "household_id",
    )
    divisions = (await a.request("GET", "/divisions", headers=t102, expect=200)).json()
    assert [d["code"] for d in divisions["items"]] == ["330727102", "330727102201"]
    today = county_today(a.clock.now()).isoformat()
    for township in ("330727101", "330727102"):
        own = {"parameter": "notice_days", "jurisdiction": township, "effective_from": today, "value": 9}
        await a.post("/standards", own, expect=201)
    standards = (await a.request("GET", "/standards", headers=t102, expect=200)).json()
    # the county's nine of the fixture and its own, not township 101's
    assert {s["jurisdiction"] for s in standards} == {"330727", "330727102"} and len(standards) == 10
    # approved and paid: the roll and the summary count only the township's own
    a.clock.advance(timedelta(days=8))
    for hid in [*mine, theirs]:
        await a.post(f"/households/{hid}/approval", {}, 200, a.approver())
    await a.post("/payment-runs", {"period": "2026-03"}, 201, a.approver())
    roll = (await a.request("GET", "/roll", headers=t102, expect=200)).json()
    assert roll == [{"township": "330727102", "category": "rural", "households": 2, "persons": 2}]
    summary = (await a.request("GET", "/payments/summary", headers=t102, expect=200)).json()
    assert [(s["programme"], s["payments"]) for s in summary] == [("dibao_rural", 2)]
    # a township does not run the county's payments
    refused(
        await a.post(
            "/payment-runs", {"period": "2026-03"}, headers=a.caller("county-approver", division="330727102")
        ),
        403,
        "outside_jurisdiction",
        "period",
    )


# ------------------------------------------------------------------ (d) the actor is the subject


async def test_the_actor_on_every_recorded_event_is_the_tokens_subject(assistance: Running) -> None:
    a = assistance
    village = ("village-assistant", "330727101201")
    caseworker = ("township-caseworker", "330727101")
    reviewer = ("township-reviewer", "330727101")
    approver = ("county-approver", "330727")
    officer = ("county-standards-officer", "330727")
    steps: list[tuple[str, str, dict[str, Any] | None, tuple[str, str], str]] = [
        ("POST", "/households", {**example("post", "/households"), "household_id": HID}, village, "va-1"),  # type: ignore[dict-item]
        ("POST", "/households/{hid}/steps/investigation", {"passed": True}, caseworker, "cw-7"),
        ("POST", "/households/{hid}/steps/economic_check", {"passed": True}, caseworker, "cw-7"),
        ("POST", "/households/{hid}/steps/appraisal", {"passed": True}, reviewer, "rv-3"),
        ("POST", "/households/{hid}/steps/township_review", {"passed": True}, reviewer, "rv-3"),
        ("POST", "/households/{hid}/notice", None, caseworker, "cw-8"),
        ("POST", "/households/{hid}/objections", {"objection_id": "ob-1", "summary": "s"}, village, "va-2"),
        (
            "POST",
            "/households/{hid}/objections/{oid}/resolution",
            {"upheld": False, "resolution": "r"},
            reviewer,
            "rv-3",
        ),
        ("POST", "/households/{hid}/approval", {}, approver, "ap-1"),
        ("POST", "/households/{hid}/payments", {"period": "2026-03"}, approver, "ap-2"),
        ("POST", "/tekun", {**example("post", "/tekun"), "case_id": CID}, approver, "ap-3"),  # type: ignore[dict-item]
        ("POST", "/tekun/{cid}/mode", {"mode": "centralised"}, approver, "ap-4"),
        (
            "POST",
            "/standards",
            {
                "parameter": "notice_days",
                "jurisdiction": "330727101",
                "effective_from": "2030-06-01",
                "value": 10,
            },
            officer,
            "so-2",
        ),
        ("POST", "/standards/corrections", {**example("post", "/standards/corrections")}, approver, "ap-5"),  # type: ignore[dict-item]
    ]
    for method, path, body, (role, division), subject in steps:
        if path.endswith("/approval"):
            a.clock.advance(timedelta(days=8))
        response = await a.request(
            method, url(path), json=body, headers=a.caller(role, division=division, subject=subject)
        )
        assert response.status_code < 300, (path, response.text)
    store = a.service.host.store
    recorded = [
        *await store.read_stream(f"household-{HID}"),
        *await store.read_stream(f"tekun-{CID}"),
        *[e for e in await store.read_stream("standards") if e.actor != "official-17"],
        *await store.read_stream(f"payment-{HID}-2026-03"),
    ]
    actors = [(e.event_type, e.actor) for e in recorded]
    assert actors == [
        ("HouseholdApplied", "va-1"),
        ("ReviewStepRecorded", "cw-7"),
        ("ReviewStepRecorded", "cw-7"),
        ("ReviewStepRecorded", "rv-3"),
        ("ReviewStepRecorded", "rv-3"),
        ("PublicNoticePosted", "cw-8"),
        ("ObjectionRaised", "va-2"),
        ("ObjectionResolved", "rv-3"),
        ("ApprovalGranted", "ap-1"),
        ("TekunSupportConfirmed", "ap-3"),
        ("SupportModeChanged", "ap-4"),
        ("StandardSet", "so-2"),
        ("StandardSet", "ap-5"),
        ("PaymentIssued", "ap-2"),
    ]
    data = {(e.event_type, e.actor): e.data for e in recorded}
    assert data[("ApprovalGranted", "ap-1")]["approved_by"] == "ap-1"
    assert data[("ReviewStepRecorded", "cw-7")]["by"] == "cw-7"
    assert data[("StandardSet", "ap-5")]["correction"] == example("post", "/standards/corrections")["reason"]  # type: ignore[index]
    assert data[("StandardSet", "so-2")]["correction"] is None


# ------------------------------------------------------------------ (e) maker-checker, standards


async def on_notice(a: Running, investigator: dict[str, str]) -> str:
    hid = (await a.post("/households", example("post", "/households"), expect=201)).json()["household_id"]
    await a.post(f"/households/{hid}/steps/investigation", {"passed": True}, 200, investigator)
    for step in ("economic_check", "appraisal", "township_review"):
        await a.post(f"/households/{hid}/steps/{step}", {"passed": True}, expect=200)
    await a.post(f"/households/{hid}/notice", expect=200)
    a.clock.advance(timedelta(days=8))
    return str(hid)


async def test_whoever_investigated_cannot_approve_the_household(assistance: Running) -> None:
    a = assistance
    # one official who holds both roles: the token's roles allow it, the separation of duties not
    both = a.caller("township-caseworker", "county-approver", subject="official-5")
    hid = await on_notice(a, both)
    before = await events(a)
    response = await a.post(f"/households/{hid}/approval", {"classification": "B"}, headers=both)
    refused(response, 403, "same_official_investigated", "household_id")
    assert "official-5" in response.json()["error"]["message"]
    assert await events(a) == before
    approved = await a.post(
        f"/households/{hid}/approval", {"classification": "B"}, 200, a.approver("official-6")
    )
    assert approved.json()["status"] == "active"
    granted = [
        e
        for e in await a.service.host.store.read_stream(f"household-{hid}")
        if e.event_type == "ApprovalGranted"
    ]
    assert [(e.actor, e.data["approved_by"]) for e in granted] == [("official-6", "official-6")]


async def test_standards_need_the_standards_role_and_the_past_a_correction_with_a_reason(
    assistance: Running,
) -> None:
    a = assistance
    officer = a.caller("county-standards-officer", subject="so-1")
    approver = a.approver()
    today = county_today(a.clock.now())
    notice = {"parameter": "notice_days", "jurisdiction": "330727", "value": 0}
    before = await events(a)
    # notice days set to 0 for a village: a change of the notice period needs the standards role
    village_zero = {**notice, "jurisdiction": "330727101201", "effective_from": today.isoformat()}
    for role in ("township-caseworker", "township-reviewer", "county-approver", "village-assistant"):
        refused(await a.post("/standards", village_zero, headers=a.caller(role)), 403, "role_not_permitted")
    # not from a past date, not even by the standards officer
    past = {**notice, "effective_from": (today - timedelta(days=1)).isoformat()}
    refused(await a.post("/standards", past, headers=officer), 422, "standard_in_the_past", "effective_from")
    # a correction: the county approver's, with a reason, for a past date only
    refused(
        await a.post("/standards/corrections", {**past, "reason": "r"}, headers=officer),
        403,
        "role_not_permitted",
    )
    refused(await a.post("/standards/corrections", past, headers=approver), 422, "invalid_input", "reason")
    refused(
        await a.post("/standards/corrections", {**past, "reason": " "}, headers=approver),
        422,
        "reason_required",
    )
    tomorrow = {**notice, "effective_from": (today + timedelta(days=1)).isoformat(), "reason": "r"}
    refused(
        await a.post("/standards/corrections", tomorrow, headers=approver),
        422,
        "not_a_correction",
        "effective_from",
    )
    assert await events(a) == before
    # what is allowed: the officer from today on, the approver's correction of the past
    await a.post("/standards", {**notice, "effective_from": today.isoformat(), "value": 10}, 201, officer)
    corrected = await a.post(
        "/standards/corrections", {**past, "value": 9, "reason": "decided on the 1st"}, 201, approver
    )
    standard_id = corrected.json()["standard_id"]
    [event] = [
        e for e in await a.service.host.store.read_stream("standards") if e.data["standard_id"] == standard_id
    ]
    assert (event.actor, event.data["correction"], event.data["value"]) == (
        "approver-1",
        "decided on the 1st",
        9,
    )


# ------------------------------------------------------------------ (f) personal data by role


async def test_resident_ids_are_masked_unless_the_role_needs_them_and_full_reads_are_recorded(
    assistance: Running,
) -> None:
    a = assistance
    body = example("post", "/households")
    assert body is not None
    hid = (await a.post("/households", {**body, "household_id": HID}, expect=201)).json()["household_id"]
    ids = [m["resident_id"] for m in body["members"]]
    await a.post(f"/households/{hid}/steps/investigation", {"passed": True}, expect=200)
    path = f"/households/{hid}/timeline"
    reads = "SELECT reader, roles, division, record, view FROM record_reads ORDER BY read_id"
    async with a.service.host.store.pool.acquire() as conn:
        await conn.execute("DELETE FROM record_reads")  # the fixture's default caller read nothing yet

    village = (
        await a.request(
            "GET", path, headers=a.caller("village-assistant", division="330727101201"), expect=200
        )
    ).json()
    assert all(rid not in str(village) for rid in ids)
    assert village[0]["data"]["members"][0]["resident_id"] == ids[0][:6] + "********" + ids[0][-4:]
    assert village[0]["data"]["members"][0]["monthly_income_fen"] == 12_000
    for role, subject in (
        ("auditor", "audit-1"),
        ("township-caseworker", "cw-1"),
        ("county-approver", "ap-1"),
    ):
        full = (await a.request("GET", path, headers=a.caller(role, subject=subject), expect=200)).json()
        assert [m["resident_id"] for m in full[0]["data"]["members"]] == ids, role
    refused(await a.request("GET", path, headers=a.caller("operator")), 403, "role_not_permitted")
    refused(
        await a.request("GET", path, headers=a.caller("county-standards-officer")), 403, "role_not_permitted"
    )
    # the household's status holds no resident ID, for any role that reads it
    status = await a.request("GET", f"/households/{hid}", headers=a.caller("village-assistant"), expect=200)
    assert all(rid not in status.text for rid in ids)
    async with a.service.host.store.pool.acquire() as conn:
        rows = [tuple(r) for r in await conn.fetch(reads)]
        when = await conn.fetch("SELECT read_at, correlation_id FROM record_reads")
    assert rows == [
        ("audit-1", ["auditor"], "330727", f"household/{hid}", "timeline"),
        ("cw-1", ["township-caseworker"], "330727", f"household/{hid}", "timeline"),
        ("ap-1", ["county-approver"], "330727", f"household/{hid}", "timeline"),
    ]
    assert all(r["read_at"] == a.clock.now() and r["correlation_id"] is not None for r in when)
    # the record of reads names the record, never the person
    assert all(rid not in str(rows) for rid in ids)
