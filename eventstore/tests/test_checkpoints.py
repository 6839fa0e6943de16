"""Signed checkpoints: a stream deleted whole, a tail cut off, a chain rewritten consistently after
a change, and a forged checkpoint are each detected and named."""

from __future__ import annotations

from minzheng_eventstore import EventStore
from minzheng_eventstore.chain import BACKFILL_SQL
from minzheng_eventstore.checkpoints import (
    against_latest,
    leaf,
    merkle_root,
    public_bytes,
    signing_key,
    take_checkpoint,
)
from minzheng_eventstore.verify import verify_all

from .test_chain import _three_streams, ev, named

KEY = signing_key("a pseudonym secret of the deployment")


async def test_an_untouched_store_verifies_against_its_checkpoint(store: EventStore) -> None:
    await _three_streams(store)
    checkpoint = await take_checkpoint(store.pool, "case", KEY)
    assert (checkpoint.streams, checkpoint.events) == (3, 15)
    await store.append("a-1", "case", 5, [ev(6)])  # appends after the checkpoint are fine
    async with store.pool.acquire() as conn:
        assert await against_latest(conn, trusted=public_bytes(KEY.public_key())) == []


async def test_a_deleted_stream_and_a_cut_tail_are_named(store: EventStore) -> None:
    await _three_streams(store)
    await take_checkpoint(store.pool, "case", KEY)
    async with store.pool.acquire() as conn:
        await conn.execute("DELETE FROM events WHERE stream_id = 'b-1'")
        await conn.execute("DELETE FROM events WHERE stream_id = 'c-1' AND version >= 4")
        assert (await verify_all(conn)).findings == []  # what is left chains perfectly
        findings = await against_latest(conn)
    assert named(findings) == {("deleted", "b-1", None), ("truncated", "c-1", 4)}


async def test_a_chain_rewritten_after_a_change_is_named(store: EventStore) -> None:
    await _three_streams(store)
    await take_checkpoint(store.pool, "case", KEY)
    async with store.pool.acquire() as conn:
        # a tamperer who knows the rule: change an event, then re-hash the stream from there on
        await conn.execute("UPDATE events SET data = '{\"n\": 42}' WHERE stream_id = 'a-1' AND version = 2")
        await conn.execute("UPDATE events SET hash = NULL, prev_hash = NULL WHERE stream_id = 'a-1'")
        await conn.execute(BACKFILL_SQL)
        assert (await verify_all(conn)).findings == []
        findings = await against_latest(conn)
    assert named(findings) == {("changed", "a-1", 5)}


async def test_a_forged_checkpoint_is_named(store: EventStore) -> None:
    await _three_streams(store)
    await take_checkpoint(store.pool, "case", KEY)
    async with store.pool.acquire() as conn:
        await conn.execute("DELETE FROM events WHERE stream_id = 'b-1'")
        await conn.execute("DELETE FROM chain_checkpoint_heads WHERE stream_id = 'b-1'")
        findings = await against_latest(conn)
        assert [f.detail for f in findings] == [
            "the checkpoint's heads are not the ones it signed",
            "the checkpoint's heads are not the ones it signed (count)",
        ]
        other = signing_key("another secret")
        await conn.execute("UPDATE chain_checkpoints SET public_key = $1", public_bytes(other.public_key()))
        details = {f.detail for f in await against_latest(conn, trusted=public_bytes(KEY.public_key()))}
    assert "the checkpoint is signed with another key than the service's" in details
    assert "the checkpoint's signature does not verify" in details


def test_the_merkle_root_depends_on_every_head_and_their_order() -> None:
    leaves = [leaf(f"s-{i}", i + 1, bytes([i]) * 32) for i in range(5)]
    root = merkle_root(leaves)
    assert merkle_root(leaves[:4]) != root
    assert merkle_root([leaves[1], leaves[0], *leaves[2:]]) != root
    assert merkle_root([leaf("s-0", 2, bytes(32)), *leaves[1:]]) != root
    assert merkle_root([leaves[0]]) == leaves[0]


def test_the_key_comes_from_the_pseudonym_secret_or_a_seed() -> None:
    again = signing_key("a pseudonym secret of the deployment")
    assert public_bytes(again.public_key()) == public_bytes(KEY.public_key())
    seed = signing_key("00" * 32)
    assert public_bytes(seed.public_key()) != public_bytes(KEY.public_key())
