"""The README's walk-through, run as written: every ``curl`` line of its block, against a service
freshly seeded with the demo county (``seed_demo``), answers the status its comment says."""

from __future__ import annotations

import re
import shlex
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from minzheng_assistance.demo import READY
from minzheng_assistance.domain.periods import county_today
from minzheng_assistance.entrypoints.app import Assistance
from minzheng_contracts import Period
from minzheng_eventstore.host import ServiceSettings
from minzheng_eventstore.testing import ServiceClient, running_service

README = Path(__file__).parents[2] / "README.md"
THIS_MONTH = "$(TZ=Asia/Shanghai date +%Y-%m)"


def walkthrough() -> list[tuple[str, int]]:
    """The block's command lines and the statuses their comments give."""
    text = README.read_text()
    section = text[text.index("## Walk-through") :]
    block = section[
        section.index("```bash") + len("```bash") : section.index("```\n", section.index("```bash") + 7)
    ]
    lines = []
    for line in block.splitlines():
        if line.startswith("curl "):
            command, status = re.fullmatch(r"(curl .*?)\s+# (\d{3})", line).groups()  # type: ignore[union-attr]
            lines.append((command, int(status)))
    return lines


def parse(command: str, period: str) -> tuple[str, str, dict[str, str], str | None]:
    args = shlex.split(command.replace(THIS_MONTH, period))
    assert args[:2] == ["curl", "-s"], command
    method, headers, data, url = "GET", {}, None, ""
    it = iter(args[2:])
    for arg in it:
        if arg == "-X":
            method = next(it)
        elif arg == "-H":
            name, value = next(it).split(": ", 1)
            headers[name] = value
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
    service = Assistance(ServiceSettings("assistance", fresh_database, stack.nats_url("assistance")))
    async with running_service(service) as client:
        await service.seed_demo()
        yield client


async def test_the_readme_walkthrough_runs_as_written(seeded: ServiceClient) -> None:
    period = str(Period.of(county_today(datetime.now(UTC))))
    steps = walkthrough()
    assert len(steps) >= 10
    answers = []
    for command, status in steps:
        method, path, headers, data = parse(command, period)
        response = await seeded.http.request(method, path, headers=headers, content=data)
        assert response.status_code == status, f"{command}\n→ {response.status_code} {response.text}"
        answers.append(response)
    listed = answers[1].json()["items"]
    assert str(READY[0]) in {h["household_id"] for h in listed}
    assert answers[3].json()["status"] == "active"
    paid = answers[4].json()
    assert paid["already_paid"] is False and paid["amount_fen"] > 0
    assert [p["period"] for p in answers[5].json()] == [period]
    assert answers[-3].json()["error"]["code"] == "notice_period_not_over"
    assert answers[-2].json()["already_paid"] >= 1
