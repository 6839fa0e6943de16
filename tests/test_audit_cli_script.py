"""The ``minzheng`` console script (infra's ``[project.scripts]``): ``minzheng audit person <resident
id> [--as-of DATE] [--json]`` run as a process against a service serving HTTP on the real stack
(the eldercare service under uvicorn, on the session's PostgreSQL and NATS), with an auditor's
token: the person's timeline from the service's API, recorded by the service; as of a day before
anything was recorded, nothing; a service that does not answer is named and the exit status is 1.

The script is the one installed in the virtual environment when it is there (``make venv``
installs it); a checkout whose environment predates the entry runs the same function the entry
names (``module:function``), read from the ``pyproject.toml``, so the entry itself is checked."""

from __future__ import annotations

import asyncio
import importlib.metadata
import json
import os
import sys
import tomllib
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import httpx
import uvicorn

from minzheng_contracts import make_resident_id
from minzheng_eldercare.application.configuration import load_county_standards
from minzheng_eldercare.entrypoints.app import Eldercare
from minzheng_eventstore.clock import ManualClock
from minzheng_eventstore.host import ServiceSettings
from minzheng_eventstore.testing import bearer, oidc_settings

CST = timezone(timedelta(hours=8))
PERSON = make_resident_id("330727", date(1939, 2, 3), 77).reveal()
PYPROJECT = Path(__file__).parents[1] / "infra" / "pyproject.toml"


def entry() -> str:
    scripts: dict[str, str] = tomllib.loads(PYPROJECT.read_text())["project"]["scripts"]
    return scripts["minzheng"]


def test_the_minzheng_script_is_the_infra_command_line() -> None:
    assert entry() == "minzheng_infra.__main__:main"
    installed = [e for e in importlib.metadata.entry_points(group="console_scripts") if e.name == "minzheng"]
    if installed:  # an environment made since the entry was added
        assert [e.value for e in installed] == [entry()]
        assert Path(sys.executable).with_name("minzheng").exists()


def command() -> list[str]:
    script = Path(sys.executable).with_name("minzheng")
    if script.exists():
        return [str(script)]
    module, _, function = entry().partition(":")
    run = f"import sys; from {module} import {function}; sys.argv[0] = 'minzheng'; {function}()"
    return [sys.executable, "-c", run]


async def minzheng(*args: str) -> tuple[int, str]:
    process = await asyncio.create_subprocess_exec(
        *command(),
        *args,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
        env={**os.environ, "COLUMNS": "200"},  # the table unfolded
    )
    out, err = await process.communicate()
    return process.returncode or 0, out.decode() + err.decode()


async def test_minzheng_audit_person_asks_a_running_service(fresh_database: str, stack: Any) -> None:
    clock = ManualClock(datetime(2026, 3, 2, 9, 0, tzinfo=CST))
    settings = ServiceSettings(
        "eldercare", fresh_database, stack.nats_url("eldercare"), oidc=oidc_settings(stack.issuer)
    )
    service = Eldercare(settings, clock=clock, scheduler=False)
    config = uvicorn.Config(service.app(), host="127.0.0.1", port=0, lifespan="off", log_config=None)
    server = uvicorn.Server(config)
    async with service.host.running(consume=False, relay=False):
        serving = asyncio.create_task(server.serve())
        try:
            for _ in range(500):
                if server.started:
                    break
                await asyncio.sleep(0.01)
            port = server.servers[0].sockets[0].getsockname()[1]
            url = f"eldercare=http://127.0.0.1:{port}"
            await load_county_standards(service.context())
            headers = bearer(stack.issuer, "county-approver", division="330727", subject="approver-1")
            async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}") as http:
                body = {"resident_id": PERSON, "residence": "330727101201"}
                made = await http.post("/elders", json=body, headers=headers)
                assert made.status_code == 201, made.text
            token = stack.issuer.mint(subject="auditor-1", roles=["auditor"], division="330727")

            status, out = await minzheng("audit", "person", PERSON, "--json", "--url", url, "--token", token)
            assert status == 0, out
            timeline = json.loads(out)
            assert timeline["services"] == ["eldercare"] and timeline["unreachable"] == {}
            assert timeline["events"] and all(e["service"] == "eldercare" for e in timeline["events"])
            assert {e["actor"] for e in timeline["events"]} >= {"approver-1"}

            args = ("audit", "person", PERSON, "--json", "--url", url, "--token", token)
            status, out = await minzheng(*args, "--as-of", "2026-03-01")  # before anything was recorded
            assert status == 0 and json.loads(out)["events"] == []

            status, out = await minzheng(*args, "--url", "assistance=http://127.0.0.1:9")
            partial = json.loads(out)
            assert status == 1 and set(partial["unreachable"]) == {"assistance"} and partial["events"]

            # the table, with the person masked in its title
            status, out = await minzheng("audit", "person", PERSON, "--url", url, "--token", token)
            assert status == 0 and f"{PERSON[:6]}********{PERSON[-4:]}" in out
            assert "eldercare" in out

            # bad input is refused before anyone is asked
            status, out = await minzheng("audit", "person", PERSON, "--url", "eldercare", "--token", token)
            assert status == 2 and "--url" in out
        finally:
            server.should_exit = True
            await serving
        async with service.host.store.pool.acquire() as conn:
            reads = await conn.fetch("SELECT reader, verb, as_of FROM audit_reads")
    assert len(reads) == 4 and {(r["reader"], r["verb"]) for r in reads} == {("auditor-1", "history")}
    assert sorted(r["as_of"] is not None for r in reads) == [False, False, False, True]
