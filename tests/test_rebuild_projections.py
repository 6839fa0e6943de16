"""``rebuild --compare`` on every projection of every service: after the service's demo seed, each
read model rebuilt from zero beside the live one equals it row by row; a live row tampered with
is named (by its key and the columns that differ, never the values); ``--apply`` mends it; the
verb itself runs from the command line."""

from __future__ import annotations

import asyncio
import json
import os
import sys
from collections.abc import Callable
from typing import Any

import pytest

from minzheng_assistance.entrypoints.app import Assistance
from minzheng_disaster.entrypoints.app import Disaster
from minzheng_eldercare.entrypoints.app import Eldercare
from minzheng_eventstore.host import ServiceSettings
from minzheng_eventstore.kit import Service
from minzheng_eventstore.rebuild import RebuildReport, Target, compare
from minzheng_eventstore.testing import oidc_settings
from minzheng_registry.entrypoints.app import Registry
from minzheng_veterans.entrypoints.app import Veterans

FACTORIES: dict[str, Callable[..., Service]] = {
    "assistance": Assistance,
    "disaster": Disaster,
    "registry": Registry,
    "veterans": Veterans,
    "eldercare": Eldercare,
}


def _target(service: Service, name: str) -> Target:
    p = next(p for p in service.definition.projections if p.name == name)
    return Target(p.name, p.handle, p.stream_types, p.reset, p.batch_size)


async def _seeded(name: str, database: str, stack: Any) -> Service:
    settings = ServiceSettings(name, database, stack.nats_url(name), oidc=oidc_settings(stack.issuer))
    if name == "assistance":  # its factory takes the settings alone
        return FACTORIES[name](settings)
    return FACTORIES[name](settings, scheduler=False)


async def _compare_all(service: Service, database: str) -> list[RebuildReport]:
    reports = []
    for p in service.definition.projections:
        await service.host.projection(p.name).catch_up()
        reports.append(await compare(service.host.store, database, _target(service, p.name)))
    return reports


@pytest.mark.parametrize("name", sorted(FACTORIES))
async def test_every_projection_rebuilt_equals_the_live_read_model(
    name: str, fresh_database: str, stack: Any
) -> None:
    service = await _seeded(name, fresh_database, stack)
    async with service.host.running(consume=False, background=False):
        await service.seed_demo()
        reports = await _compare_all(service, fresh_database)
    declared = [p.name for p in service.definition.projections]
    assert [r.projection for r in reports] == declared
    for report in reports:
        assert report.tables, f"{report.projection}: no table found from its reset"
        assert report.same, report.as_dict()
    if declared:  # the demo gives every service's read models rows to compare
        assert sum(t.live_rows for r in reports for t in r.tables) > 0
        assert sum(r.events for r in reports) > 0


async def test_a_tampered_live_row_is_named_and_apply_mends_it(fresh_database: str, stack: Any) -> None:
    service = await _seeded("eldercare", fresh_database, stack)
    async with service.host.running(consume=False, background=False):
        await service.seed_demo()
        first, table = next(
            (r, t) for r in await _compare_all(service, fresh_database) for t in r.tables if t.live_rows >= 2
        )
        async with service.host.store.pool.acquire() as conn:
            key_column = await conn.fetchval(
                "SELECT a.attname FROM pg_index i JOIN pg_attribute a ON a.attrelid = i.indrelid "
                "AND a.attnum = i.indkey[0] WHERE i.indrelid = $1::regclass AND i.indisprimary",
                table.table,
            )
            keys = [r[0] for r in await conn.fetch(f"SELECT {key_column} FROM {table.table} LIMIT 2")]
            column = await conn.fetchval(
                "SELECT attname FROM pg_attribute WHERE attrelid = $1::regclass AND attnum > 0 "
                "AND NOT attisdropped AND attname <> $2 AND atttypid = 'text'::regtype "
                "ORDER BY attnum LIMIT 1",
                table.table,
                key_column,
            )
            await conn.execute(
                f"UPDATE {table.table} SET {column} = 'tampered' WHERE {key_column} = $1", keys[0]
            )
            await conn.execute(f"DELETE FROM {table.table} WHERE {key_column} = $1", keys[1])
        target = _target(service, first.projection)
        report = await compare(service.host.store, fresh_database, target)
        assert not report.same
        found = next(t for t in report.tables if t.table == table.table)
        assert (found.changed, found.missing, found.extra) == (1, 1, 0)
        kinds = {(d.kind, json.dumps(d.key, default=str), d.columns) for d in found.differences}
        assert kinds == {
            ("changed", json.dumps({key_column: keys[0]}, default=str), (column,)),
            ("missing", json.dumps({key_column: keys[1]}, default=str), ()),
        }
        assert "tampered" not in json.dumps(report.as_dict(), default=str)
        # without --apply the live table is as it was (tampered); with it, mended
        assert (await compare(service.host.store, fresh_database, target)).same is False
        applied = await compare(service.host.store, fresh_database, target, apply=True)
        assert applied.applied and not applied.same
        assert (await compare(service.host.store, fresh_database, target)).same


async def test_rebuild_from_the_command_line(fresh_database: str, stack: Any) -> None:
    service = await _seeded("registry", fresh_database, stack)
    async with service.host.running(consume=False, background=False):
        await service.seed_demo()
        for p in service.definition.projections:
            await service.host.projection(p.name).catch_up()
    [projection] = [p.name for p in service.definition.projections]
    env = {
        **os.environ,
        "REGISTRY_DATABASE_URL": fresh_database,
        "REGISTRY_NATS_URL": stack.nats_url("registry"),
        "REGISTRY_PSEUDONYM_KEY": "rebuild-cli-test-key",
        "REGISTRY_OIDC_ISSUER": stack.issuer.url,
    }

    async def cli(*args: str) -> tuple[int, Any]:
        process = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "minzheng_registry", *args, env=env, stdout=asyncio.subprocess.PIPE
        )
        out, _ = await process.communicate()
        return process.returncode or 0, json.loads(out)

    status, report = await cli("rebuild", projection, "--compare", "--json")
    assert status == 0 and report["same"] is True and report["applied"] is False, report
    assert report["events"] > 0 and all(t["live_rows"] == t["rebuilt_rows"] for t in report["tables"])
    status, plain = await cli("rebuild", projection, "--json")
    assert status == 0 and plain["events"] == report["events"]
    status, again = await cli("rebuild", projection, "--compare", "--json")
    assert status == 0 and again["same"] is True
