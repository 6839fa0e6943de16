"""The declarations in ``infra/streams.toml`` and ``infra/services.toml``, loaded into typed objects."""

from __future__ import annotations

import importlib.util
import os
import re
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

_NAME = re.compile(r"^[a-z][a-z0-9_]*$")
_STREAM_NAME = re.compile(r"^[A-Z][A-Z0-9_]*$")

# Subjects every service user may publish to, besides its own.


def config_dir() -> Path:
    """Directory holding streams.toml and services.toml (``MINZHENG_INFRA_CONFIG_DIR`` overrides)."""
    override = os.environ.get("MINZHENG_INFRA_CONFIG_DIR")
    if override:
        return Path(override)
    return Path(__file__).resolve().parents[2]  # infra/src/minzheng_infra -> infra/


def repo_root() -> Path:
    """The repository root (the parent of ``infra/``)."""
    return config_dir().parent


@dataclass(frozen=True)
class ServiceSpec:
    name: str
    package: str
    http_port: int
    database: str
    nats_user: str
    publish: tuple[str, ...]
    consumes: tuple[tuple[str, str], ...] = ()
    """The durable consumers the service runs on other streams: ``(stream, consumer name)``."""

    @property
    def inbox_prefix(self) -> str:
        """The service's own reply subjects (``_INBOX_<name>.>``): it may subscribe to nothing else."""
        return f"_INBOX_{self.name}"

    @property
    def env_prefix(self) -> str:
        return self.name.upper()

    @property
    def db_role(self) -> str:
        """The PostgreSQL role that owns the service's database."""
        return self.name

    def exists(self) -> bool:
        """A service exists when its package is importable."""
        try:
            return importlib.util.find_spec(self.package) is not None
        except (ImportError, ValueError):
            return False


@dataclass(frozen=True)
class StreamSpec:
    name: str
    subjects: tuple[str, ...]
    description: str = ""
    storage: str = "file"
    retention: str = "limits"
    discard: str = "old"
    duplicate_window_seconds: float = 120.0
    max_age_seconds: float = 0.0
    replicas: int = 1


def _read(name: str, directory: Path | None) -> dict[str, Any]:
    path = (directory or config_dir()) / name
    with path.open("rb") as fh:
        return tomllib.load(fh)


def load_services(directory: Path | None = None) -> list[ServiceSpec]:
    raw = _read("services.toml", directory)
    services: list[ServiceSpec] = []
    for entry in raw.get("service", []):
        name = str(entry["name"])
        if not _NAME.match(name):
            raise ValueError(f"services.toml: invalid service name {name!r}")
        database = str(entry.get("database", name))
        nats_user = str(entry.get("nats_user", name))
        for ident in (database, nats_user):
            if not _NAME.match(ident):
                raise ValueError(f"services.toml: invalid identifier {ident!r} for {name}")
        services.append(
            ServiceSpec(
                name=name,
                package=str(entry["package"]),
                http_port=int(entry["http_port"]),
                database=database,
                nats_user=nats_user,
                publish=tuple(entry.get("publish", [f"{name}.>"])),
                consumes=tuple(_consumer(name, str(c)) for c in entry.get("consumes", [])),
            )
        )
    names = [s.name for s in services]
    if len(set(names)) != len(names):
        raise ValueError("services.toml: duplicate service names")
    return services


def _consumer(service: str, text: str) -> tuple[str, str]:
    stream, _, consumer = text.partition("/")
    if not stream or not consumer.startswith(f"{service}-") or not _NAME.match(stream.lower()):
        raise ValueError(f"services.toml: {service} consumes {text!r}: write STREAM/{service}-<purpose>-v<N>")
    return stream, consumer


_STREAM_KEYS = {
    "storage",
    "retention",
    "discard",
    "duplicate_window_seconds",
    "max_age_seconds",
    "replicas",
    "description",
}


def load_streams(directory: Path | None = None, profile: str = "dev") -> list[StreamSpec]:
    raw = _read("streams.toml", directory)
    defaults: dict[str, Any] = dict(raw.get("defaults", {}))
    profiles: dict[str, Any] = raw.get("profiles", {})
    if profile != "dev" and profile not in profiles:
        raise ValueError(f"streams.toml: unknown profile {profile!r}")
    overrides: dict[str, Any] = dict(profiles.get(profile, {}))
    streams: list[StreamSpec] = []
    for entry in raw.get("stream", []):
        merged = {**defaults, **entry, **overrides}
        name = str(merged.pop("name"))
        if not _STREAM_NAME.match(name):
            raise ValueError(f"streams.toml: invalid stream name {name!r}")
        subjects = tuple(str(s) for s in merged.pop("subjects"))
        unknown = set(merged) - _STREAM_KEYS
        if unknown:
            raise ValueError(f"streams.toml: unknown keys for {name}: {sorted(unknown)}")
        known = merged
        streams.append(
            StreamSpec(
                name=name,
                subjects=subjects,
                description=str(known.get("description", "")),
                storage=str(known.get("storage", "file")),
                retention=str(known.get("retention", "limits")),
                discard=str(known.get("discard", "old")),
                duplicate_window_seconds=float(known.get("duplicate_window_seconds", 120)),
                max_age_seconds=float(known.get("max_age_seconds", 0)),
                replicas=int(known.get("replicas", 1)),
            )
        )
    return streams


def service_by_name(services: list[ServiceSpec], name: str) -> ServiceSpec:
    for service in services:
        if service.name == name:
            return service
    raise KeyError(f"unknown service {name!r}; known: {', '.join(s.name for s in services)}")
