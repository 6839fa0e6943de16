"""Generated passwords of a stack, kept in one JSON file readable only by its owner (0600).

The same file is reused by every later start of the same stack, so passwords stay stable.
Never print its content: use :func:`redact` for anything shown to a person.
"""

from __future__ import annotations

import json
import os
import secrets
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote, urlsplit, urlunsplit


def new_password() -> str:
    return secrets.token_urlsafe(24)


@dataclass
class Credentials:
    postgres: str = field(default_factory=new_password)
    nats_admin: str = field(default_factory=new_password)
    services: dict[str, str] = field(default_factory=dict)
    pseudonym_keys: dict[str, str] = field(default_factory=dict)
    """Each service's secret for keyed pseudonyms: kept for the life of the stack."""

    def service(self, name: str) -> str:
        return self.services[name]

    @classmethod
    def load_or_create(cls, path: Path, service_names: list[str]) -> Credentials:
        """Read ``path`` (creating it if missing) and add passwords for services it does not know yet."""
        creds = cls()
        changed = True
        if path.exists():
            raw = json.loads(path.read_text(encoding="utf-8"))
            creds = cls(
                postgres=str(raw["postgres"]),
                nats_admin=str(raw["nats_admin"]),
                services={str(k): str(v) for k, v in raw.get("services", {}).items()},
                pseudonym_keys={str(k): str(v) for k, v in raw.get("pseudonym_keys", {}).items()},
            )
            changed = False
        for name in service_names:
            if name not in creds.services:
                creds.services[name] = new_password()
                changed = True
            if name not in creds.pseudonym_keys:
                creds.pseudonym_keys[name] = secrets.token_urlsafe(32)
                changed = True
        if changed:
            creds.save(path)
        return creds

    def save(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        data = {
            "postgres": self.postgres,
            "nats_admin": self.nats_admin,
            "services": self.services,
            "pseudonym_keys": self.pseudonym_keys,
        }
        tmp = path.with_suffix(".tmp")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            json.dump(data, fh, indent=2)
        os.chmod(tmp, 0o600)
        os.replace(tmp, path)


def pg_url(user: str, password: str | None, host: str, port: int, database: str) -> str:
    """A libpq-style URL ``postgresql://user:pw@host:port/db``."""
    auth = quote(user, safe="")
    if password is not None:
        auth += ":" + quote(password, safe="")
    return f"postgresql://{auth}@{host}:{port}/{quote(database, safe='')}"


def nats_url(user: str | None, password: str | None, host: str, port: int) -> str:
    if user is None:
        return f"nats://{host}:{port}"
    auth = quote(user, safe="")
    if password is not None:
        auth += ":" + quote(password, safe="")
    return f"nats://{auth}@{host}:{port}"


def redact(url: str) -> str:
    """The URL with its password replaced by ``***`` (for logs and tables)."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    host = parts.netloc.rsplit("@", 1)[1]
    return urlunsplit(parts._replace(netloc=f"{parts.username}:***@{host}"))


def with_credentials(url: str, user: str, password: str, database: str | None = None) -> str:
    """``url`` with its user/password (and, for PostgreSQL, its database path) replaced."""
    parts = urlsplit(url)
    hostport = parts.netloc.rsplit("@", 1)[-1]
    netloc = f"{quote(user, safe='')}:{quote(password, safe='')}@{hostport}"
    path = parts.path if database is None else "/" + quote(database, safe="")
    return urlunsplit(parts._replace(netloc=netloc, path=path))
