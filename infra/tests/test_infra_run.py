"""``python -m minzheng_infra run`` with a fake service package (infra/tests/fake_services)."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from functools import partial
from pathlib import Path

import jwt
import psutil
import pytest

from minzheng_infra.issuer import AUDIENCE, LocalIssuer
from minzheng_infra.procutil import free_port, wait_until
from minzheng_infra.runner import plan_from_env
from minzheng_infra.services import child_env

FAKE_SERVICES = Path(__file__).parent / "fake_services"
FAKE_CONSOLE = """
import argparse, json, os
from http.server import BaseHTTPRequestHandler, HTTPServer

parser = argparse.ArgumentParser()
parser.add_argument("command", choices=["serve"])
parser.add_argument("--host", required=True)
parser.add_argument("--port", type=int, required=True)
args = parser.parse_args()
KEYS = ("CONSOLE_SERVICES", "CONSOLE_OIDC_ISSUER", "MINZHENG_TRACE_FILE", "SERVICE_NAME")


class Handler(BaseHTTPRequestHandler):
    def do_GET(self):
        body = json.dumps({"console": True, "pid": os.getpid(), **{k: os.environ.get(k) for k in KEYS}})
        self.send_response(200)
        self.end_headers()
        self.wfile.write(body.encode())


HTTPServer((args.host, args.port), Handler).serve_forever()
"""
"""A stand-in for ``minzheng_console`` (``python -m minzheng_console serve``), shadowing the real one
on ``PYTHONPATH``: it answers with the environment the supervisor gave it."""


def test_urls_from_the_environment_replace_the_embedded_servers(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    env = {
        "DATABASE_URL": "postgresql://admin:adminpw@db.example:5432/postgres",
        "NATS_URL": "nats://ops:opspw@nats.example:4222",
        "ASSISTANCE_DATABASE_URL": "postgresql://own:ownpw@elsewhere:5432/assist",
        "DISASTER_NATS_URL": "nats://dis:dispw@nats.example:4222",
    }
    plan = plan_from_env(env, root=tmp_path)
    ep = plan.endpoints
    assert plan.stack is None and not plan.embedded_pg and not plan.embedded_nats
    assert ep.database_dsn("assistance") == env["ASSISTANCE_DATABASE_URL"]
    password = ep.credentials.service("veterans")
    assert ep.database_dsn("veterans") == f"postgresql://veterans:{password}@db.example:5432/veterans"
    assert ep.nats_url("veterans") == env["NATS_URL"]
    assert ep.nats_url("disaster") == env["DISASTER_NATS_URL"]
    assert "assistance" not in {s.name for s in ep.services_to_provision()}
    assert ep.env_for("veterans")["SERVICE_NAME"] == "veterans"
    assert (tmp_path / "secrets.json").stat().st_mode & 0o777 == 0o600


def test_a_service_gets_its_own_urls_only(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DATABASE_URL", "postgresql://admin:x@h/postgres")
    monkeypatch.setenv("DISASTER_DATABASE_URL", "postgresql://disaster:x@h/disaster")
    monkeypatch.setenv("KEPT", "1")
    env = child_env({"ASSISTANCE_DATABASE_URL": "postgresql://assistance:x@h/assistance"})
    assert env["ASSISTANCE_DATABASE_URL"].startswith("postgresql://assistance")
    assert "DATABASE_URL" not in env and "DISASTER_DATABASE_URL" not in env
    assert env["KEPT"] == "1"


def _write_config(directory: Path, http_port: int) -> None:
    directory.mkdir()
    (directory / "services.toml").write_text(
        f"""
[[service]]
name = "fakesvc"
package = "minzheng_fakesvc"
http_port = {http_port}
publish = ["fakesvc.>"]

[[service]]
name = "ghost"
package = "minzheng_ghost_not_installed"
http_port = {free_port()}
"""
    )
    (directory / "streams.toml").write_text(
        """
[defaults]
duplicate_window_seconds = 120

[[stream]]
name = "FAKESVC"
subjects = ["fakesvc.>"]

[[stream]]
name = "DEADLETTER"
subjects = ["deadletter.>"]
"""
    )


def _write_console(directory: Path) -> None:
    package = directory / "minzheng_console"
    package.mkdir(parents=True)
    (package / "__init__.py").write_text("")
    (package / "__main__.py").write_text(FAKE_CONSOLE)


def _get(port: int) -> dict[str, object]:
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=5) as resp:
        result: dict[str, object] = json.loads(resp.read())
        return result


class Runner:
    def __init__(self, env: dict[str, str], log: Path) -> None:
        self.log = log
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "minzheng_infra", "run"],
            env=env,
            stdout=log.open("ab"),
            stderr=subprocess.STDOUT,
        )

    def output(self) -> str:
        return self.log.read_text(errors="replace")

    def interrupt(self) -> int:
        self.proc.send_signal(signal.SIGINT)
        return self.proc.wait(90)

    def kill(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()


@pytest.fixture
def run_env(tmp_path: Path) -> Iterator[tuple[dict[str, str], int]]:
    http_port = free_port()
    _write_config(tmp_path / "config", http_port)
    _write_console(tmp_path / "console")
    paths = [str(FAKE_SERVICES), str(tmp_path / "console"), os.environ.get("PYTHONPATH")]
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join(filter(None, paths)),
        "MINZHENG_CONSOLE_PORT": str(free_port()),
        "MINZHENG_INFRA_CONFIG_DIR": str(tmp_path / "config"),
        "MINZHENG_STACK_DIR": str(tmp_path / "stack"),
        "MINZHENG_PG_PORT": str(free_port()),
        "MINZHENG_NATS_PORT": str(free_port()),
        "MINZHENG_NATS_MONITOR_PORT": str(free_port()),
        "MINZHENG_ISSUER_PORT": str(free_port()),
        "COLUMNS": "250",
    }
    for key in ("DATABASE_URL", "NATS_URL", "FAKESVC_DATABASE_URL", "FAKESVC_NATS_URL"):
        env.pop(key, None)
    yield env, http_port
    # whatever happened: nothing may be left running on the test's stack folder
    for proc in psutil.process_iter(["cmdline"]):
        if any(str(tmp_path) in part for part in proc.info["cmdline"] or []):
            proc.kill()


def _leftovers(root: Path) -> list[str]:
    found = []
    for proc in psutil.process_iter(["cmdline", "status"]):
        cmd = proc.info["cmdline"] or []
        if proc.info["status"] != psutil.STATUS_ZOMBIE and any(str(root) in part for part in cmd):
            found.append(" ".join(cmd))
    return found


def test_run_migrates_seeds_serves_and_stops_cleanly(
    run_env: tuple[dict[str, str], int], tmp_path: Path
) -> None:
    env, http_port = run_env
    for attempt in (1, 2):  # the second run reuses the data and the passwords
        runner = Runner(env, tmp_path / f"run{attempt}.log")
        try:
            assert wait_until(partial(_up_or_exited, runner, http_port), 120, 0.2)
            assert runner.proc.poll() is None, runner.output()
            body = _get(http_port)
            assert body["service"] == "fakesvc"
            assert body["rows"] == 1  # migrated and seeded once, however many runs
            assert body["stream"] == "FAKESVC"  # published with its own NATS user
            service_pid = int(str(body["pid"]))
            stack = tmp_path / "stack"
            assert psutil.Process(service_pid).environ()["MINZHENG_TRACE_FILE"] == str(
                stack / "traces" / "fakesvc.jsonl"
            )
            console_pid = _console_started(env, runner, http_port, stack)
            if attempt == 1:
                secrets = (tmp_path / "stack" / "secrets.json").read_text()
            else:
                assert (tmp_path / "stack" / "secrets.json").read_text() == secrets
            assert wait_until(partial(_says, runner, "Ctrl-C"), 30)
            assert runner.interrupt() == 0, runner.output()
        finally:
            runner.kill()
        out = runner.output()
        assert "ghost" in out and "not installed" in out
        for secret in json.loads(secrets)["services"].values():
            assert secret not in out  # never print passwords
        for pid in (service_pid, console_pid):
            assert not psutil.pid_exists(pid) or psutil.Process(pid).status() == psutil.STATUS_ZOMBIE
        assert _leftovers(tmp_path / "stack") == []
        assert out.index("stopping services") < out.index("stopping NATS and PostgreSQL")


def _console_started(env: dict[str, str], runner: Runner, http_port: int, stack: Path) -> int:
    """The console runs on its port with the services' URLs and its trace file, and the output gives
    its URL and a token of the local issuer (operator and auditor over the demo county). Its pid."""
    port = int(env["MINZHENG_CONSOLE_PORT"])
    assert wait_until(partial(_says, runner, "Ctrl-C"), 30), runner.output()
    seen = _get(port)
    assert seen["console"] is True and seen["SERVICE_NAME"] == "console"
    assert seen["CONSOLE_SERVICES"] == f"fakesvc=http://127.0.0.1:{http_port}"
    assert seen["MINZHENG_TRACE_FILE"] == str(stack / "traces" / "console.jsonl")
    out = runner.output()
    assert f"http://127.0.0.1:{port}/" in out
    assert f"traces (OTLP JSON lines, one file per process): {stack / 'traces'}" in out.replace("\n", "")
    tokens = re.findall(r"eyJ[\w-]+\.[\w-]+\.[\w-]+", out)
    assert len(tokens) == 1, out
    issuer = LocalIssuer(stack, 0)
    assert seen["CONSOLE_OIDC_ISSUER"] == f"http://127.0.0.1:{env['MINZHENG_ISSUER_PORT']}"
    key = jwt.PyJWKSet.from_dict(issuer.jwks())[jwt.get_unverified_header(tokens[0])["kid"]]
    claims = jwt.decode(tokens[0], key, algorithms=["ES256"], audience=AUDIENCE)
    assert sorted(claims["roles"]) == ["auditor", "operator"] and claims["division"] == "330727"
    assert claims["exp"] - claims["iat"] == 12 * 3600
    token_file = stack / "console-token"
    assert token_file.read_text().strip() == tokens[0] and token_file.stat().st_mode & 0o777 == 0o600
    return int(str(seen["pid"]))


def _up_or_exited(runner: Runner, port: int) -> bool:
    return runner.proc.poll() is not None or _answers(port)


def _says(runner: Runner, text: str) -> bool:
    return text in runner.output()


def _answers(port: int) -> bool:
    try:
        _get(port)
        return True
    except OSError:
        time.sleep(0.1)
        return False


def test_a_second_supervisor_on_the_same_folder_is_refused(
    run_env: tuple[dict[str, str], int], tmp_path: Path
) -> None:
    env, http_port = run_env
    first = Runner(env, tmp_path / "first.log")
    try:
        assert wait_until(partial(_up_or_exited, first, http_port), 120, 0.2)
        second = subprocess.run(
            [sys.executable, "-m", "minzheng_infra", "run"],
            env=env,
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert second.returncode == 1
        assert "another supervisor" in second.stdout
        assert first.interrupt() == 0
    finally:
        first.kill()


def test_a_demo_module_anywhere_in_the_package_declares_seed_demo(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from minzheng_infra.config import ServiceSpec
    from minzheng_infra.services import has_demo_seed

    for package, module in (
        ("minzheng_toplevel", "demo.py"),
        ("minzheng_areas", "adapters/marriage/demo.py"),
        ("minzheng_nodemo", "adapters/marriage/seed.py"),
    ):
        path = tmp_path / package / module
        path.parent.mkdir(parents=True)
        (tmp_path / package / "__init__.py").write_text("")
        path.write_text("")
    monkeypatch.syspath_prepend(str(tmp_path))

    def spec(package: str) -> ServiceSpec:
        return ServiceSpec(package, package, 1, package, package, ())

    assert has_demo_seed(spec("minzheng_toplevel")) and has_demo_seed(spec("minzheng_areas"))
    assert not has_demo_seed(spec("minzheng_nodemo")) and not has_demo_seed(spec("minzheng_absent"))
