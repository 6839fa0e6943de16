"""Connection strings: services are configured with libpq-style URLs; drivers want variants."""

from __future__ import annotations

from urllib.parse import urlsplit, urlunsplit


def asyncpg_dsn(url: str) -> str:
    """``postgresql+asyncpg://…`` or ``postgres://…`` → ``postgresql://…`` for asyncpg."""
    parts = urlsplit(url)
    return urlunsplit(parts._replace(scheme="postgresql"))


def sqlalchemy_url(url: str) -> str:
    """Any PostgreSQL URL → ``postgresql+asyncpg://…`` for SQLAlchemy's async engine."""
    parts = urlsplit(url)
    return urlunsplit(parts._replace(scheme="postgresql+asyncpg"))


def redact(url: str) -> str:
    """The URL with its password replaced, for logs and status tables."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    netloc = parts.netloc.replace(f":{parts.password}@", ":***@", 1)
    return urlunsplit(parts._replace(netloc=netloc))
