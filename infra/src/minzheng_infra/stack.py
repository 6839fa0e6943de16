"""The embedded stack: one PostgreSQL and one NATS server with all their data under one folder.

Layout of the folder (``<repo>/.stack/`` for ``make run``, a temp dir for a test session)::

    pg/             PGDATA
    nats/           nats.conf (generated, 0600), nats.pid, jetstream/
    logs/           postgres.log, nats.log, <service>.log
    secrets.json    generated passwords (0600), reused by later starts
    issuer.json     the local OIDC issuer's signing keys (0600)
    stack.json      the ports, reused by later starts
"""

from __future__ import annotations

import json
import os
import tempfile
from dataclasses import asdict, dataclass
from pathlib import Path

from .aio import run_sync
from .config import ServiceSpec, StreamSpec, load_services, load_streams, repo_root
from .credentials import Credentials
from .endpoints import Endpoints
from .issuer import LocalIssuer
from .nats_server import EmbeddedNats, NatsConfig, NatsUser
from .postgres import EmbeddedPostgres
from .procutil import free_port, port_open
from .provision import ProvisionReport, provision

__all__ = [
    "EmbeddedNats",
    "EmbeddedPostgres",
    "EmbeddedStack",
    "StackPorts",
    "dev_stack_dir",
    "nats_config_for",
]


DEV_PORTS = {"pg": 15432, "nats": 14222, "nats_monitor": 18222, "issuer": 18190}


def dev_stack_dir() -> Path:
    """``MINZHENG_STACK_DIR`` or ``<repo>/.stack``."""
    override = os.environ.get("MINZHENG_STACK_DIR")
    return Path(override).resolve() if override else repo_root() / ".stack"


def nats_config_for(
    services: list[ServiceSpec],
    credentials: Credentials,
    monitor_port: int,
    server_name: str = "minzheng-dev",
    streams: list[StreamSpec] | None = None,
) -> NatsConfig:
    """Users: ``admin`` (everything) and one per service with ``service_permissions``."""
    streams = streams if streams is not None else load_streams()
    users = [NatsUser("admin", credentials.nats_admin)]
    for spec in services:
        publish, subscribe = service_permissions(spec, streams)
        users.append(
            NatsUser(
                spec.nats_user,
                credentials.service(spec.name),
                publish_allow=publish,
                subscribe_allow=subscribe,
            )
        )
    return NatsConfig(users=tuple(users), monitor_port=monitor_port, server_name=server_name)


def service_permissions(
    spec: ServiceSpec, streams: list[StreamSpec]
) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """What one service's NATS user may publish to and subscribe to (everything else is denied):

    - its own subjects, and its own dead letters ``deadletter.<service>.>``;
    - of the JetStream API: account info, the info of its own streams, and for each of its durable
      consumers (``consumes``) create, info and pull, and the acks of their messages; no delete,
      purge or message access on any stream, no other consumer;
    - subscriptions: its own reply subjects ``_INBOX_<service>.>`` only.
    """
    own_streams = [s.name for s in streams if any(p in spec.publish for p in s.subjects)]
    publish = [*spec.publish, f"deadletter.{spec.name}.>", "$JS.API.INFO"]
    publish += [f"$JS.API.STREAM.INFO.{stream}" for stream in own_streams]
    for stream, consumer in spec.consumes:
        publish += [
            f"$JS.API.CONSUMER.INFO.{stream}.{consumer}",
            f"$JS.API.CONSUMER.CREATE.{stream}.{consumer}",
            f"$JS.API.CONSUMER.CREATE.{stream}.{consumer}.>",
            f"$JS.API.CONSUMER.DURABLE.CREATE.{stream}.{consumer}",
            f"$JS.API.CONSUMER.MSG.NEXT.{stream}.{consumer}",
            f"$JS.ACK.{stream}.{consumer}.>",
        ]
    return tuple(publish), (f"{spec.inbox_prefix}.>",)


@dataclass(frozen=True)
class StackPorts:
    pg: int
    nats: int
    nats_monitor: int
    issuer: int

    @classmethod
    def free(cls) -> StackPorts:
        ports: set[int] = set()
        while len(ports) < 4:
            ports.add(free_port())
        pg, nats, monitor, issuer = sorted(ports)
        return cls(pg, nats, monitor, issuer)

    @classmethod
    def load_or_default(cls, path: Path) -> StackPorts:
        """Ports saved in ``path``; else the dev defaults, or free ports where a default is taken.

        ``MINZHENG_PG_PORT``, ``MINZHENG_NATS_PORT``, ``MINZHENG_NATS_MONITOR_PORT`` override.
        """
        saved: dict[str, int] = json.loads(path.read_text()) if path.exists() else {}
        values = {}
        for key, default in DEV_PORTS.items():
            env = os.environ.get(f"MINZHENG_{key.upper()}_PORT")
            if env:
                values[key] = int(env)
            elif key in saved:
                values[key] = int(saved[key])
            else:  # first start of this stack folder: avoid a port another stack already uses
                values[key] = default if not port_open(default) else free_port()
        return cls(**values)

    def save(self, path: Path) -> None:
        path.write_text(json.dumps(asdict(self), indent=2))


class EmbeddedStack:
    """PostgreSQL + NATS under ``root``; URLs for the admin and for each service; provisioning."""

    def __init__(
        self,
        root: Path,
        ports: StackPorts,
        *,
        services: list[ServiceSpec] | None = None,
        streams: list[StreamSpec] | None = None,
        sync_init: bool = True,
        server_name: str = "minzheng-dev",
    ) -> None:
        self.root = Path(root).resolve()
        self.root.mkdir(parents=True, exist_ok=True)
        self.ports = ports
        self.services = services if services is not None else load_services()
        self.streams = streams if streams is not None else load_streams()
        self.credentials = Credentials.load_or_create(self.secrets_path, [s.name for s in self.services])
        logs = self.root / "logs"
        self.postgres = EmbeddedPostgres(
            self.root / "pg",
            ports.pg,
            password=self.credentials.postgres,
            log_path=logs / "postgres.log",
            sync_init=sync_init,
        )
        self.nats = EmbeddedNats(
            self.root / "nats",
            ports.nats,
            nats_config_for(self.services, self.credentials, ports.nats_monitor, server_name, self.streams),
            log_path=logs / "nats.log",
        )
        self.issuer = LocalIssuer(self.root, ports.issuer)
        self.endpoints = Endpoints(
            services=self.services,
            credentials=self.credentials,
            pg_admin_dsn=self.postgres.admin_url(),
            nats_admin_url=self.nats.url("admin", self.credentials.nats_admin),
            oidc_issuer=self.issuer.url,
        )

    # -- construction ------------------------------------------------------------------------

    @classmethod
    def dev(cls, root: Path | None = None) -> EmbeddedStack:
        """The ``make run`` stack in ``.stack/``: fixed ports (saved), data and passwords reused."""
        root = (root or dev_stack_dir()).resolve()
        root.mkdir(parents=True, exist_ok=True)
        ports = StackPorts.load_or_default(root / "stack.json")
        ports.save(root / "stack.json")
        return cls(root, ports)

    @classmethod
    def ephemeral(
        cls,
        base: Path | None = None,
        *,
        services: list[ServiceSpec] | None = None,
        streams: list[StreamSpec] | None = None,
    ) -> EmbeddedStack:
        """A throw-away stack in a new temp dir on free ports (tests); initdb without its final sync."""
        root = Path(tempfile.mkdtemp(prefix="minzheng-stack-", dir=base))
        return cls(
            root,
            StackPorts.free(),
            services=services,
            streams=streams,
            sync_init=False,
            server_name="minzheng-test",
        )

    # -- lifecycle ---------------------------------------------------------------------------

    @property
    def secrets_path(self) -> Path:
        return self.root / "secrets.json"

    def start(self) -> None:
        self.postgres.start()
        try:
            self.nats.start()
            self.issuer.start()
        except BaseException:
            self.nats.stop()
            self.postgres.stop()
            raise

    def stop(self) -> None:
        self.issuer.stop()
        try:
            self.nats.stop()
        finally:
            self.postgres.stop()

    def kill(self) -> None:
        self.issuer.stop()
        self.nats.kill()
        self.postgres.kill()

    def is_running(self) -> bool:
        return self.postgres.is_running() and self.nats.is_running()

    def provision(self) -> ProvisionReport:
        return run_sync(provision(self.endpoints, self.streams))

    # -- URLs (see Endpoints) ----------------------------------------------------------------

    @property
    def pg_port(self) -> int:
        return self.postgres.port

    @property
    def nats_port(self) -> int:
        return self.nats.port

    @property
    def nats_monitor_port(self) -> int:
        return self.nats.monitor_port

    @property
    def pg_admin_dsn(self) -> str:
        """libpq URL of the superuser ``postgres`` on database ``postgres``."""
        return self.endpoints.pg_admin_dsn

    @property
    def nats_admin_url(self) -> str:
        return self.endpoints.nats_admin_url

    def database_dsn(self, service: str) -> str:
        return self.endpoints.database_dsn(service)

    def nats_url(self, service: str) -> str:
        return self.endpoints.nats_url(service)

    def env_for(self, service: str) -> dict[str, str]:
        return self.endpoints.env_for(service)

    def __repr__(self) -> str:
        return f"EmbeddedStack(root={str(self.root)!r}, pg_port={self.pg_port}, nats_port={self.nats_port})"
