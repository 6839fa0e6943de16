"""Small helpers around server processes: free ports, waiting, stopping process trees."""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import time
from collections.abc import Callable
from pathlib import Path
from typing import IO

import psutil


def free_port(host: str = "127.0.0.1") -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((host, 0))
        return int(sock.getsockname()[1])


def port_open(port: int, host: str = "127.0.0.1", timeout: float = 0.2) -> bool:
    try:
        with socket.create_connection((host, port), timeout=timeout):
            return True
    except OSError:
        return False


def alive(pid: int | None) -> bool:
    if not pid:
        return False
    try:
        proc = psutil.Process(pid)
        return bool(proc.status() != psutil.STATUS_ZOMBIE)
    except psutil.Error:
        return False


def wait_until(check: Callable[[], bool], timeout: float, interval: float = 0.05) -> bool:
    deadline = time.monotonic() + timeout
    while True:
        if check():
            return True
        if time.monotonic() >= deadline:
            return False
        time.sleep(interval)


def private_log(path: Path) -> IO[bytes]:
    """Open ``path`` for appending, readable by its owner only (0600, also when it existed): logs
    can carry operational detail that is nobody else's business on a shared machine."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
    os.chmod(path, 0o600)
    return os.fdopen(fd, "ab")


def tail(path: Path, lines: int = 40) -> str:
    try:
        text = path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return ""
    return "\n".join(text.splitlines()[-lines:])


def kill_tree(pid: int, popen: subprocess.Popen[bytes] | None = None, timeout: float = 10.0) -> None:
    """SIGKILL ``pid`` and all of its descendants, and wait until they are gone."""
    try:
        root = psutil.Process(pid)
        procs = [*root.children(recursive=True), root]
    except psutil.Error:
        procs = []
    for proc in procs:
        with contextlib.suppress(psutil.Error):
            proc.kill()
    if popen is not None:
        with contextlib.suppress(subprocess.TimeoutExpired):
            popen.wait(timeout)
    wait_gone(procs, timeout)


def wait_gone(procs: list[psutil.Process], timeout: float) -> list[psutil.Process]:
    """Wait until ``procs`` have exited; return those still there. Zombies count as gone: orphans
    are reaped by PID 1, which in a container may never do it."""

    def remaining() -> list[psutil.Process]:
        return [p for p in procs if alive(p.pid) and _same(p)]

    wait_until(lambda: not remaining(), timeout)
    return remaining()


def _same(proc: psutil.Process) -> bool:
    try:
        return bool(proc.is_running())  # False if the pid was reused by another process
    except psutil.Error:
        return False


def terminate(
    pid: int,
    sig: signal.Signals,
    timeout: float,
    popen: subprocess.Popen[bytes] | None = None,
) -> bool:
    """Send ``sig`` and wait up to ``timeout`` s; SIGKILL the tree if it is still there. True if graceful."""
    try:
        root = psutil.Process(pid)
        children = root.children(recursive=True)
    except psutil.Error:
        return True
    with contextlib.suppress(ProcessLookupError):
        os.kill(pid, sig)
    graceful = True
    if popen is not None:
        try:
            popen.wait(timeout)
        except subprocess.TimeoutExpired:
            graceful = False
    else:
        graceful = wait_until(lambda: not alive(pid), timeout)
    if not graceful:
        kill_tree(pid, popen)
    # children (e.g. PostgreSQL backends) leave on their own once the parent is gone; make sure of it.
    for proc in wait_gone(children, 5.0):
        with contextlib.suppress(psutil.Error):
            proc.kill()
    return graceful


def cmdline_mentions(pid: int, needle: str) -> bool:
    try:
        return any(needle in part for part in psutil.Process(pid).cmdline())
    except psutil.Error:
        return False
