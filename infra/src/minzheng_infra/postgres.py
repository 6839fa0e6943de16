"""An embedded PostgreSQL server on 127.0.0.1:<port>, built from pgserver's binaries.

pgserver's own ``get_server`` listens on a unix socket only; we reuse its binaries and its
helpers for running as root (PostgreSQL refuses to run as root: the server then runs as the
system user ``pgserver``), and start the ``postgres`` binary ourselves with TCP on a chosen port.
fsync stays on.
"""

from __future__ import annotations

import contextlib
import os
import pwd
import signal
import stat
import subprocess
import tempfile
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import IO

with warnings.catch_warnings():  # platformdirs warns about XDG_RUNTIME_DIR when pgserver is imported
    warnings.simplefilter("ignore")
    from pgserver._commands import POSTGRES_BIN_PATH
    from pgserver.utils import ensure_folder_permissions, ensure_prefix_permissions, ensure_user_exists

from .procutil import alive, cmdline_mentions, kill_tree, port_open, private_log, tail, terminate, wait_until

HOST = "127.0.0.1"
SUPERUSER = "postgres"
SYSTEM_USER_WHEN_ROOT = "pgserver"
_MAX_SOCKET_PATH = 100  # sun_path is 108 bytes on Linux

PRIVATE_LOGGING = {
    # PostgreSQL's own log must not hold personal data: an error's DETAIL names the key values
    # ("Key (resident_id, grp)=(…)") and a failing statement can carry them too. Terse errors,
    # no statements, no bind parameters (DESIGN §5b, §9.11).
    "log_error_verbosity": "terse",
    "log_min_error_statement": "panic",
    "log_parameter_max_length": "0",
    "log_parameter_max_length_on_error": "0",
}


class PostgresError(RuntimeError):
    pass


@dataclass(frozen=True)
class _RunAs:
    uid: int
    gid: int
    name: str


def _run_as() -> _RunAs | None:
    """The unprivileged user to run PostgreSQL as when we are root, else None (run as ourselves)."""
    if os.geteuid() != 0:
        return None
    ensure_user_exists(SYSTEM_USER_WHEN_ROOT)
    entry = pwd.getpwnam(SYSTEM_USER_WHEN_ROOT)
    return _RunAs(entry.pw_uid, entry.pw_gid, SYSTEM_USER_WHEN_ROOT)


_binaries_checked = False


def _ensure_binaries_usable() -> None:
    """As root, let the unprivileged user read and execute pgserver's installation (as pgserver does)."""
    global _binaries_checked
    if _binaries_checked:
        return
    read = stat.S_IRGRP | stat.S_IROTH
    execute = stat.S_IXGRP | stat.S_IXOTH
    ensure_prefix_permissions(POSTGRES_BIN_PATH)
    ensure_folder_permissions(POSTGRES_BIN_PATH, read | execute)
    ensure_folder_permissions(POSTGRES_BIN_PATH.parent / "lib", read)
    share = POSTGRES_BIN_PATH.parent / "share"
    if share.exists():
        ensure_folder_permissions(share, read)
    _binaries_checked = True


def _ids(run_as: _RunAs | None) -> tuple[int | None, int | None, list[int] | None]:
    """``user``, ``group``, ``extra_groups`` arguments for subprocess (all None: run as ourselves)."""
    if run_as is None:
        return None, None, None
    return run_as.uid, run_as.gid, []


class EmbeddedPostgres:
    """One PostgreSQL cluster in ``data_dir`` (PGDATA), listening on 127.0.0.1:``port``.

    ``password`` is the superuser (``postgres``) password set at initdb; TCP connections then use
    scram-sha-256. Local unix-socket connections (socket in ``data_dir``) are trusted.
    """

    def __init__(
        self,
        data_dir: Path,
        port: int,
        *,
        password: str | None = None,
        log_path: Path | None = None,
        sync_init: bool = True,
        settings: dict[str, str] | None = None,
        start_timeout: float = 60.0,
    ) -> None:
        self.data_dir = Path(data_dir).resolve()
        self.port = port
        self.password = password
        self.log_path = Path(log_path) if log_path else self.data_dir.parent / "postgres.log"
        self.sync_init = sync_init
        self.settings = {"max_connections": "200", **PRIVATE_LOGGING, **(settings or {})}
        self.start_timeout = start_timeout
        self._popen: subprocess.Popen[bytes] | None = None
        self._log: IO[bytes] | None = None
        self._run_as = _run_as()
        self._socket_dir: Path | None = None

    # -- public API -------------------------------------------------------------------------

    @property
    def host(self) -> str:
        return HOST

    @property
    def pid(self) -> int | None:
        if self._popen is not None and self._popen.poll() is None:
            return self._popen.pid
        leftover = self._leftover_pid()
        return leftover

    @property
    def socket_dir(self) -> Path | None:
        return self._socket_dir

    def is_initialized(self) -> bool:
        return (self.data_dir / "PG_VERSION").exists()

    def is_running(self) -> bool:
        return alive(self.pid)

    def start(self) -> None:
        """Initialise the cluster if needed and start the server; return once it accepts connections."""
        if self._popen is not None and self._popen.poll() is None:
            return
        self._close_log()
        self._prepare_data_dir()
        self._stop_leftover()
        if not self.is_initialized():
            self._initdb()
        if port_open(self.port):
            raise PostgresError(f"port {self.port} on {HOST} is already in use")
        self._spawn()
        self._wait_ready()

    def stop(self, timeout: float = 30.0) -> None:
        """Fast shutdown (SIGINT: abort transactions, checkpoint); SIGKILL after ``timeout`` s."""
        pid = self.pid
        if pid is not None:
            terminate(pid, signal.SIGINT, timeout, self._popen)
        self._popen = None
        self._close_log()

    def kill(self) -> None:
        """SIGKILL the postmaster and all backends (a crash: the next start runs recovery)."""
        pid = self.pid
        if pid is not None:
            kill_tree(pid, self._popen)
        self._popen = None
        self._close_log()

    def restart(self) -> None:
        self.stop()
        self.start()

    def admin_url(self, database: str = "postgres") -> str:
        from .credentials import pg_url

        return pg_url(SUPERUSER, self.password, HOST, self.port, database)

    # -- internals --------------------------------------------------------------------------

    def _prepare_data_dir(self) -> None:
        self.data_dir.mkdir(parents=True, exist_ok=True)
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        if self._run_as is not None:
            _ensure_binaries_usable()
            ensure_prefix_permissions(self.data_dir)
            os.chown(self.data_dir, self._run_as.uid, self._run_as.gid)
        self.data_dir.chmod(0o700)

    def _leftover_pid(self) -> int | None:
        """PID of a postmaster already running on our data dir (e.g. left by a killed run)."""
        pidfile = self.data_dir / "postmaster.pid"
        try:
            first = pidfile.read_text().splitlines()[0]
            pid = int(first.strip())
        except (OSError, ValueError, IndexError):
            return None
        if alive(pid) and cmdline_mentions(pid, str(self.data_dir)):
            return pid
        return None

    def _stop_leftover(self) -> None:
        pid = self._leftover_pid()
        if pid is not None:
            terminate(pid, signal.SIGINT, 30.0)
        pidfile = self.data_dir / "postmaster.pid"
        if pidfile.exists() and self._leftover_pid() is None:
            # stale: its pid may now belong to an unrelated process, which would block the start
            pidfile.unlink()

    def _initdb(self) -> None:
        if any(self.data_dir.iterdir()):
            raise PostgresError(
                f"{self.data_dir} is not empty but has no PG_VERSION: a failed initdb? remove it and retry"
            )
        args = [
            str(POSTGRES_BIN_PATH / "initdb"),
            "-D",
            str(self.data_dir),
            "-U",
            SUPERUSER,
            "--encoding=UTF8",
            "--no-locale",
            "--auth-local=trust",
        ]
        if not self.sync_init:
            args.append("--no-sync")
        pwfile: str | None = None
        try:
            if self.password is not None:
                fd, pwfile = tempfile.mkstemp(prefix="mz-pg-pw-")
                with os.fdopen(fd, "w") as fh:
                    fh.write(self.password + "\n")
                if self._run_as is not None:
                    os.chown(pwfile, self._run_as.uid, self._run_as.gid)
                args += ["--auth-host=scram-sha-256", f"--pwfile={pwfile}"]
            else:
                args.append("--auth-host=trust")
            uid, gid, groups = _ids(self._run_as)
            result = subprocess.run(
                args,
                cwd=self.data_dir,
                stdin=subprocess.DEVNULL,
                capture_output=True,
                text=True,
                check=False,
                user=uid,
                group=gid,
                extra_groups=groups,
            )
        finally:
            if pwfile is not None:
                with contextlib.suppress(OSError):
                    os.unlink(pwfile)
        with private_log(self.log_path) as log:
            log.write(result.stdout.encode())
            log.write(result.stderr.encode())
        if result.returncode != 0:
            raise PostgresError(f"initdb failed ({result.returncode}):\n{result.stderr[-2000:]}")

    def _choose_socket_dir(self) -> Path:
        if len(str(self.data_dir / f".s.PGSQL.{self.port}")) <= _MAX_SOCKET_PATH:
            return self.data_dir
        short = Path(tempfile.gettempdir()) / f"mz-pg-{os.getuid()}-{self.port}"
        short.mkdir(mode=0o700, exist_ok=True)
        if self._run_as is not None:
            os.chown(short, self._run_as.uid, self._run_as.gid)
        return short

    def _spawn(self) -> None:
        self._socket_dir = self._choose_socket_dir()
        cmd = [
            str(POSTGRES_BIN_PATH / "postgres"),
            "-D",
            str(self.data_dir),
            "-h",
            HOST,
            "-p",
            str(self.port),
            "-k",
            str(self._socket_dir),
        ]
        for key, value in self.settings.items():
            cmd += ["-c", f"{key}={value}"]
        self._log = private_log(self.log_path)
        env = {k: v for k, v in os.environ.items() if not k.startswith("PG")}
        uid, gid, groups = _ids(self._run_as)
        self._popen = subprocess.Popen(
            cmd,
            cwd=self.data_dir,
            stdin=subprocess.DEVNULL,
            stdout=self._log,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # Ctrl-C in a terminal must not reach the server directly
            env=env,
            user=uid,
            group=gid,
            extra_groups=groups,
        )

    def _ready(self) -> bool:
        if self._popen is not None and self._popen.poll() is not None:
            raise PostgresError(
                f"postgres exited with {self._popen.returncode}; log {self.log_path}:\n{tail(self.log_path)}"
            )
        try:
            lines = (self.data_dir / "postmaster.pid").read_text().splitlines()
        except OSError:
            return False
        return len(lines) >= 8 and lines[7].strip() == "ready" and port_open(self.port)

    def _wait_ready(self) -> None:
        if not wait_until(self._ready, self.start_timeout):
            self.kill()
            raise PostgresError(
                f"postgres not ready after {self.start_timeout}s; log:\n{tail(self.log_path)}"
            )

    def _close_log(self) -> None:
        if self._log is not None:
            self._log.close()
            self._log = None

    def __repr__(self) -> str:
        return f"EmbeddedPostgres(data_dir={str(self.data_dir)!r}, port={self.port}, pid={self.pid})"
