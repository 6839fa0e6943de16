"""The README's walk-through, line by line, on the demo data: so that it stays true. Its tokens
(``NAME=$(python -m minzheng_infra token --role R --division D)``) are minted the same way, by the
test stack's issuer (the CLI's default subject ``<role>@<division>``); each request carries only
the headers its line gives."""

from __future__ import annotations

import re
import shlex
from pathlib import Path
from typing import TYPE_CHECKING, Any

from minzheng_eventstore.testing import parse_curl, readme_walkthrough
from minzheng_registry.service import REGISTRY

if TYPE_CHECKING:
    from conftest import Running

README = Path(__file__).parents[2] / "README.md"
TOKEN = re.compile(r"^\$\(python -m minzheng_infra token --role ([a-z-]+) --division (\d+)\)$")
MARRIAGE = "7a1b2c3d-0000-4000-8000-00000000c001"
ROAD = "31bb7920-1f22-5a30-8002-9875d8bc6652"


async def test_the_readme_walkthrough_runs_as_written_on_the_demo(registry: Running, stack) -> None:  # type: ignore[no-untyped-def]
    assert REGISTRY.seed_demo is not None
    await REGISTRY.seed_demo(registry.service.context())  # as `make run` does
    variables, commands = readme_walkthrough(README)
    assert variables["API"] == "http://127.0.0.1:8104"
    values = {"API": variables["API"]}
    minted: dict[str, str] = {}
    for name, value in variables.items():
        if m := TOKEN.match(value):
            role, division = m.groups()
            minted[name] = f"{role}@{division}"
            values[name] = stack.issuer.mint(subject=minted[name], roles=[role], division=division)
        elif name not in values:
            values[name] = shlex.split(value)[0]
    answers: list[tuple[str, Any]] = []
    for line in commands:
        method, url, headers, body = parse_curl(line, values)
        assert url.startswith(variables["API"]), line
        path = url[len(variables["API"]) :]
        assert headers.get("authorization", "").startswith("Bearer "), line
        response = await registry.request(method, path, content=body, headers=headers)
        assert response.status_code < 300, (line, response.status_code, response.text)
        answers.append((f"{method} {path}", response.json()))

    def answer(what: str, nth: int = 0) -> Any:
        return [body for said, body in answers if said == what][nth]

    married = answer("POST /marriages")
    assert re.fullmatch(r"J330727-2026-\d{6}", married["certificate_number"]), married
    status = "GET /people/330727199605201354/marital-status"
    assert answer(status, 0)["status"] == "married"
    assert answer(status, 1)["status"] == "widowed"
    received = answer(f"POST /marriages/{MARRIAGE}/divorce-applications")
    assert received["cooling_off_ends"] and received["certificate_deadline"]
    numbers = answer(f"GET /roads/{ROAD}/numbers")
    issued = answer(f"POST /roads/{ROAD}/numbers")
    assert int(issued["number"]) % 2 == 1  # the left side is odd
    assert str(issued["number"]) in str(numbers)
    # the actor on the events is the token's subject
    recorded = await registry.service.host.store.read_stream(f"marriage-{MARRIAGE}")
    assert {e.actor for e in recorded} == {minted["REGISTRAR"]}
