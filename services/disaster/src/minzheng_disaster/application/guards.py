"""Guard rows: their CHECK constraints are the concurrency backstop, and a refusal by one of them
is a domain ``Conflict`` (409), never a server error."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import asyncpg

from minzheng_kernel.errors import Conflict


@contextmanager
def refused_as(code: str, message: str, *, field: str | None = None) -> Iterator[None]:
    """A CHECK violation or a numeric overflow in the block becomes ``Conflict(code)``."""
    try:
        yield
    except (asyncpg.CheckViolationError, asyncpg.NumericValueOutOfRangeError) as exc:
        raise Conflict(code, message, field=field) from exc
