"""The benchmark's child processes: where their CPU goes, and stopping them."""

from __future__ import annotations

import asyncio
import contextlib

import psutil


def cpu_seconds(children: dict[str, int] | None = None) -> dict[str, float]:
    """CPU seconds used so far by this process, by the named child processes (``children``: name
    to pid), by PostgreSQL and by the NATS server (the embedded stack runs as children of this
    process): where a run's time goes."""
    named = {pid: name for name, pid in (children or {}).items()}
    me = psutil.Process()
    totals = {"service": sum(me.cpu_times()[:2]), **{name: 0.0 for name in named.values()}}
    totals |= {"postgres": 0.0, "nats": 0.0}
    for child in me.children(recursive=True):
        try:
            name, cpu = child.name(), sum(child.cpu_times()[:2])
        except psutil.Error:
            continue
        if child.pid in named:
            totals[named[child.pid]] += cpu
        elif name.startswith("postgres"):
            totals["postgres"] += cpu
        elif name.startswith("nats"):
            totals["nats"] += cpu
    return totals


async def stop(*processes: asyncio.subprocess.Process, grace: float) -> None:
    """SIGTERM each process still running, wait up to ``grace`` seconds, then SIGKILL and reap."""
    for process in processes:
        if process.returncode is None:
            process.terminate()
    for process in processes:
        try:
            await asyncio.wait_for(process.wait(), grace)
        except TimeoutError:
            with contextlib.suppress(ProcessLookupError):
                process.kill()
            await process.wait()
