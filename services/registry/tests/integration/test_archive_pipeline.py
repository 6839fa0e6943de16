"""An import's units on the real stack: a unit decided early on what the unit before read is
decided again when another import entered records in between (its flags are those of the archive
it commits into), and imports of many units running at once enter each record once, with the
flags whichever order their units went in."""

from __future__ import annotations

import asyncio
from datetime import date
from typing import TYPE_CHECKING

from minzheng_contracts import make_resident_id
from minzheng_eventstore import Actor
from minzheng_registry.application.archive.imports import import_rows
from minzheng_registry.application.people import ARCHIVE_LOCK
from minzheng_registry.domain.archive.records import ArchiveRow

if TYPE_CHECKING:
    from conftest import Running


def rid(born: date, seq: int) -> str:
    return make_resident_id("330727", born, seq).reveal()


M1, M2 = rid(date(1940, 1, 1), 11), rid(date(1941, 2, 2), 13)
W1, W2, W3 = rid(date(1942, 3, 3), 22), rid(date(1943, 4, 4), 24), rid(date(1944, 5, 5), 26)
_WAITING = (
    "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted "
    "AND classid = $1 AND objid = $2"
)


def marriage(cert: str, man: str, woman: str, on: str) -> ArchiveRow:
    return ArchiveRow(cert, man, woman, on, "330727101", "marriage")


async def waiting_for_the_archive(registry: Running, n: int) -> None:
    """Until ``n`` transactions wait for the archive's lock."""
    key = (ARCHIVE_LOCK >> 32, ARCHIVE_LOCK & 0xFFFF_FFFF)
    for _ in range(500):
        if await registry.fetchval(_WAITING, *key) >= n:
            return
        await asyncio.sleep(0.01)
    raise AssertionError(f"{n} waiting for the archive's lock never seen")


async def flags_of(registry: Running, cert: str) -> list[str]:
    async with registry.service.host.store.pool.acquire() as conn:
        found = await conn.fetchval(
            "SELECT e.data FROM events e WHERE e.stream_type = 'archive' AND e.data::text LIKE $1",
            f"%{cert}%",
        )
    import json

    records = [r for r in json.loads(found)["records"] if r["certificate_number"] == cert]
    assert len(records) == 1
    return list(records[0]["flags"])


async def test_a_unit_decided_early_is_decided_again_when_another_import_came_between(
    registry: Running,
) -> None:
    ctx = registry.service.context()
    # A: unit 0 marries M1 in 1970; unit 1 marries M2 in 1980 (decided early, on unit 0's reading)
    a = [marriage("婚字第 A1 号", M1, W1, "1970-01-01"), marriage("婚字第 A2 号", M2, W2, "1980-01-01")]
    # B, entered between A's two units: M2 married in 1975, so A's 1980 marriage finds him married
    b = [marriage("婚字第 B1 号", M2, W3, "1975-01-01")]
    async with registry.service.host.store.pool.acquire() as conn:
        holding = conn.transaction()
        await holding.start()
        await conn.execute("SELECT pg_advisory_xact_lock($1)", ARCHIVE_LOCK)
        first = asyncio.create_task(import_rows(ctx, Actor("a"), a, batch=1))
        await waiting_for_the_archive(registry, 1)  # A's unit 0 queued first
        second = asyncio.create_task(import_rows(ctx, Actor("b"), b, batch=1))
        await waiting_for_the_archive(registry, 2)  # then B's: it goes before A's unit 1
        await holding.rollback()
    done_a, done_b = await asyncio.gather(first, second)
    assert (done_a.imported, done_b.imported) == (2, 1)
    assert await flags_of(registry, "婚字第 A2 号") == ["husband_already_married"]
    assert await flags_of(registry, "婚字第 A1 号") == []
    assert await registry.fetchval("SELECT units FROM registry_archive_writes") == 3


async def test_imports_of_many_units_at_once_enter_each_record_once(registry: Running) -> None:
    ctx = registry.service.context()
    men = [rid(date(1940, 1, 1 + k), 11 + 2 * k) for k in range(6)]
    women_a = [rid(date(1942, 1, 1 + k), 20 + 2 * k) for k in range(6)]
    women_b = [rid(date(1943, 1, 1 + k), 40 + 2 * k) for k in range(6)]
    # both imports marry each man to another woman on one day, in units of their own sizes:
    # whichever enters a man's marriage second finds him married, in whatever order units go
    a = [marriage(f"A{k}", m, women_a[k], f"19{70 + k}-01-01") for k, m in enumerate(men)]
    b = [marriage(f"B{k}", m, women_b[k], f"19{70 + k}-01-01") for k, m in enumerate(men)]
    shared = marriage("S", rid(date(1945, 1, 1), 99), rid(date(1946, 1, 1), 98), "1977-01-01")
    done = await asyncio.gather(
        import_rows(ctx, Actor("a"), [*a, shared], batch=2),
        import_rows(ctx, Actor("b"), [*b, shared], batch=3),
    )
    assert sorted((d.imported, d.already_present) for d in done) == [(6, 1), (7, 0)]
    assert await registry.fetchval("SELECT count(*) FROM registry_archive_record") == 13
    husbands = await registry.fetchval(
        "SELECT count(*) FROM registry_archive_record WHERE 'husband_already_married' = ANY(flags)"
    )
    wives = await registry.fetchval(
        "SELECT count(*) FROM registry_archive_record WHERE 'wife_already_married' = ANY(flags)"
    )
    assert husbands == 6
    assert wives == 0
    assert await registry.fetchval("SELECT count(*) FROM registry_archive_person") == 26
