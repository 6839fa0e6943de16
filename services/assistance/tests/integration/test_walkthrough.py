"""The README's walk-through, run as written: every ``curl`` line of its block, against a service
freshly seeded with the demo county (``seed_demo``), answers the status its comment says. Its
tokens (``NAME=$(.venv/bin/python -m minzheng_infra token --role R --division D)``) are minted the
same way by the test stack's issuer, with the CLI's default subject ``R@D``; each request carries
only the headers its line gives."""

from __future__ import annotations

import re
import shlex
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

from minzheng_assistance.demo import READY
from minzheng_assistance.domain.periods import county_today
from minzheng_assistance.entrypoints.app import Assistance
from minzheng_contracts import Period
from minzheng_eventstore.host import ServiceSettings
from minzheng_eventstore.testing import ServiceClient, oidc_settings, running_service

README = Path(__file__).parents[2] / "README.md"
THIS_MONTH = "$(TZ=Asia/Shanghai date +%Y-%m)"
TOKEN = re.compile(
    r"^([A-Z][A-Z0-9]*)=\$\(\.venv/bin/python -m minzheng_infra token --role ([a-z-]+) --division (\d+)\)$"
)
NEW = "0b7e6f2a-0000-4000-8000-000000000001"


def walkthrough() -> tuple[dict[str, tuple[str, str]], list[tuple[str, int]]]:
    """The block's tokens (name → role, division) and command lines with the statuses their
    comments give."""
    text = README.read_text()
    section = text[text.index("## Walk-through") :]
    block = section[
        section.index("```bash") + len("```bash") : section.index("```\n", section.index("```bash") + 7)
    ]
    tokens: dict[str, tuple[str, str]] = {}
    lines = []
    for line in block.splitlines():
        if line.startswith("curl "):
            command, status = re.fullmatch(r"(curl .*?)\s+# (\d{3})", line).groups()  # type: ignore[union-attr]
            lines.append((command, int(status)))
        elif m := TOKEN.match(line):
            tokens[m.group(1)] = (m.group(2), m.group(3))
        else:
            assert line.startswith("#") or not line.strip(), f"not a curl, a token or a comment: {line}"
    return tokens, lines


def parse(command: str, period: str, values: dict[str, str]) -> tuple[str, str, dict[str, str], str | None]:
    args = shlex.split(command.replace(THIS_MONTH, period))
    assert args[:2] == ["curl", "-s"], command
    method, headers, data, url = "GET", {}, None, ""
    it = iter(args[2:])
    for arg in it:
        if arg == "-X":
            method = next(it)
        elif arg == "-H":
            name, value = next(it).split(": ", 1)
            headers[name] = re.sub(r"\$([A-Z][A-Z0-9]*)", lambda m: values[m.group(1)], value)
        elif arg == "-d":
            data = next(it)
        else:
            url = arg
    parts = urlsplit(url)
    assert (parts.hostname, parts.port) == ("127.0.0.1", 8101), url
    return method, parts.path + (f"?{parts.query}" if parts.query else ""), headers, data


@pytest.fixture
async def seeded(fresh_database: str, stack) -> AsyncIterator[ServiceClient]:  # type: ignore[no-untyped-def]
    # the wall clock, as under `make run`: the demo's history is dated from today
    service = Assistance(
        ServiceSettings(
            "assistance", fresh_database, stack.nats_url("assistance"), oidc=oidc_settings(stack.issuer)
        )
    )
    async with running_service(service, issuer=stack.issuer) as client:
        await service.seed_demo()
        yield client


async def test_the_readme_walkthrough_runs_as_written(seeded: ServiceClient, stack) -> None:  # type: ignore[no-untyped-def]
    period = str(Period.of(county_today(datetime.now(UTC))))
    tokens, steps = walkthrough()
    assert {"CASEWORKER", "REVIEWER", "APPROVER", "VILLAGE"} <= set(tokens), tokens
    values = {
        name: stack.issuer.mint(subject=f"{role}@{division}", roles=[role], division=division)
        for name, (role, division) in tokens.items()
    }
    assert len(steps) >= 10
    answers: list[tuple[str, Any]] = []
    for command, status in steps:
        method, path, headers, data = parse(command, period, values)
        assert headers.get("authorization", "").startswith("Bearer "), command
        response = await seeded.http.request(method, path, headers=headers, content=data)
        assert response.status_code == status, f"{command}\n→ {response.status_code} {response.text}"
        answers.append((f"{method} {path}", response))
    listed = answers[1][1].json()["items"]
    assert str(READY[0]) in {h["household_id"] for h in listed}
    assert answers[3][1].json()["status"] == "active"
    paid = answers[4][1].json()
    assert paid["already_paid"] is False and paid["amount_fen"] > 0
    assert [p["period"] for p in answers[5][1].json()] == [period]
    approvals = [r for what, r in answers if what == f"POST /households/{NEW}/approval"]
    assert [r.json()["error"]["code"] for r in approvals] == ["role_not_permitted", "notice_period_not_over"]
    assert answers[-2][1].json()["already_paid"] >= 1
    # the history: in full for the caseworker (and the read recorded), masked for the village
    full, masked = (r.json() for what, r in answers if what == f"GET /households/{NEW}/timeline")
    assert full[0]["data"]["members"][0]["resident_id"] == "330727198506013214"
    assert masked[0]["data"]["members"][0]["resident_id"] == "330727********3214"
    assert "330727198506013214" not in str(masked)
    store = seeded.service.host.store
    async with store.pool.acquire() as conn:
        reads = await conn.fetch("SELECT reader, record, view FROM record_reads")
    caseworker = "township-caseworker@330727101"
    assert [tuple(r) for r in reads] == [(caseworker, f"household/{NEW}", "timeline")]
    # the actors on the events are the tokens' subjects: investigated by the caseworker, approved
    # by the county approver
    actors = {
        (e.event_type, e.data.get("step")): e.actor for e in await store.read_stream(f"household-{NEW}")
    }
    assert actors == {
        ("HouseholdApplied", None): caseworker,
        ("ReviewStepRecorded", "investigation"): caseworker,
        ("ReviewStepRecorded", "economic_check"): caseworker,
        ("ReviewStepRecorded", "appraisal"): "township-reviewer@330727101",
        ("ReviewStepRecorded", "township_review"): "township-reviewer@330727101",
        ("PublicNoticePosted", None): caseworker,
    }
    approved = [
        e for e in await store.read_stream(f"household-{READY[0]}") if e.event_type == "ApprovalGranted"
    ]
    assert [(e.actor, e.data["approved_by"]) for e in approved] == [("county-approver@330727",) * 2]
