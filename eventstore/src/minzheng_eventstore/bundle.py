"""An audit bundle (审计包): a case's streams with every event's fields, data and hashes, a
checkpoint signed at export and each stream's Merkle proof into it, in one JSON file that
``standalone.py`` verifies with the standard library alone."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any, TypeAlias

import asyncpg
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from . import jsoncodec
from .checkpoints import describe, latest, take_checkpoint
from .standalone import FIELDS, FORMAT, leaf, merkle_path, utc_text

Connection: TypeAlias = "asyncpg.Connection[asyncpg.Record]"

_EVENTS = f"""
SELECT {", ".join(f for f in FIELDS if f != "data")}, data::text AS data_text, prev_hash, hash
FROM events WHERE stream_id = $1 ORDER BY version
"""


def _event(row: asyncpg.Record) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for name in FIELDS[:-1]:
        value = row[name]
        if isinstance(value, datetime):
            value = utc_text(value)
        elif value is not None and not isinstance(value, str | int):
            value = str(value)
        out[name] = value
    out["data"] = jsoncodec.loads(row["data_text"])
    out["data_text"] = row["data_text"]
    out["prev_hash"] = bytes(row["prev_hash"] or b"").hex()
    out["hash"] = bytes(row["hash"] or b"").hex()
    return out


async def export(
    pool: asyncpg.Pool[asyncpg.Record], service: str, key: Ed25519PrivateKey, stream_ids: Sequence[str]
) -> dict[str, Any]:
    """The bundle of ``stream_ids``, with a checkpoint taken now (so every event is signed)."""
    await take_checkpoint(pool, service, key)
    async with pool.acquire() as conn:
        found = await latest(conn)
        assert found is not None
        checkpoint, heads = found
        leaves = [leaf(h.stream_id, h.version, h.hash) for h in heads]
        index = {h.stream_id: i for i, h in enumerate(heads)}
        streams, proofs = [], {}
        for stream_id in stream_ids:
            rows = await conn.fetch(_EVENTS, stream_id)
            streams.append({"stream_id": stream_id, "events": [_event(r) for r in rows]})
            if stream_id in index:
                head = heads[index[stream_id]]
                path = merkle_path(leaves, index[stream_id])
                proofs[stream_id] = {
                    "version": head.version,
                    "hash": head.hash.hex(),
                    "path": [[side, sibling.hex()] for side, sibling in path],
                }
        exported_at = await conn.fetchval("SELECT now()")
    return {
        "format": FORMAT,
        "service": service,
        "exported_at": utc_text(exported_at),
        "streams": streams,
        "checkpoint": describe(checkpoint),
        "proofs": proofs,
        "verify_with": "python3 standalone.py THIS_FILE --key <the service's public key>",
    }


__all__ = ["export"]
