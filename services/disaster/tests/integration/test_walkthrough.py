"""The README's walk-through, line by line, on the demo data: so that it stays true. Its tokens
(``TOKEN=$(python -m minzheng_infra token --role R --division D)``) are minted the same way, by
the test stack's issuer (the CLI's default subject ``<role>@<division>``); each request carries
only the headers its line gives."""

from __future__ import annotations

import re
import shlex
from datetime import UTC
from pathlib import Path
from typing import TYPE_CHECKING, Any

from minzheng_disaster.demo import BOARD, seed_demo
from minzheng_eventstore.testing import parse_curl, readme_walkthrough

if TYPE_CHECKING:
    from conftest import Running

README = Path(__file__).parents[2] / "README.md"
NEW = "0a1b2c3d-0000-4000-8000-00000000a001"


TOKEN = re.compile(r"^\$\(python -m minzheng_infra token --role ([a-z-]+) --division (\d+)\)$")


async def test_the_readme_walkthrough_runs_as_written_on_the_demo(disaster: Running, stack) -> None:  # type: ignore[no-untyped-def]
    a = disaster
    await seed_demo(a.service.context())  # as `make run` does
    variables, commands = readme_walkthrough(README)
    assert variables["API"] == "http://127.0.0.1:8102"
    now = a.clock.now().astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    values = {"API": variables["API"], "NOW": now}
    minted: dict[str, str] = {}
    for name, value in variables.items():
        if m := TOKEN.match(value):
            role, division = m.groups()
            minted[name] = f"{role}@{division}"
            values[name] = stack.issuer.mint(subject=minted[name], roles=[role], division=division)
        elif name not in values:
            values[name] = shlex.split(value)[0]
    assert {"TOKEN", "REVIEWER", "APPROVER", "DUTY"} <= set(minted), minted
    answers: list[tuple[str, Any, Any]] = []
    for line in commands:
        method, url, headers, body = parse_curl(line, values)
        assert url.startswith(variables["API"]), line
        path = url[len(variables["API"]) :]
        assert headers.get("authorization", "").startswith("Bearer "), line
        response = await a.request(method, path, content=body, headers=headers)
        assert response.status_code < 300, (line, response.status_code, response.text)
        answers.append((f"{method} {path}", response.json(), response.headers))
    incidents = answers[0][1]["items"]
    duty = next(body for what, body, _ in answers if what == "GET /sla/board")
    on_duty = {i["incident_id"] for i in duty["incidents"]}
    assert {"d15a57e4-0000-4000-8000-000000000001", str(BOARD)} <= on_duty
    assert any(i["incident_id"] == "d15a57e4-0000-4000-8000-000000000001" for i in incidents)
    deliveries = [(body, h) for what, body, h in answers if what.endswith("/deliveries")]
    first, again = deliveries
    assert first[0]["sla_met"] is True and first[0]["flagged_for_review"] is False
    assert first[0]["drawn"] == {"": {"cash_fen": 80000}, "township-102-depot": {"tent": 1}}
    assert again[0] == first[0] and again[1]["idempotent-replayed"] == "true"
    board = next(body for what, body, _ in answers if what == f"GET /incidents/{NEW}/sla")
    assert board["counts"]["met"] == 1 and board["counts"]["pending"] == 0
    replay = next(body for what, body, _ in answers if what.endswith("/sla/replay"))
    assert list(replay["outcomes"].values()) == ["met"]
    depot = next(body for what, body, _ in answers if what == "GET /warehouses/township-102-depot")
    assert depot["items"] == [{"item": "tent", "on_hand": 39, "reserved": 9, "available": 30}]
    # township 101's caseworker: the demo flood in its township, not township 102's hailstorm
    own = [i["incident_id"] for i in answers[-1][1]["items"]]
    assert "d15a57e4-0000-4000-8000-000000000001" in own and NEW not in own
    refused = await a.request(
        "GET", f"/incidents/{NEW}/sla", headers={"authorization": f"Bearer {values['T101']}"}
    )
    assert refused.status_code == 403 and refused.json()["error"]["code"] == "outside_jurisdiction"
    # the actor on the events is the token's subject
    recorded = await a.service.host.store.read_stream(f"incident-{NEW}")
    actors = {e.event_type: e.actor for e in recorded}
    assert actors == {
        "DisasterReported": minted["TOKEN"],
        "IncidentVerified": minted["REVIEWER"],
        "ReliefAllocated": minted["APPROVER"],
    }
