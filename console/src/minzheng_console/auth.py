"""The session: the pasted bearer token, kept in an HttpOnly, SameSite=Strict cookie signed with
the console's secret (HMAC-SHA256), so that a cookie the console did not issue is ignored. The
token's claims are decoded without verification, for display only: the services verify it."""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import time
from dataclasses import dataclass
from typing import Any

COOKIE = "console_session"
LANG_COOKIE = "console_lang"
KNOWN_ROLES = ("operator", "auditor")


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode().rstrip("=")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def sign(token: str, secret: bytes) -> str:
    body = _b64(token.encode())
    mac = hmac.new(secret, body.encode(), hashlib.sha256).digest()
    return f"{body}.{_b64(mac)}"


def unsign(value: str, secret: bytes) -> str | None:
    body, _, mac = value.rpartition(".")
    if not body or not mac:
        return None
    expected = hmac.new(secret, body.encode(), hashlib.sha256).digest()
    try:
        if not hmac.compare_digest(expected, _unb64(mac)):
            return None
        return _unb64(body).decode()
    except (binascii.Error, ValueError):
        return None


def claims(token: str) -> dict[str, Any] | None:
    """The JWT's payload, unverified (display only); None when it is not a JWT."""
    parts = token.split(".")
    if len(parts) != 3:
        return None
    try:
        payload = json.loads(_unb64(parts[1]))
    except (binascii.Error, ValueError):
        return None
    return payload if isinstance(payload, dict) else None


@dataclass(frozen=True)
class Session:
    token: str
    subject: str
    roles: tuple[str, ...]
    division: str | None
    expires: int | None

    @property
    def expired(self) -> bool:
        return self.expires is not None and self.expires < time.time()

    @property
    def headers(self) -> dict[str, str]:
        return {"authorization": f"Bearer {self.token}"}

    def has(self, role: str) -> bool:
        return role in self.roles


def session_of(token: str) -> Session | None:
    """A session for a pasted token; None for something that is not a JWT."""
    token = token.strip()
    if token.lower().startswith("bearer "):
        token = token[7:].strip()
    found = claims(token)
    if found is None:
        return None
    roles = found.get("roles")
    exp = found.get("exp")
    return Session(
        token=token,
        subject=str(found.get("sub", "?")),
        roles=tuple(str(r) for r in roles) if isinstance(roles, list) else (),
        division=str(found["division"]) if found.get("division") is not None else None,
        expires=int(exp) if isinstance(exp, int | float) else None,
    )
