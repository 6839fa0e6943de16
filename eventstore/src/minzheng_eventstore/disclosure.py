"""What every service's HTTP adapters share: who the officials are, how a resident ID is shown (in
full only to the roles that need it, masked otherwise), and the strict request model.

Each service names its own roles that see full IDs (the registry's registrar, the veterans
service's approver); the rule is the same everywhere, so that it cannot drift between services.

    DISCLOSURE = Disclosure(frozenset({Role.COUNTY_APPROVER, Role.AUDITOR}))
    DISCLOSURE.shown(actor, resident)      # '330727********123X' for a caseworker
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, overload

from pydantic import ConfigDict

from minzheng_contracts import ResidentId

from .builder import Actor
from .identity import Role

OFFICIALS = frozenset(Role) - {Role.OPERATOR, Role.PROVINCIAL}
"""The county's officials: every role but the operator (no records) and the provincial integration."""


@dataclass(frozen=True, slots=True)
class Disclosure:
    """A service's rule for resident IDs in responses (个人信息展示): the roles that see them whole."""

    full_id_roles: frozenset[Role]

    def sees_full_ids(self, actor: Actor) -> bool:
        return bool(actor.roles & self.full_id_roles)

    @overload
    def shown(self, actor: Actor, resident: str) -> str: ...
    @overload
    def shown(self, actor: Actor, resident: None) -> None: ...
    def shown(self, actor: Actor, resident: str | None) -> str | None:
        """The full ID for the roles that need it, masked (``330727********123X``) for the others."""
        if resident is None:
            return None
        return resident if self.sees_full_ids(actor) else ResidentId(resident).masked


def strict(*examples: dict[str, Any]) -> ConfigDict:
    """A request model that refuses unknown fields, with its documented examples."""
    return ConfigDict(extra="forbid", json_schema_extra={"examples": list(examples)})


__all__ = ["OFFICIALS", "Disclosure", "strict"]
