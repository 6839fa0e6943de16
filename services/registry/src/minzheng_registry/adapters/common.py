"""What the areas' HTTP adapters share, in one place: the strict request models with their
examples, who the officials are, and how a resident ID is shown (in full only to the roles that
need it, masked otherwise).

Each area keeps its own bounded types (its dates, texts and paths differ with its records); what is
here is the same rule everywhere, so that it cannot drift between the areas."""

from __future__ import annotations

from typing import Any, overload

from pydantic import ConfigDict

from minzheng_contracts import ResidentId
from minzheng_eventstore import Actor
from minzheng_eventstore.identity import Role

OFFICIALS = frozenset(Role) - {Role.OPERATOR, Role.PROVINCIAL}
"""The county's officials: every role but the operator (no records) and the provincial integration."""

FULL_ID_ROLES = frozenset({Role.REGISTRAR, Role.COUNTY_APPROVER, Role.AUDITOR})
"""The roles that see a resident ID in full; every other role sees it masked."""


def sees_full_ids(actor: Actor) -> bool:
    return bool(actor.roles & FULL_ID_ROLES)


@overload
def shown(actor: Actor, resident: str) -> str: ...
@overload
def shown(actor: Actor, resident: None) -> None: ...
def shown(actor: Actor, resident: str | None) -> str | None:
    """The full ID for the roles that need it, masked (``330727********123X``) for the others."""
    if resident is None:
        return None
    return resident if sees_full_ids(actor) else ResidentId(resident).masked


def strict(*examples: dict[str, Any]) -> ConfigDict:
    """A request model that refuses unknown fields, with its documented examples."""
    return ConfigDict(extra="forbid", json_schema_extra={"examples": list(examples)})
