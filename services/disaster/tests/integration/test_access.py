"""Identity and access (issue 13) on the real stack: every route declares a permission of the
service's table; without a token it is 401, with a role the table does not name 403, outside the
caller's division 403 naming the field (lists filtered instead); the actor on the events is the
token's subject; a township caseworker sees only its own villages."""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any

import httpx
import pytest
import pytest_asyncio

from minzheng_contracts import make_resident_id
from minzheng_disaster.adapters.policy import DISASTER_POLICY
from minzheng_disaster.entrypoints.app import Disaster
from minzheng_eventstore.access import route_permissions, routes_without_permission
from minzheng_eventstore.host import ServiceSettings
from minzheng_eventstore.identity import Role
from minzheng_eventstore.testing import refused, request_example

if TYPE_CHECKING:
    from conftest import Running

APP = Disaster(ServiceSettings("disaster", "postgresql://unused/db", "nats://unused:4222")).app()
SPEC = APP.openapi()


ROUTES = route_permissions(APP)
IDS = [f"{method.upper()} {path}" for method, path, _ in ROUTES]
# the order a new user follows (the OpenAPI examples, consistent with each other)
FLOW = [
    ("post", "/incidents"),
    ("post", "/incidents/{iid}/verification"),
    ("post", "/warehouses/{warehouse}/receipts"),
    ("post", "/incidents/{iid}/allocations"),
    ("post", "/incidents/{iid}/households"),
    ("post", "/incidents/{iid}/deliveries"),
]
HEADS = [make_resident_id("330727", date(1960 + n, 3, 3), n).reveal() for n in range(1, 4)]


def example(method: str, path: str) -> dict[str, Any] | None:
    return request_example(SPEC, method, path)


INCIDENT = str(example("post", "/incidents")["incident_id"])  # type: ignore[index]
WAREHOUSE = str(example("post", "/incidents/{iid}/allocations")["warehouse"])  # type: ignore[index]


def url(path: str) -> str:
    return path.replace("{iid}", INCIDENT).replace("{warehouse}", WAREHOUSE)


PARAMS = {
    "/audit/history": {"stream": "incident-1"},
    "/audit/state": {"stream": "incident-1", "as_of": "2026-03-01T00:00:00+08:00"},
    "/audit/explain": {"payment": "payment-1"},
}
"""Query parameters a route needs (the kit's audit reads)."""


async def call(a: Running, method: str, path: str, **kwargs: Any) -> Any:
    body = example(method, path)
    return await a.request(method.upper(), url(path), json=body, params=PARAMS.get(path), **kwargs)


async def events(a: Running) -> int:
    async with a.service.host.store.pool.acquire() as conn:
        return int(await conn.fetchval("SELECT count(*) FROM events"))


# ------------------------------------------------------------------------------ (a) enumeration


def test_every_route_declares_a_permission_of_the_table() -> None:
    assert routes_without_permission(APP) == []
    # every operation the API documents is one of them
    documented = {(m, path) for path, item in SPEC["paths"].items() for m in item}
    assert documented - {(m, r) for m, r, _ in ROUTES} == {("get", "/health"), ("get", "/ready")}
    used = {permission for _, _, permission in ROUTES}
    table = {name for name, _ in DISASTER_POLICY}
    assert used <= table, used - table
    assert table <= used, f"permissions no route uses: {table - used}"
    # the public probes, the docs and every route of the service: 14 of its own, /metrics and the
    # kit's three audit reads (the kit's operations API counted apart)
    assert len([r for r in ROUTES if not r[1].startswith("/operations")]) == 18
    assert ("get", "/metrics", "operations.metrics") in ROUTES
    # nobody reads a free-text official header any more
    for item in SPEC["paths"].values():
        for operation in item.values():
            assert all(p["name"] != "x-official-id" for p in operation.get("parameters", []))
    # the operator (the duty team) sees operations and the SLA boards; provincial integration gets
    # events, not this API
    for name, roles in DISASTER_POLICY:
        assert Role.PROVINCIAL not in roles, name
        assert (Role.OPERATOR in roles) == (name == "sla.read" or name.startswith("operations.")), name


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
    forged = await call(a, method, path, headers={"authorization": "Bearer not.a.token"})
    refused(forged, 401, "unauthenticated")
    other_audience = stack.issuer.mint(subject="x", roles=list(Role), division="330727", audience="elsewhere")
    refused(
        await call(a, method, path, headers={"authorization": f"Bearer {other_audience}"}),
        401,
        "unauthenticated",
    )
    expired = stack.issuer.mint(subject="x", roles=list(Role), division="330727", ttl=1, now=1_000_000_000)
    refused(
        await call(a, method, path, headers={"authorization": f"Bearer {expired}"}), 401, "unauthenticated"
    )
    assert await events(a) == before


async def test_without_a_token_even_invalid_input_is_401_and_echoes_nothing() -> None:
    # the token is checked before the input: an anonymous caller learns nothing of the rules
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=APP), base_url="http://d") as c:
        for method, path, body in [
            ("GET", "/incidents/not-a-uuid", None),
            ("GET", "/incidents?limit=0&type=volcano", None),
            ("GET", f"/incidents/{INCIDENT}/sla/replay?now=2026-07-14T06:00:00", None),
            ("POST", "/incidents", {"area": "everywhere", "head": "330727196205080311"}),
            ("POST", f"/incidents/{INCIDENT}/deliveries", {"head": 1, "cash_fen": -5}),
        ]:
            response = await c.request(method, path, json=body)
            refused(response, 401, "unauthenticated")
            assert "330727196205080311" not in response.text


@pytest.mark.parametrize(("method", "path", "permission"), ROUTES, ids=IDS)
async def test_a_role_the_table_does_not_name_is_403(
    unchanging: Running, method: str, path: str, permission: str
) -> None:
    a = unchanging
    allowed = DISASTER_POLICY.roles(permission)
    others = [role for role in Role if role not in allowed]
    assert others, permission
    before = await events(a)
    for role in others:
        response = await call(a, method, path, headers=a.as_caller(role.value))
        refused(response, 403, "role_not_permitted")
    no_roles = await call(a, method, path, headers=a.as_caller("not-a-role"))
    refused(no_roles, 403, "role_not_permitted")
    assert await events(a) == before


async def flow(a: Running) -> None:
    """The examples posted in the flow's order by the county (every role)."""
    for method, path in FLOW:
        response = await call(a, method, path)
        assert response.status_code < 300, (path, response.text)


@pytest_asyncio.fixture(scope="module")
async def with_an_incident(module_services: Callable[[], Awaitable[Running]]) -> Running:
    """One service with the flow's incident, stock and deliveries for the module's refusals outside
    the caller's division (each asserts it changed nothing)."""
    running = await module_services()
    await flow(running)
    return running


# a neighbouring county and another township of the county: route → expected field (None: a list,
# answered and filtered)
OUTSIDE: dict[str, dict[str, str | None]] = {
    "330726": {
        "POST /incidents": "area",
        "GET /incidents": None,
        "GET /sla/board": None,
        "GET /incidents/{iid}": "incident_id",
        "POST /incidents/{iid}/verification": "incident_id",
        "POST /incidents/{iid}/households": "village",
        "GET /warehouses": None,
        "GET /warehouses/{warehouse}": "warehouse",
        "POST /warehouses/{warehouse}/receipts": "warehouse",
        "POST /incidents/{iid}/allocations": "warehouse",
        "POST /incidents/{iid}/deliveries": "incident_id",
        "GET /incidents/{iid}/sla": "incident_id",
        "GET /incidents/{iid}/sla/shares": "incident_id",
        "GET /incidents/{iid}/sla/replay": "incident_id",
        # the kit's audit reads: an auditor of the whole county only
        "GET /audit/history": "stream",
        "GET /audit/state": "stream",
        "GET /audit/explain": "payment",
    },
    "330727102": {
        "POST /incidents": "area",
        "GET /incidents": None,
        "GET /sla/board": None,
        "GET /incidents/{iid}": "incident_id",
        "POST /incidents/{iid}/verification": "incident_id",
        "POST /incidents/{iid}/households": "village",
        # the warehouses are the county's reserve: a township reads them, and cannot stock them
        "POST /warehouses/{warehouse}/receipts": "warehouse",
        "POST /incidents/{iid}/allocations": "warehouse",
        "POST /incidents/{iid}/deliveries": "incident_id",
        "GET /incidents/{iid}/sla": "incident_id",
        "GET /incidents/{iid}/sla/shares": "incident_id",
        "GET /incidents/{iid}/sla/replay": "incident_id",
        # the kit's audit reads: an auditor of the whole county only
        "GET /audit/history": "stream",
        "GET /audit/state": "stream",
        "GET /audit/explain": "payment",
    },
}
OUTSIDE_CASES = [
    pytest.param(division, route, field, id=f"{division} {route}")
    for division, routes in OUTSIDE.items()
    for route, field in routes.items()
]


def test_every_route_but_metrics_is_bounded_by_the_division() -> None:
    ours = {i for i in IDS if i != "GET /metrics" and not i.split(" ", 1)[1].startswith("/operations")}
    assert set(OUTSIDE["330726"]) == ours
    assert ours - set(OUTSIDE["330727102"]) == {"GET /warehouses", "GET /warehouses/{warehouse}"}


@pytest.mark.parametrize(("division", "route", "field"), OUTSIDE_CASES)
async def test_outside_the_callers_division_is_403_naming_the_field_and_lists_are_filtered(
    with_an_incident: Running, division: str, route: str, field: str | None
) -> None:
    a = with_an_incident
    method, path = route.split(" ", 1)
    permission = next(p for m, r, p in ROUTES if (m, r) == (method.lower(), path))
    caller = a.as_caller(*DISASTER_POLICY.roles(permission), division=division, subject="outsider")
    before = await events(a)
    response = await call(a, method.lower(), path, headers=caller)
    if field is None and path == "/sla/board":
        assert response.status_code == 200, response.text
        assert response.json()["incidents"] == []
    elif field is None:
        assert response.status_code == 200, response.text
        assert response.json()["items"] == [] and response.json()["total"] == 0
    else:
        refused(response, 403, "outside_jurisdiction", field)
        assert division in response.json()["error"]["message"]
    assert await events(a) == before


async def test_a_township_reads_the_county_reserve(disaster: Running) -> None:
    a = disaster
    await flow(a)
    township = a.as_caller("township-caseworker", division="330727102")
    listed = (await a.request("GET", "/warehouses", headers=township, expect=200)).json()
    assert [w["warehouse"] for w in listed["items"]] == [WAREHOUSE]
    await a.request("GET", f"/warehouses/{WAREHOUSE}", headers=township, expect=200)


# ------------------------------------------------------------------ (c) the actor is the subject


async def test_the_actor_on_every_recorded_event_is_the_tokens_subject(disaster: Running) -> None:
    a = disaster
    callers = {
        "/incidents": ("township-caseworker", "330727101", "caseworker-7"),
        "/incidents/{iid}/verification": ("township-reviewer", "330727101", "reviewer-3"),
        "/warehouses/{warehouse}/receipts": ("county-approver", "330727", "approver-1"),
        "/incidents/{iid}/allocations": ("county-approver", "330727", "approver-2"),
        "/incidents/{iid}/households": ("township-caseworker", "330727101", "caseworker-5"),
        "/incidents/{iid}/deliveries": ("village-assistant", "330727101201", "va-8"),
    }
    for method, path in FLOW:
        role, division, subject = callers[path]
        response = await call(a, method, path, headers=a.as_caller(role, division=division, subject=subject))
        assert response.status_code < 300, (path, response.text)
    store = a.service.host.store
    actors: dict[str, set[str | None]] = {}
    for stream in [f"incident-{INCIDENT}", f"warehouse-{WAREHOUSE}"]:
        for e in await store.read_stream(stream):
            actors.setdefault(e.event_type, set()).add(e.actor)
    households = await store.stream_ids(f"affected-{INCIDENT}-")
    assert len(households) == 1
    recorded = await store.read_stream(households[0])
    for e in recorded:
        actors.setdefault(e.event_type, set()).add(e.actor)
    assert actors == {
        "DisasterReported": {"caseworker-7"},
        "IncidentVerified": {"reviewer-3"},
        "StockReceived": {"approver-1"},
        "ReliefAllocated": {"approver-2"},
        "HouseholdRegistered": {"caseworker-5"},
        "ReliefDelivered": {"va-8"},
        "ReliefSlaMet": {"va-8"},
        "CashReliefPaid": {"va-8"},
    }
    delivered = next(e for e in recorded if e.event_type == "ReliefDelivered")
    assert delivered.data["delivered_by"] == "va-8"


# --------------------------------------------------------- (d) a township sees its own villages


async def report(a: Running, area: list[str], headers: dict[str, str] | None = None) -> str:
    now = a.clock.now()
    body = {
        "incident_id": str(uuid.uuid4()),
        "disaster_type": "flood",
        "area": area,
        "happened_at": (now - timedelta(hours=2)).isoformat(),
        "reported_at": (now - timedelta(hours=1)).isoformat(),
        "reporter": "r",
    }
    await a.post("/incidents", body, expect=201, headers=headers)
    return str(body["incident_id"])


async def register(
    a: Running, iid: str, head: str, village: str, headers: dict[str, str] | None = None
) -> Any:
    body = {"head": head, "village": village, "members": 2, "relocation": 0, "damage": "severe"}
    return await a.post(f"/incidents/{iid}/households", body, headers=headers)


async def test_a_township_caseworker_sees_only_its_own_villages(disaster: Running) -> None:
    a = disaster
    mine = await report(a, ["330727101"])
    theirs = await report(a, ["330727102201"])
    county = await report(a, ["330727"])  # a county-wide flood: every township's incident
    for head, village in zip(HEADS, ["330727101201", "330727101202", "330727102201"], strict=True):
        assert (await register(a, county, head, village)).status_code == 201
    caseworker = a.as_caller("township-caseworker", division="330727101")

    listed = (await a.request("GET", "/incidents", headers=caseworker, expect=200)).json()
    assert {i["incident_id"] for i in listed["items"]} == {mine, county} and listed["total"] == 2
    assert next(i for i in listed["items"] if i["incident_id"] == county)["households"] == 2
    everything = (await a.request("GET", "/incidents", expect=200)).json()
    assert everything["total"] == 3
    assert next(i for i in everything["items"] if i["incident_id"] == county)["households"] == 3
    # the area filter cannot widen the caller's view
    wider = (await a.request("GET", "/incidents", params={"area": "330727102"}, headers=caseworker)).json()
    assert [i["incident_id"] for i in wider["items"]] == [county]
    detail = (await a.request("GET", f"/incidents/{county}", headers=caseworker, expect=200)).json()
    assert detail["households"] == 2
    refused(
        await a.request("GET", f"/incidents/{theirs}", headers=caseworker),
        403,
        "outside_jurisdiction",
        "incident_id",
    )

    board = (await a.request("GET", f"/incidents/{county}/sla", headers=caseworker, expect=200)).json()
    assert {h["village"] for h in board["households"]} == {"330727101201", "330727101202"}
    assert board["counts"]["pending"] == 2
    full = (await a.request("GET", f"/incidents/{county}/sla", expect=200)).json()
    assert len(full["households"]) == 3
    shares = (
        await a.request("GET", f"/incidents/{county}/sla/shares", headers=caseworker, expect=200)
    ).json()
    assert list(shares["townships"]) == ["330727101"] and shares["incident"]["households"] == 2
    replay = (
        await a.request("GET", f"/incidents/{county}/sla/replay", headers=caseworker, expect=200)
    ).json()
    assert set(replay["outcomes"]) == {h["household"] for h in board["households"]}
    # a village assistant: its one village
    village = a.as_caller("village-assistant", division="330727101202")
    own = (await a.request("GET", f"/incidents/{county}/sla", headers=village, expect=200)).json()
    assert [h["village"] for h in own["households"]] == ["330727101202"]


async def test_commands_reach_only_the_callers_villages(disaster: Running) -> None:
    a = disaster
    county = await report(a, ["330727"])
    await a.post(f"/incidents/{county}/allocations", {"document": "d", "cash_fen": 100_000}, expect=201)
    assert (await register(a, county, HEADS[0], "330727101201")).status_code == 201
    township_102 = a.as_caller("township-caseworker", division="330727102")
    before = await events(a)
    # registering in another township's village, delivering to its household: refused, saying why
    refused(
        await register(a, county, HEADS[1], "330727101202", township_102),
        403,
        "outside_jurisdiction",
        "village",
    )
    delivery = {"head": HEADS[0], "cash_fen": 1000}
    refused(
        await a.post(f"/incidents/{county}/deliveries", delivery, headers=township_102),
        403,
        "outside_jurisdiction",
        "head",
    )
    # a report reaching into another township, a township verifying a county-wide incident: refused
    refused(
        await a.post(
            "/incidents",
            {
                "disaster_type": "fire",
                "area": ["330727102201", "330727101201"],
                "happened_at": a.clock.now().isoformat(),
                "reported_at": a.clock.now().isoformat(),
                "reporter": "r",
            },
            headers=township_102,
        ),
        403,
        "outside_jurisdiction",
        "area",
    )
    reviewer = a.as_caller("township-reviewer", division="330727101")
    refused(
        await a.post(f"/incidents/{county}/verification", {"findings": "f"}, headers=reviewer),
        403,
        "outside_jurisdiction",
        "incident_id",
    )
    assert await events(a) == before
    # in its own villages the township works
    assert (await register(a, county, HEADS[1], "330727102201", township_102)).status_code == 201
    delivered = await a.post(
        f"/incidents/{county}/deliveries", {"head": HEADS[1], "cash_fen": 1000}, headers=township_102
    )
    assert delivered.status_code == 201, delivered.text
    mine = await report(a, ["330727101"])
    await a.post(f"/incidents/{mine}/verification", {"findings": "f"}, expect=200, headers=reviewer)
    # a place outside the county stays the rule's refusal (422), for the county too
    outside = await a.post(
        "/incidents",
        {
            "disaster_type": "fire",
            "area": ["110101"],
            "happened_at": a.clock.now().isoformat(),
            "reported_at": a.clock.now().isoformat(),
            "reporter": "r",
        },
        headers=township_102,
    )
    refused(outside, 422, "area_outside_county", "area")
