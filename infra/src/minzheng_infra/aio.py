"""Run a coroutine to completion from synchronous code, whatever event loop the caller has."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Coroutine
from typing import Any, TypeVar

T = TypeVar("T")


def run_sync(coro: Coroutine[Any, Any, T]) -> T:
    """Run ``coro`` in a fresh event loop on a worker thread.

    A worker thread keeps us away from any loop the caller's thread owns (pytest-asyncio's
    session loop, for instance), so this is safe from sync fixtures and from inside a loop alike.
    """
    result: dict[str, Any] = {}

    def target() -> None:
        try:
            result["value"] = asyncio.run(coro)
        except BaseException as exc:
            result["error"] = exc

    thread = threading.Thread(target=target, name="minzheng-infra-run-sync", daemon=True)
    thread.start()
    thread.join()
    if "error" in result:
        raise result["error"]
    value: T = result["value"]
    return value
