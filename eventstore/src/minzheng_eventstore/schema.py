"""The store's tables, declared once with SQLAlchemy Core.

``events`` is both the event log and the outbox: the relay tails it (no second table to
keep in step). Global order is ``(tx, position)``: ``tx`` is the writing transaction's
``xid8`` so that readers can wait for transactions still in flight instead of skipping
their rows (Marten#3321), without the table lock that serialises commits.
"""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import BYTEA, JSONB, UUID
from sqlalchemy.ext.asyncio import AsyncEngine

from .chain import BACKFILL_SQL

SCHEMA_REVISION = 3
"""Bumped when the DDL below changes; ``install`` records it in ``eventstore_schema``."""

metadata = sa.MetaData()


class Xid8(sa.types.UserDefinedType[int]):
    """PostgreSQL ``xid8``: the 64-bit id of the writing transaction."""

    cache_ok = True

    def get_col_spec(self, **kw: object) -> str:
        return "xid8"


events = sa.Table(
    "events",
    metadata,
    sa.Column("position", sa.BigInteger, sa.Identity(always=True), primary_key=True),
    sa.Column("tx", Xid8(), nullable=False, server_default=sa.text("pg_current_xact_id()")),
    sa.Column("stream_id", sa.Text, nullable=False),
    sa.Column("stream_type", sa.Text, nullable=False),
    sa.Column("version", sa.Integer, nullable=False),
    sa.Column("event_id", UUID(as_uuid=True), nullable=False, unique=True),
    sa.Column("event_type", sa.Text, nullable=False),
    sa.Column("schema_version", sa.Integer, nullable=False, server_default="1"),
    sa.Column("data", JSONB, nullable=False),
    sa.Column("occurred_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
    sa.Column("correlation_id", UUID(as_uuid=True)),
    sa.Column("causation_id", UUID(as_uuid=True)),
    sa.Column("traceparent", sa.Text),
    sa.Column("actor", sa.Text),
    sa.Column("jurisdiction", sa.Text),
    # The per-stream hash chain (tamper evidence, ``chain``): sha256(prev_hash || canonical bytes),
    # written by the append's own statement; revision 3 back-fills older events.
    sa.Column("prev_hash", BYTEA),
    sa.Column("hash", BYTEA),
    sa.UniqueConstraint("stream_id", "version", name="events_stream_version_key"),
    sa.CheckConstraint("version >= 1", name="events_version_positive"),
)

snapshots = sa.Table(
    "snapshots",
    metadata,
    sa.Column("stream_id", sa.Text, primary_key=True),
    sa.Column("version", sa.Integer, nullable=False),
    sa.Column("schema_version", sa.Integer, nullable=False),
    sa.Column("state", JSONB, nullable=False),
    sa.Column("taken_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
)

relay_checkpoints = sa.Table(
    "relay_checkpoints",
    metadata,
    sa.Column("relay", sa.Text, primary_key=True),
    sa.Column("tx", sa.BigInteger, nullable=False),
    sa.Column("position", sa.BigInteger, nullable=False),
    sa.Column("published", sa.BigInteger, nullable=False, server_default="0"),
    sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
)

projection_checkpoints = sa.Table(
    "projection_checkpoints",
    metadata,
    sa.Column("projection", sa.Text, primary_key=True),
    sa.Column("tx", sa.BigInteger, nullable=False),
    sa.Column("position", sa.BigInteger, nullable=False),
    sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
)

outbox_parked = sa.Table(
    "outbox_parked",
    metadata,
    # Events the relay could not publish (a published form that does not validate, or one over the
    # broker's size limit), set aside with the reason so that later events go on; re-driven by hand.
    sa.Column("relay", sa.Text, primary_key=True),
    sa.Column("event_id", UUID(as_uuid=True), primary_key=True),
    sa.Column("stream_id", sa.Text, nullable=False),
    sa.Column("event_type", sa.Text, nullable=False),
    sa.Column("tx", sa.BigInteger, nullable=False),
    sa.Column("position", sa.BigInteger, nullable=False),
    sa.Column("reason", sa.Text, nullable=False),
    sa.Column("parked_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
    sa.Column("redriven_at", sa.DateTime(timezone=True)),
)

service_migrations = sa.Table(
    "service_migrations",
    metadata,
    sa.Column("id", sa.Text, primary_key=True),
    sa.Column("applied_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
)

inbox = sa.Table(
    "inbox",
    metadata,
    sa.Column("consumer", sa.Text, primary_key=True),
    sa.Column("event_id", UUID(as_uuid=True), primary_key=True),
    sa.Column("subject", sa.Text, nullable=False),
    sa.Column("stream_seq", sa.BigInteger),
    sa.Column("processed_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
)

dead_letters = sa.Table(
    "dead_letters",
    metadata,
    sa.Column("id", sa.BigInteger, sa.Identity(), primary_key=True),
    sa.Column("consumer", sa.Text, nullable=False),
    sa.Column("event_id", UUID(as_uuid=True)),
    sa.Column("subject", sa.Text, nullable=False),
    sa.Column("stream_seq", sa.BigInteger),
    sa.Column("deliveries", sa.Integer, nullable=False),
    sa.Column("error", sa.Text, nullable=False),
    sa.Column("payload", sa.LargeBinary, nullable=False),
    sa.Column("headers", JSONB, nullable=False, server_default="{}"),
    sa.Column("failed_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
    sa.Column("redriven_at", sa.DateTime(timezone=True)),
    sa.UniqueConstraint("consumer", "stream_seq", name="dead_letters_consumer_seq_key"),
)

chain_backfills = sa.Table(
    "chain_backfills",
    metadata,
    sa.Column("id", sa.BigInteger, sa.Identity(), primary_key=True),
    sa.Column("ran_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
    sa.Column("events", sa.BigInteger, nullable=False),
)
"""The record of each back-fill of the hash chain over events written before it (``chain``)."""

chain_checkpoints = sa.Table(
    "chain_checkpoints",
    metadata,
    sa.Column("id", sa.BigInteger, sa.Identity(), primary_key=True),
    sa.Column("service", sa.Text, nullable=False),
    sa.Column("taken_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("streams", sa.BigInteger, nullable=False),
    sa.Column("events", sa.BigInteger, nullable=False),
    sa.Column("root", BYTEA, nullable=False),
    sa.Column("public_key", BYTEA, nullable=False),
    sa.Column("signature", BYTEA, nullable=False),
)
"""The signed checkpoints of the hash chains (``checkpoints``), the latest last."""

chain_checkpoint_heads = sa.Table(
    "chain_checkpoint_heads",
    metadata,
    sa.Column("checkpoint_id", sa.BigInteger, primary_key=True),
    sa.Column("stream_id", sa.Text, primary_key=True),
    sa.Column("version", sa.Integer, nullable=False),
    sa.Column("hash", BYTEA, nullable=False),
)
"""The heads the latest checkpoint signed: every stream's last version and hash."""

schema_info = sa.Table(
    "eventstore_schema",
    metadata,
    sa.Column("revision", sa.Integer, primary_key=True),
    sa.Column("installed_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
)

_INDEXES = (
    "CREATE INDEX IF NOT EXISTS events_global_order_idx ON events (tx, position)",
    "CREATE INDEX IF NOT EXISTS events_stream_type_idx ON events (stream_type, position)",
    # empty once every event has its hash: the back-fill at each start finds nothing to do at once
    "CREATE INDEX IF NOT EXISTS events_unhashed_idx ON events (stream_id, version) WHERE hash IS NULL",
    "CREATE INDEX IF NOT EXISTS events_correlation_idx ON events (correlation_id)"
    " WHERE correlation_id IS NOT NULL",
    "CREATE INDEX IF NOT EXISTS outbox_parked_open_idx ON outbox_parked (relay) WHERE redriven_at IS NULL",
    "CREATE INDEX IF NOT EXISTS dead_letters_open_idx ON dead_letters (consumer) WHERE redriven_at IS NULL",
)


async def install(engine: AsyncEngine) -> None:
    """Create the store's tables if they are missing. Idempotent; safe to run at every start.

    Serialised with an advisory lock so that several processes starting at once do not race.
    """
    async with engine.begin() as conn:
        await conn.execute(sa.text("SELECT pg_advisory_xact_lock(7413001)"))
        await conn.run_sync(metadata.create_all, checkfirst=True)
        for ddl in _INDEXES:
            await conn.execute(sa.text(ddl))
        await conn.exec_driver_sql(BACKFILL_SQL)
        await conn.execute(
            sa.text("INSERT INTO eventstore_schema (revision) VALUES (:r) ON CONFLICT DO NOTHING"),
            {"r": SCHEMA_REVISION},
        )
