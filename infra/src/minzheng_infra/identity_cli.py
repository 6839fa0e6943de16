"""``python -m minzheng_infra token``: a bearer token from the stack's local issuer."""

from __future__ import annotations

from pathlib import Path

import typer

from .issuer import LocalIssuer
from .stack import StackPorts

ROLES = (
    "village-assistant",
    "township-caseworker",
    "township-reviewer",
    "county-approver",
    "county-standards-officer",
    "registrar",
    "auditor",
    "operator",
    "provincial-integration",
)


def mint_token(root: Path, roles: list[str], division: str, subject: str, hours: int) -> str:
    unknown = [r for r in roles if r not in ROLES]
    if unknown:
        raise typer.BadParameter(
            f"unknown role {unknown[0]!r}; one of: {', '.join(ROLES)}", param_hint="--role"
        )
    if not division.isdigit() or len(division) not in (6, 9, 12):
        raise typer.BadParameter("a 6, 9 or 12 digit division code", param_hint="--division")
    if not (root / "issuer.json").exists():
        raise typer.BadParameter(f"no local issuer in {root}: start the stack first (make run)")
    issuer = LocalIssuer(root, StackPorts.load_or_default(root / "stack.json").issuer)
    return issuer.mint(
        subject=subject or f"{roles[0]}@{division}", roles=roles, division=division, ttl=hours * 3600
    )
