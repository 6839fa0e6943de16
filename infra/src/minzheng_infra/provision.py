"""Idempotent provisioning: a role and a database per service, and the JetStream streams.

Safe to run any number of times, concurrently too (a PostgreSQL advisory lock serialises runs).
Works against the embedded stack and against existing servers given as URLs.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import asyncpg
import nats
from nats.js.api import DiscardPolicy, RetentionPolicy, StorageType, StreamConfig
from nats.js.errors import NotFoundError

from .config import ServiceSpec, StreamSpec
from .credentials import Credentials
from .endpoints import Endpoints

_LOCK_KEY = 0x6D7A_696E_6672_61  # "mzinfra": serialises concurrent provisioning runs


@dataclass
class ProvisionReport:
    """What a provisioning run did: ``(kind, name, action)`` with action created/updated/unchanged."""

    actions: list[tuple[str, str, str]] = field(default_factory=list)

    def add(self, kind: str, name: str, action: str) -> None:
        self.actions.append((kind, name, action))

    def changed(self) -> list[tuple[str, str, str]]:
        return [a for a in self.actions if a[2] != "unchanged"]


def quote_ident(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def quote_literal(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


# -- PostgreSQL ------------------------------------------------------------------------------


async def provision_postgres(
    admin_dsn: str,
    services: list[ServiceSpec],
    credentials: Credentials,
    report: ProvisionReport | None = None,
) -> ProvisionReport:
    """For each service: a LOGIN role (password from ``credentials``) owning a database of its own.

    Only the owner (and superusers) may connect to a service database: CONNECT is revoked from PUBLIC.
    """
    report = report or ProvisionReport()
    conn: asyncpg.Connection = await asyncpg.connect(admin_dsn)
    try:
        await conn.execute("SELECT pg_advisory_lock($1)", _LOCK_KEY)
        for spec in services:
            await _ensure_role(conn, spec.db_role, credentials.service(spec.name), report)
            await _ensure_database(conn, spec.database, spec.db_role, report)
        await conn.execute("SELECT pg_advisory_unlock($1)", _LOCK_KEY)
    finally:
        await conn.close()
    return report


async def _ensure_role(conn: asyncpg.Connection, role: str, password: str, report: ProvisionReport) -> None:
    exists = await conn.fetchval("SELECT 1 FROM pg_roles WHERE rolname = $1", role)
    verb = "ALTER" if exists else "CREATE"
    # DDL takes no bind parameters; the password is a generated URL-safe token, quoted anyway.
    await conn.execute(
        f"{verb} ROLE {quote_ident(role)} WITH LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE "
        f"PASSWORD {quote_literal(password)}"
    )
    report.add("role", role, "unchanged" if exists else "created")


async def _ensure_database(
    conn: asyncpg.Connection, database: str, owner: str, report: ProvisionReport
) -> None:
    current_owner = await conn.fetchval(
        "SELECT pg_get_userbyid(datdba) FROM pg_database WHERE datname = $1", database
    )
    if current_owner is None:
        # CREATE DATABASE cannot run inside a transaction: asyncpg's execute() is autocommit.
        await conn.execute(
            f"CREATE DATABASE {quote_ident(database)} OWNER {quote_ident(owner)}"
            " ENCODING 'UTF8' TEMPLATE template0"
        )
        report.add("database", database, "created")
    elif current_owner != owner:
        await conn.execute(f"ALTER DATABASE {quote_ident(database)} OWNER TO {quote_ident(owner)}")
        report.add("database", database, "updated")
    else:
        report.add("database", database, "unchanged")
    await conn.execute(f"REVOKE CONNECT, TEMPORARY ON DATABASE {quote_ident(database)} FROM PUBLIC")


# -- JetStream -------------------------------------------------------------------------------


def stream_config(spec: StreamSpec) -> StreamConfig:
    return StreamConfig(
        name=spec.name,
        description=spec.description or None,
        subjects=list(spec.subjects),
        storage=StorageType(spec.storage),
        retention=RetentionPolicy(spec.retention),
        discard=DiscardPolicy(spec.discard),
        duplicate_window=spec.duplicate_window_seconds,
        max_age=spec.max_age_seconds,
        num_replicas=spec.replicas,
    )


def _differences(want: StreamConfig, have: StreamConfig) -> list[str]:
    fields = ("description", "storage", "retention", "discard", "duplicate_window", "max_age", "num_replicas")
    diffs = [f for f in fields if getattr(want, f) != getattr(have, f)]
    if sorted(want.subjects or []) != sorted(have.subjects or []):
        diffs.append("subjects")
    return diffs


async def provision_streams(
    nats_admin_url: str, streams: list[StreamSpec], report: ProvisionReport | None = None
) -> ProvisionReport:
    """Create each stream, or update it when its configuration differs from ``streams``."""
    report = report or ProvisionReport()
    nc = await nats.connect(nats_admin_url, connect_timeout=5, max_reconnect_attempts=0)
    try:
        js = nc.jetstream(timeout=10)
        for spec in streams:
            want = stream_config(spec)
            try:
                info = await js.stream_info(spec.name)
            except NotFoundError:
                await js.add_stream(want)
                report.add("stream", spec.name, "created")
                continue
            if _differences(want, info.config):
                if want.storage != info.config.storage:
                    raise RuntimeError(
                        f"stream {spec.name}: storage cannot change "
                        f"({info.config.storage} -> {want.storage}); migrate it by hand"
                    )
                await js.update_stream(want)
                report.add("stream", spec.name, "updated")
            else:
                report.add("stream", spec.name, "unchanged")
    finally:
        await nc.close()
    return report


async def provision(endpoints: Endpoints, streams: list[StreamSpec]) -> ProvisionReport:
    """Everything: roles and databases (except services given their own URL), then the streams."""
    report = ProvisionReport()
    await provision_postgres(
        endpoints.pg_admin_dsn, endpoints.services_to_provision(), endpoints.credentials, report
    )
    await provision_streams(endpoints.nats_admin_url, streams, report)
    return report
