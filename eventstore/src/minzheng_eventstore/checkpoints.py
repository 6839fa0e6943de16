"""Signed checkpoints of the hash chains (签名检查点): what a chain alone cannot show.

A stream deleted whole, or cut at its tail, leaves a chain that verifies. So each service
periodically signs the heads of all its streams: every stream's last version and hash at one
moment (a consistent snapshot), their Merkle root, the counts, with the service's Ed25519 key.
Verification compares the store with the latest checkpoint: a stream the checkpoint has and the
store has not is ``deleted``; a stream now shorter than its checkpointed head is ``truncated``; a
head whose hash differs is ``changed`` (a chain rewritten from there on).

The root: leaves ``sha256(0x00 ‖ stream_id ‖ 0x00 ‖ version as 8 bytes big-endian ‖ hash)`` in
stream-id order (by bytes), nodes ``sha256(0x01 ‖ left ‖ right)``, an odd last node carried up;
the root of no streams is ``sha256(b"")``. The signed message is ``MESSAGE_PREFIX`` and the
checkpoint's JSON (``signed_json``). The bundle's standalone verifier checks both with the
standard library alone.

The signing key is derived from the service's pseudonym secret (HKDF-SHA256, info
``minzheng chain checkpoint key v1``) unless ``<SERVICE>_CHAIN_SIGNING_KEY`` (64 hex digits) is
set: no second secret to provision, and a database-level tamperer holds neither.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, TypeAlias

import asyncpg
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from .standalone import MESSAGE_PREFIX, leaf, merkle_root, signed_json, utc_text
from .verify import Finding

Connection: TypeAlias = "asyncpg.Connection[asyncpg.Record]"

_INFO = b"minzheng chain checkpoint key v1"


def signing_key(secret: str | bytes) -> Ed25519PrivateKey:
    """The service's checkpoint key from its pseudonym secret (or a 32-byte seed given as hex)."""
    raw = secret.encode() if isinstance(secret, str) else secret
    if isinstance(secret, str) and len(secret) == 64 and all(c in "0123456789abcdef" for c in secret):
        return Ed25519PrivateKey.from_private_bytes(bytes.fromhex(secret))
    seed = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=_INFO).derive(raw)
    return Ed25519PrivateKey.from_private_bytes(seed)


def public_bytes(key: Ed25519PublicKey) -> bytes:
    return key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)


@dataclass(frozen=True, slots=True)
class Head:
    stream_id: str
    version: int
    hash: bytes


@dataclass(frozen=True, slots=True)
class Checkpoint:
    """A signed checkpoint as stored in ``chain_checkpoints``."""

    checkpoint_id: int
    service: str
    taken_at: datetime
    streams: int
    events: int
    root: bytes
    public_key: bytes
    signature: bytes

    def signed_json(self) -> str:
        return signed_json(self.service, self.taken_at, self.streams, self.events, self.root)


_HEADS = """
SELECT DISTINCT ON (stream_id) stream_id, version, hash FROM events
ORDER BY stream_id DESC, version DESC
"""
"""Every stream's last event (a backward scan of the (stream_id, version) index, no sort)."""


def _ordered(heads: Sequence[Head]) -> list[Head]:
    return sorted(heads, key=lambda h: h.stream_id.encode("utf-8"))


async def take_checkpoint(
    pool: asyncpg.Pool[asyncpg.Record], service: str, key: Ed25519PrivateKey
) -> Checkpoint:
    """Sign the heads of every stream as of one snapshot; keep them as the latest checkpoint's."""
    async with pool.acquire() as conn, conn.transaction(isolation="repeatable_read"):
        rows = await conn.fetch(_HEADS)
        events = int(await conn.fetchval("SELECT count(*) FROM events"))
        taken_at: datetime = await conn.fetchval("SELECT now()")
        heads = _ordered([Head(r["stream_id"], r["version"], bytes(r["hash"] or b"")) for r in rows])
        root = merkle_root([leaf(h.stream_id, h.version, h.hash) for h in heads])
        message = MESSAGE_PREFIX + signed_json(service, taken_at, len(heads), events, root).encode()
        signature = key.sign(message)
        public = public_bytes(key.public_key())
        checkpoint_id = await conn.fetchval(
            "INSERT INTO chain_checkpoints (service, taken_at, streams, events, root, public_key, signature)"
            " VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
            service,
            taken_at,
            len(heads),
            events,
            root,
            public,
            signature,
        )
        await conn.execute("DELETE FROM chain_checkpoint_heads")
        await conn.copy_records_to_table(
            "chain_checkpoint_heads",
            records=[(checkpoint_id, h.stream_id, h.version, h.hash) for h in heads],
            columns=["checkpoint_id", "stream_id", "version", "hash"],
        )
    return Checkpoint(checkpoint_id, service, taken_at, len(heads), events, root, public, signature)


async def latest(conn: Connection) -> tuple[Checkpoint, list[Head]] | None:
    row = await conn.fetchrow("SELECT * FROM chain_checkpoints ORDER BY id DESC LIMIT 1")
    if row is None:
        return None
    checkpoint = Checkpoint(
        row["id"],
        row["service"],
        row["taken_at"],
        row["streams"],
        row["events"],
        bytes(row["root"]),
        bytes(row["public_key"]),
        bytes(row["signature"]),
    )
    heads = await conn.fetch(
        "SELECT stream_id, version, hash FROM chain_checkpoint_heads WHERE checkpoint_id = $1", row["id"]
    )
    return checkpoint, _ordered([Head(h["stream_id"], h["version"], bytes(h["hash"])) for h in heads])


def signature_problems(checkpoint: Checkpoint, heads: Sequence[Head], trusted: bytes | None) -> list[str]:
    """What is wrong with the checkpoint itself: its key (not the service's), its signature, its
    heads (not those it signed)."""
    problems = []
    if trusted is not None and checkpoint.public_key != trusted:
        problems.append("the checkpoint is signed with another key than the service's")
    try:
        Ed25519PublicKey.from_public_bytes(checkpoint.public_key).verify(
            checkpoint.signature, MESSAGE_PREFIX + checkpoint.signed_json().encode()
        )
    except (InvalidSignature, ValueError):
        problems.append("the checkpoint's signature does not verify")
    if merkle_root([leaf(h.stream_id, h.version, h.hash) for h in heads]) != checkpoint.root:
        problems.append("the checkpoint's heads are not the ones it signed")
    if len(heads) != checkpoint.streams:
        problems.append("the checkpoint's heads are not the ones it signed (count)")
    return problems


async def against_latest(conn: Connection, *, trusted: bytes | None = None) -> list[Finding]:
    """The findings of the store against its latest checkpoint (none without a checkpoint)."""
    found = await latest(conn)
    if found is None:
        return []
    checkpoint, heads = found
    findings = [
        Finding("changed", "(checkpoint)", None, None, problem)
        for problem in signature_problems(checkpoint, heads, trusted)
    ]
    rows = await conn.fetch(
        "SELECT h.stream_id, h.version AS signed_version, h.hash AS signed_hash,"
        " (SELECT max(version) FROM events e WHERE e.stream_id = h.stream_id) AS now_version,"
        " (SELECT hash FROM events e WHERE e.stream_id = h.stream_id AND e.version = h.version) AS now_hash"
        " FROM chain_checkpoint_heads h WHERE h.checkpoint_id = $1",
        checkpoint.checkpoint_id,
    )
    when = utc_text(checkpoint.taken_at)
    for r in rows:
        stream = r["stream_id"]
        if r["now_version"] is None:
            findings.append(Finding("deleted", stream, None, None, f"in the checkpoint of {when}, gone now"))
        elif r["now_version"] < r["signed_version"]:
            findings.append(
                Finding(
                    "truncated",
                    stream,
                    r["now_version"] + 1,
                    None,
                    f"had {r['signed_version']} events at the checkpoint of {when}, now {r['now_version']}",
                )
            )
        elif r["now_hash"] is None or bytes(r["now_hash"]) != bytes(r["signed_hash"]):
            findings.append(
                Finding(
                    "changed",
                    stream,
                    r["signed_version"],
                    None,
                    f"the event at the checkpoint's head no longer has the hash signed at {when}",
                )
            )
    return findings


def describe(checkpoint: Checkpoint) -> dict[str, Any]:
    return {
        "id": checkpoint.checkpoint_id,
        "service": checkpoint.service,
        "taken_at": utc_text(checkpoint.taken_at),
        "streams": checkpoint.streams,
        "events": checkpoint.events,
        "root": checkpoint.root.hex(),
        "public_key": checkpoint.public_key.hex(),
        "signature": checkpoint.signature.hex(),
    }


__all__ = [
    "MESSAGE_PREFIX",
    "Checkpoint",
    "Head",
    "against_latest",
    "describe",
    "latest",
    "leaf",
    "merkle_root",
    "signature_problems",
    "signed_json",
    "signing_key",
    "take_checkpoint",
]


TEST_SECRET = b"minzheng-test-key-not-for-deployments"
"""Settings built in code (tests, benchmarks) sign with a key from the fixed test secret."""


def service_key(chain_signing_key: str | None, pseudonym_key: str | None) -> Ed25519PrivateKey:
    """The service's checkpoint key from its settings."""
    if chain_signing_key:
        return signing_key(chain_signing_key)
    return signing_key(pseudonym_key or TEST_SECRET)


def periodic(every: float) -> Any:
    """A background task (``ServiceHost.add_background``): a checkpoint every ``every`` seconds
    while the service runs, when events were appended since the last one."""
    import asyncio
    import contextlib

    import structlog

    log = structlog.get_logger("minzheng.checkpoints")

    async def run(host: Any, stop: asyncio.Event) -> None:
        settings = host.settings
        key = service_key(settings.chain_signing_key, settings.pseudonym_key)
        last: int | None = None
        while not stop.is_set():
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), timeout=every)
            if stop.is_set():
                return
            try:
                async with host.store.pool.acquire() as conn:
                    head = await conn.fetchval("SELECT max(position) FROM events")
                if head is not None and head != last:
                    checkpoint = await take_checkpoint(host.store.pool, host.service, key)
                    last = head
                    log.info("chain.checkpoint", streams=checkpoint.streams, events=checkpoint.events)
            except Exception as exc:  # a database away: try again at the next tick
                log.warning("chain.checkpoint_failed", error=type(exc).__name__)

    return run
