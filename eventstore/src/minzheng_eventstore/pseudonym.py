"""Keyed pseudonyms: a stable id for a person that cannot be reversed without the deployment's key.

An unkeyed hash of a resident ID is not a pseudonym: the ID space is small (a birth date, a region
and a sequence number), so a namespace found in the source reverses one birth year in a fraction of
a second. ``Pseudonyms`` uses HMAC-SHA256 with a secret per deployment (``<SERVICE>_PSEUDONYM_KEY``,
else ``PSEUDONYM_KEY``; the embedded stack generates one), so stream ids, log lines and store
errors that carry a pseudonym give nothing away.
"""

from __future__ import annotations

import base64
import hmac
import os
import uuid

MIN_KEY_BYTES = 16


class Pseudonyms:
    def __init__(self, key: bytes) -> None:
        if len(key) < MIN_KEY_BYTES:
            raise ValueError(f"a pseudonym key needs at least {MIN_KEY_BYTES} bytes")
        self._key = key

    @classmethod
    def from_env(cls, service: str, env: dict[str, str] | None = None) -> Pseudonyms:
        env = dict(os.environ) if env is None else env
        raw = env.get(f"{service.upper()}_PSEUDONYM_KEY") or env.get("PSEUDONYM_KEY")
        if not raw:
            raise SystemExit(
                f"{service}: set {service.upper()}_PSEUDONYM_KEY (or PSEUDONYM_KEY) to a secret of at least "
                f"{MIN_KEY_BYTES} bytes (base64url or text); `make run` does it for you"
            )
        return cls.from_secret(raw)

    @classmethod
    def from_secret(cls, raw: str) -> Pseudonyms:
        """The key from its text: base64url when it decodes to enough bytes, else the text itself."""
        try:
            key = base64.urlsafe_b64decode(raw + "=" * (-len(raw) % 4))
        except ValueError:
            key = raw.encode()
        return cls(key if len(key) >= MIN_KEY_BYTES else raw.encode())

    def _digest16(self, purpose: str, value: str) -> bytes:
        """The first 16 bytes of HMAC-SHA256 over ``purpose NUL value`` (one-shot ``hmac.digest``)."""
        return hmac.digest(self._key, f"{purpose}\x00{value}".encode(), "sha256")[:16]

    def token(self, purpose: str, value: str) -> str:
        """A 26-character pseudonym of ``value`` for ``purpose`` (different purposes never collide)."""
        return base64.b32encode(self._digest16(purpose, value)).decode().rstrip("=").lower()

    def uuid(self, purpose: str, value: str) -> uuid.UUID:
        """The pseudonym as a UUID (version 8, RFC 9562 custom), where an id must be one."""
        raw = bytearray(self._digest16(purpose, value))
        raw[6] = (raw[6] & 0x0F) | 0x80
        raw[8] = (raw[8] & 0x3F) | 0x80
        return uuid.UUID(bytes=bytes(raw))
