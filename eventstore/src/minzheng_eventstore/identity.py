"""Who is calling (DESIGN §5b): OIDC bearer tokens verified against the issuer's JWKS, roles, and
the division a caller may act in.

A token is a JWT signed by the issuer (Keycloak, the province's identity service, or under
``make run`` the stack's local issuer, ``minzheng_infra.issuer``). Its claims:

- ``sub``: the official, recorded as the actor of every event the request causes;
- ``roles``: a list of ``Role`` values;
- ``division``: the GB/T 2260 code of the subtree the caller may reach (county, township, village);
- ``iss``, ``aud``, ``exp``, ``iat``: checked (issuer and audience configured per deployment).

Keys are fetched from the issuer's JWKS and cached; a token signed with a key the cache does not
know makes the verifier fetch the JWKS again (PyJWT's ``PyJWKClient``), so keys rotate without a
restart.
"""

from __future__ import annotations

import asyncio
import os
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

import jwt

ALGORITHMS = ["RS256", "ES256"]
DEFAULT_AUDIENCE = "minzheng"


class Role(StrEnum):
    """The roles the county's users work in (the anchor systems' users asked for these)."""

    VILLAGE_ASSISTANT = "village-assistant"  # 村协理员: data entry
    TOWNSHIP_CASEWORKER = "township-caseworker"  # 乡镇经办人
    TOWNSHIP_REVIEWER = "township-reviewer"  # 乡镇审核人
    COUNTY_APPROVER = "county-approver"  # 县级审批人
    STANDARDS_OFFICER = "county-standards-officer"  # 县级标准管理员
    REGISTRAR = "registrar"  # 登记员: the county office's marriage, death and burial registrar
    AUDITOR = "auditor"  # 审计: read-only, full history, personal data visible and logged
    OPERATOR = "operator"  # 运维: health, metrics, re-drive; no personal data
    PROVINCIAL = "provincial-integration"  # 省级对接: events only


class Unauthenticated(Exception):
    """No token, or one that does not verify (HTTP 401)."""


@dataclass(frozen=True, slots=True)
class Principal:
    """A verified caller."""

    subject: str
    roles: frozenset[Role]
    division: str

    def within(self, code: str) -> bool:
        """True if ``code`` lies in the caller's subtree (a township reaches its own villages)."""
        return code.startswith(self.division)


@dataclass(frozen=True, slots=True)
class OidcSettings:
    issuer: str
    jwks_url: str
    audience: str = DEFAULT_AUDIENCE

    @classmethod
    def from_env(cls, service: str, env: dict[str, str] | None = None) -> OidcSettings | None:
        """``<SERVICE>_OIDC_ISSUER`` (else ``OIDC_ISSUER``), ``…_OIDC_JWKS_URL`` (default: the
        issuer's ``/jwks.json``), ``…_OIDC_AUDIENCE`` (default ``minzheng``); ``None`` if unset."""
        env = dict(os.environ) if env is None else env
        key = service.upper()

        def get(name: str) -> str | None:
            return env.get(f"{key}_OIDC_{name}") or env.get(f"OIDC_{name}")

        issuer = get("ISSUER")
        if not issuer:
            return None
        return cls(
            issuer, get("JWKS_URL") or issuer.rstrip("/") + "/jwks.json", get("AUDIENCE") or DEFAULT_AUDIENCE
        )


class TokenVerifier:
    """Verifies bearer tokens of one issuer and audience."""

    def __init__(
        self, settings: OidcSettings, *, leeway: float = 30.0, refresh_cooldown: float = 30.0
    ) -> None:
        """``refresh_cooldown``: after a fetch, an unknown key id waits this long before the JWKS is
        fetched again (a flood of forged key ids must not become a flood of requests to the issuer)."""
        self.settings = settings
        self.leeway = leeway
        self._keys = jwt.PyJWKClient(
            settings.jwks_url, cache_jwk_set=True, lifespan=300, timeout=5, cooldown_duration=refresh_cooldown
        )

    async def verify(self, token: str) -> Principal:
        try:
            # the JWKS fetch (first use, expiry, an unknown key id) is blocking I/O: off the loop
            key = await asyncio.to_thread(self._keys.get_signing_key_from_jwt, token)
            claims: dict[str, Any] = jwt.decode(
                token,
                key.key,
                algorithms=ALGORITHMS,
                audience=self.settings.audience,
                issuer=self.settings.issuer,
                leeway=self.leeway,
                options={"require": ["exp", "iat", "sub", "iss", "aud"]},
            )
        except (jwt.PyJWTError, ValueError) as exc:
            raise Unauthenticated(f"the token does not verify ({type(exc).__name__})") from None
        return principal_of(claims)


def principal_of(claims: dict[str, Any]) -> Principal:
    subject, division, roles = claims.get("sub"), claims.get("division"), claims.get("roles")
    if not isinstance(subject, str) or not 0 < len(subject) <= 200:
        raise Unauthenticated("the token names no subject")
    if not isinstance(division, str) or not division.isdigit() or len(division) not in (6, 9, 12):
        raise Unauthenticated("the token names no division (a 6, 9 or 12 digit code)")
    if not isinstance(roles, list):
        raise Unauthenticated("the token names no roles")
    known = {r.value for r in Role}
    return Principal(subject, frozenset(Role(r) for r in roles if r in known), division)
