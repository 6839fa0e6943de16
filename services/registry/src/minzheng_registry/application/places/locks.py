"""Reads across streams made consistent: a unit that decides on a stream it does not append to
(a house number on the road's name, a proposal on its division) takes a shared transaction lock on
that stream first, and a unit that changes it (a renaming or retirement of the road, an abolition
of a division) takes the exclusive one. So the reader either sees the change committed or the
change waits for the reader's commit: no house number is issued under a name that a concurrent
renaming ended that day, no place is named in a division being abolished.

PostgreSQL advisory locks (``pg_advisory_xact_lock``), released at the transaction's end (a retry
takes them again). A unit takes at most one exclusive lock and never waits for another while
holding it, so the locks cannot deadlock."""

from __future__ import annotations

import hashlib

from minzheng_eventstore.uow import UnitOfWork


def _key(stream_id: str) -> int:
    return int.from_bytes(hashlib.sha256(stream_id.encode()).digest()[:8], "big", signed=True)


async def share(uow: UnitOfWork, stream_id: str) -> None:
    """Read ``stream_id`` without a concurrent writer of this kind changing it meanwhile."""
    await uow.conn.execute("SELECT pg_advisory_xact_lock_shared($1)", _key(stream_id))


async def exclusive(uow: UnitOfWork, stream_id: str) -> None:
    """Change ``stream_id`` once no unit that read it is still running."""
    await uow.conn.execute("SELECT pg_advisory_xact_lock($1)", _key(stream_id))
