"""The burial routes as documented: the demo data loads twice without change, every request example
is accepted as written (in the order of one story, on the demo cemetery and the ``POST /deaths``
example's deceased), every route is described with its refusals, declares a permission of the
area, refuses an anonymous caller (401) and a role the table does not name (403)."""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from minzheng_contracts import make_resident_id
from minzheng_eventstore.identity import Role
from minzheng_eventstore.testing import refused, request_example
from minzheng_kernel.calendar import CHINA
from minzheng_registry.adapters import burial
from minzheng_registry.adapters.burial.common import DEMO_CEMETERY, EXAMPLE_BURIED, EXAMPLE_CASE
from minzheng_registry.application.burial.scheduler import raise_due

if TYPE_CHECKING:
    from conftest import Running

OTHER = make_resident_id("330727", date(1937, 1, 9), 51).reveal()

STORY = [
    ("post", "/cemeteries", "/cemeteries", 201),
    ("post", "/cemeteries/{cemetery_id}/plots", f"/cemeteries/{DEMO_CEMETERY}/plots", 201),
    (
        "post",
        "/cemeteries/{cemetery_id}/plots/{plot}/assignment",
        f"/cemeteries/{DEMO_CEMETERY}/plots/A-001/assignment",
        201,
    ),
    (
        "post",
        "/cemeteries/{cemetery_id}/plots/{plot}/interment",
        f"/cemeteries/{DEMO_CEMETERY}/plots/A-001/interment",
        201,
    ),
    (
        "post",
        "/cemeteries/{cemetery_id}/plots/{plot}/renewal",
        f"/cemeteries/{DEMO_CEMETERY}/plots/A-001/renewal",
        201,
    ),
    ("post", "/funerals/cremations", "/funerals/cremations", 201),
    ("post", "/funerals/waivers", "/funerals/waivers", 201),
    ("post", "/funerals/dispositions", "/funerals/dispositions", 201),
    ("post", "/funerals/burials", "/funerals/burials", 201),
    ("post", "/illegal-burials", "/illegal-burials", 201),
    ("post", "/illegal-burials/{case_id}/order", f"/illegal-burials/{EXAMPLE_CASE}/order", 201),
    ("post", "/illegal-burials/{case_id}/resolution", f"/illegal-burials/{EXAMPLE_CASE}/resolution", 201),
]


async def _spec(registry: Running) -> dict[str, Any]:
    return dict((await registry.request("GET", "/openapi.json", anonymous=True, expect=200)).json())


def _burial_operations(spec: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    prefixes = ("/cemeteries", "/funerals", "/illegal-burials")
    return [
        (method, path, op)
        for path, ops in spec["paths"].items()
        if path.startswith(prefixes)
        for method, op in ops.items()
    ]


async def test_the_demo_loads_idempotently_and_every_example_is_accepted_as_written(
    registry: Running,
) -> None:
    ctx = registry.service.context()
    assert burial.AREA.seed_demo is not None
    await burial.AREA.seed_demo(ctx)
    before = await registry.fetchval("SELECT count(*) FROM events")
    await burial.AREA.seed_demo(ctx)
    assert await registry.fetchval("SELECT count(*) FROM events") == before
    plots = (await registry.get(f"/cemeteries/{DEMO_CEMETERY}/plots")).json()
    assert len(plots) == 35 and {p["state"] for p in plots} == {"available"}

    spec = await _spec(registry)
    await registry.post("/deaths", request_example(spec, "post", "/deaths"), expect=201)
    # the burial example's deceased: died, holding the demo's body plot D-001
    death = {**request_example(spec, "post", "/deaths"), "deceased": EXAMPLE_BURIED}  # type: ignore[dict-item]
    await registry.post("/deaths", death, expect=201)
    assignment = {"position": 1, "deceased": EXAMPLE_BURIED}
    await registry.post(f"/cemeteries/{DEMO_CEMETERY}/plots/D-001/assignment", assignment, expect=201)
    for method, template, path, status in STORY:
        body = request_example(spec, method, template)
        response = await registry.request(method.upper(), path, json=body)
        assert response.status_code == status, f"{method} {template}: {response.text}"
    record = (await registry.get(f"/cemeteries/{DEMO_CEMETERY}/plots", state="interred")).json()
    assert [p["plot"] for p in record] == ["A-001"]
    # the reclamation example: a position whose use expired (A-002, assigned to another deceased)
    other = {**request_example(spec, "post", "/deaths"), "deceased": OTHER}  # type: ignore[dict-item]
    await registry.post("/deaths", other, expect=201)
    await registry.post(
        f"/cemeteries/{DEMO_CEMETERY}/plots/A-002/assignment", {"position": 1, "deceased": OTHER}, expect=201
    )
    registry.clock.set(datetime(2046, 3, 2, 0, 0, tzinfo=CHINA))
    assert (await raise_due(ctx))["plot-use"] == 2  # A-002 and the body plot D-001
    example = request_example(spec, "post", "/cemeteries/{cemetery_id}/plots/{plot}/reclamation")
    reclaimed = await registry.post(
        f"/cemeteries/{DEMO_CEMETERY}/plots/A-002/reclamation", example, expect=201
    )
    assert reclaimed.json()["state"] == "reclaimed"


async def test_every_route_is_documented_and_guarded(registry: Running) -> None:
    spec = await _spec(registry)
    operations = _burial_operations(spec)
    assert len(operations) == 20
    for method, path, op in operations:
        assert op.get("summary") and op.get("description"), f"{method} {path}"
        assert {"401", "403", "422"} <= set(op["responses"]), f"{method} {path}"
        concrete = path.replace("{cemetery_id}", DEMO_CEMETERY).replace("{plot}", "A-001")
        concrete = concrete.replace("{case_id}", EXAMPLE_CASE).replace("{registration_id}", EXAMPLE_CASE)
        body = request_example(spec, method, path)
        response = await registry.request(method.upper(), concrete, json=body, anonymous=True)
        refused(response, 401, response.json()["error"]["code"])
    # a role the table does not name: 403 role_not_permitted, nothing written
    operator = registry.as_caller(Role.OPERATOR.value)
    for method, path, _op in operations:
        concrete = path.replace("{cemetery_id}", DEMO_CEMETERY).replace("{plot}", "A-001")
        concrete = concrete.replace("{case_id}", EXAMPLE_CASE).replace("{registration_id}", EXAMPLE_CASE)
        response = await registry.request(
            method.upper(), concrete, json=request_example(spec, method, path), headers=operator
        )
        refused(response, 403, "role_not_permitted")
    burial_streams = "('cemetery', 'plot', 'funeral', 'illegal-burial')"
    written = await registry.fetchval(f"SELECT count(*) FROM events WHERE stream_type IN {burial_streams}")
    assert written == 0
    assert set(burial.AREA.permissions) == {
        "cemetery.approve",
        "cemetery.plots.create",
        "cemetery.read",
        "cemetery.plot.assign",
        "cemetery.plot.record",
        "burial.funeral.record",
        "burial.fees.waive",
        "burial.funeral.read",
        "burial.illegal.open",
        "burial.illegal.order",
        "burial.illegal.resolve",
        "burial.illegal.read",
        "burial.statistics.read",
    }
