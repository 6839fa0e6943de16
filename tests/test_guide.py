"""docs/how-to-write-a-service.md is kept true by the code: the names it gives exist, and every
service has the shape it describes."""

from __future__ import annotations

import importlib
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
GUIDE = ROOT / "docs" / "how-to-write-a-service.md"
NAME = re.compile(r"`(minzheng_[a-z_]+(?:\.[A-Za-z_]+)+)`")
SERVICES = sorted(p.parent for p in (ROOT / "services").glob("*/pyproject.toml"))


def resolve(dotted: str) -> object:
    parts = dotted.split(".")
    for cut in range(len(parts), 0, -1):
        try:
            target: object = importlib.import_module(".".join(parts[:cut]))
        except ImportError:
            continue
        for attribute in parts[cut:]:
            target = getattr(target, attribute)
        return target
    raise ImportError(dotted)


@pytest.mark.parametrize("dotted", sorted(set(NAME.findall(GUIDE.read_text()))))
def test_every_name_the_guide_gives_exists(dotted: str) -> None:
    assert resolve(dotted) is not None


@pytest.mark.parametrize("service", SERVICES, ids=lambda p: p.name)
def test_every_service_has_the_shape_of_the_guide(service: Path) -> None:
    package = service / "src" / f"minzheng_{service.name}"
    main = [line for line in (package / "__main__.py").read_text().splitlines() if line.strip()]
    assert len(main) <= 10, f"{service.name}/__main__.py has {len(main)} lines"
    assert (package / "service.py").is_file()
    for layer in ("domain", "application", "adapters"):
        assert (package / layer).is_dir(), f"{service.name} has no {layer}/"
    from minzheng_eventstore.kit import ServiceDefinition

    module = importlib.import_module(f"minzheng_{service.name}.service")
    definitions = [v for v in vars(module).values() if isinstance(v, ServiceDefinition)]
    assert [d.name for d in definitions] == [service.name]


@pytest.mark.parametrize("service", SERVICES, ids=lambda p: p.name)
def test_help_needs_no_database(service: Path) -> None:
    import os
    import subprocess
    import sys

    env = {
        k: v for k, v in os.environ.items() if not k.endswith("DATABASE_URL") and not k.endswith("NATS_URL")
    }
    done = subprocess.run(
        [sys.executable, "-m", f"minzheng_{service.name}", "--help"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    for command in ("migrate", "serve", "relay", "seed-demo", "redrive"):
        assert command in done.stdout


@pytest.mark.parametrize("service", SERVICES, ids=lambda p: p.name)
def test_the_consumers_a_service_runs_are_the_ones_its_nats_user_may_run(service: Path) -> None:
    from minzheng_eventstore.kit import ServiceDefinition
    from minzheng_infra.config import load_services

    module = importlib.import_module(f"minzheng_{service.name}.service")
    definition = next(v for v in vars(module).values() if isinstance(v, ServiceDefinition))
    declared = {(s.stream, f"{definition.name}-{s.purpose}-v{s.version}") for s in definition.subscriptions}
    spec = next(s for s in load_services() if s.name == service.name)
    assert declared == set(spec.consumes), (
        "infra/services.toml `consumes` must list the service's subscriptions"
    )
