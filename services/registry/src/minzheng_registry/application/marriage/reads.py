"""Full reads of personal data recorded (who read whose record, when, through which view): the
resident IDs a registrar, county approver or auditor sees in full are accounted for. The record is
named by its stream (a pseudonym or a marriage id), never by a resident ID."""

from __future__ import annotations

from minzheng_eventstore import Actor
from minzheng_eventstore.context import ServiceContext

SQL = """
CREATE TABLE IF NOT EXISTS registry_marriage_reads (
    read_at timestamptz NOT NULL, reader text NOT NULL, roles text[] NOT NULL, division text,
    record text NOT NULL, view text NOT NULL, correlation_id uuid);
CREATE INDEX IF NOT EXISTS registry_marriage_reads_record ON registry_marriage_reads (record, read_at);
"""


async def record_full_reads(ctx: ServiceContext, actor: Actor, records: list[str], *, view: str) -> None:
    if not records:
        return
    at = ctx.clock.now()
    async with ctx.store.pool.acquire() as conn:
        await conn.executemany(
            "INSERT INTO registry_marriage_reads "
            "(read_at, reader, roles, division, record, view, correlation_id) "
            "VALUES ($1, $2, $3, $4, $5, $6, $7)",
            [
                (at, actor.name, sorted(actor.roles), actor.jurisdiction, r, view, actor.correlation_id)
                for r in records
            ],
        )
