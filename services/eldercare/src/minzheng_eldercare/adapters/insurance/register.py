"""The insurance register (参保名册): one row per elder and policy year enrolled. A read model."""

from __future__ import annotations

from typing import Any

from minzheng_eventstore import RecordedEvent
from minzheng_eventstore.context import ServiceContext
from minzheng_eventstore.host import Migration
from minzheng_eventstore.projection import RowWrites
from minzheng_eventstore.store import Connection

from ...domain.insurance.events import INSURANCE_EVENTS, AccidentInsuranceEnrolled

NAME = "eldercare-insurance-enrolments"
TABLE = "eldercare_insurance_enrolments"
STREAM_TYPES = ["insurance"]
MAX_PAGE = 500

MIGRATIONS = [
    Migration(
        "insurance_0001_enrolments",
        f"""
        CREATE TABLE {TABLE} (
            payment_id uuid PRIMARY KEY, elder_id text NOT NULL, policy_year int NOT NULL,
            age int NOT NULL, premium_fen bigint NOT NULL, standard_id text NOT NULL, run_id uuid,
            residence text NOT NULL, beneficiary text NOT NULL, enrolled_at timestamptz NOT NULL);
        CREATE UNIQUE INDEX {TABLE}_elder_year ON {TABLE} (policy_year, elder_id);
        """,
    )
]

_INSERT = f"""INSERT INTO {TABLE} (payment_id, elder_id, policy_year, age, premium_fen, standard_id,
        run_id, residence, beneficiary, enrolled_at)
    VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) ON CONFLICT DO NOTHING"""


async def project(events: list[RecordedEvent], conn: Connection) -> None:
    writes = RowWrites()
    for event in events:
        e = INSURANCE_EVENTS.maybe_load(event.event_type, event.data)
        if isinstance(e, AccidentInsuranceEnrolled):
            writes.add(
                _INSERT,
                e.payment_id,
                e.elder_id,
                e.policy_year,
                e.age,
                e.premium_fen,
                e.standard_id,
                e.run_id,
                e.residence,
                e.beneficiary,
                event.occurred_at,
            )
    await writes.apply(conn)


async def reset(conn: Connection) -> None:
    await conn.execute(f"TRUNCATE {TABLE}")


async def enrolments(
    ctx: ServiceContext, within: str, year: int, *, limit: int, offset: int
) -> tuple[int, list[dict[str, Any]]]:
    """One page of a policy year's enrolments within a division, by elder, and how many in all."""
    await ctx.projection(NAME).catch_up()
    async with ctx.store.pool.acquire() as conn:
        total = await conn.fetchval(
            f"SELECT count(*) FROM {TABLE} WHERE policy_year = $1 AND residence LIKE $2 || '%'", year, within
        )
        rows = await conn.fetch(
            "SELECT payment_id, elder_id, policy_year, age, premium_fen, standard_id, residence, "
            f"beneficiary, enrolled_at FROM {TABLE} WHERE policy_year = $1 AND residence LIKE $2 || '%' "
            "ORDER BY elder_id LIMIT $3 OFFSET $4",
            year,
            within,
            min(limit, MAX_PAGE),
            offset,
        )
    return int(total), [dict(r) for r in rows]


__all__ = ["MIGRATIONS", "NAME", "STREAM_TYPES", "TABLE", "enrolments", "project", "reset"]
