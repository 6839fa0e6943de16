"""What the marriage area's units of work share: the office check and an optional standard."""

from __future__ import annotations

from datetime import date

from minzheng_eventstore import Actor
from minzheng_eventstore.context import ServiceContext
from minzheng_kernel.errors import DomainError
from minzheng_kernel.standards import Standard, StandardsTable

from ...domain.configuration import Parameter


def in_county(ctx: ServiceContext, actor: Actor, office: str) -> None:
    """The office is of the county (422 ``outside_county``) and within the caller's division."""
    if not office.startswith(ctx.county):
        raise DomainError(
            "outside_county", f"office {office} is not within county {ctx.county}", field="office"
        )
    actor.require_within(office, "office")


def optional_standard(table: StandardsTable, parameter: Parameter, place: str, on: date) -> Standard | None:
    """The standard in force, or None when none is (a period with no cooling-off, say)."""
    try:
        return table.in_force(parameter.value, place, on)
    except DomainError:
        return None
