"""The console's configuration, from the environment:

- ``CONSOLE_SERVICES``: ``name=base-url`` pairs separated by commas, for example
  ``assistance=http://127.0.0.1:8101,disaster=http://127.0.0.1:8102``; by default every service on
  its ``make run`` port on 127.0.0.1 (infra/services.toml);
- ``CONSOLE_SECRET``: the key that signs the session cookie (random per process by default, so a
  restart logs everyone out);
- ``CONSOLE_POLL_SECONDS``: how often the SLA board refreshes (default 1);
- ``CONSOLE_BOARD_ROWS``: households shown per township before a "more" link (default 25).
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Mapping
from dataclasses import dataclass, field

DEFAULT_PORTS: dict[str, int] = {
    "assistance": 8101,
    "disaster": 8102,
    "veterans": 8103,
    "registry": 8104,
    "eldercare": 8105,
}
"""The services' HTTP ports under ``make run`` (infra/services.toml)."""


class ConfigError(ValueError):
    """A setting the console cannot use (names the variable)."""


def parse_services(text: str) -> dict[str, str]:
    """``name=url,name=url`` → {name: url without a trailing slash}, in the order given."""
    found: dict[str, str] = {}
    for part in text.split(","):
        part = part.strip()
        if not part:
            continue
        name, sep, url = part.partition("=")
        name, url = name.strip(), url.strip().rstrip("/")
        if not sep or not name or not url.startswith(("http://", "https://")):
            raise ConfigError(f"CONSOLE_SERVICES: {part!r} is not name=http://host:port")
        found[name] = url
    if not found:
        raise ConfigError("CONSOLE_SERVICES names no service")
    return found


def default_services(host: str = "127.0.0.1") -> dict[str, str]:
    return {name: f"http://{host}:{port}" for name, port in DEFAULT_PORTS.items()}


@dataclass(frozen=True)
class Settings:
    services: Mapping[str, str] = field(default_factory=default_services)
    secret: bytes = field(default_factory=lambda: secrets.token_bytes(32))
    poll_seconds: float = 1.0
    board_rows: int = 25
    timeout: float = 5.0
    secure_cookie: bool = False
    """Mark the cookies Secure (behind HTTPS)."""

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> Settings:
        env = os.environ if env is None else env
        services = parse_services(env["CONSOLE_SERVICES"]) if env.get("CONSOLE_SERVICES") else None
        secret = env.get("CONSOLE_SECRET")
        try:
            poll = float(env.get("CONSOLE_POLL_SECONDS", "1"))
            rows = int(env.get("CONSOLE_BOARD_ROWS", "25"))
        except ValueError as exc:
            raise ConfigError(f"CONSOLE_POLL_SECONDS / CONSOLE_BOARD_ROWS: {exc}") from None
        if not 0.2 <= poll <= 60 or not 1 <= rows <= 10_000:
            raise ConfigError("CONSOLE_POLL_SECONDS must be 0.2–60 and CONSOLE_BOARD_ROWS 1–10000")
        return cls(
            services=services or default_services(),
            secret=secret.encode() if secret else secrets.token_bytes(32),
            poll_seconds=poll,
            board_rows=rows,
            secure_cookie=env.get("CONSOLE_SECURE_COOKIE") == "1",
        )
