"""What the run needs of each entitlement: the entitlement area's answer, per month, to "does
this county pay it, and on which terms".

``Entitled`` is one entitlement as the run sees it; ``basis_in(period)`` is ``None`` where the
county does not pay that month (not started, suspended, cancelled, transferred out after the
year's December or in before 1 January) and otherwise the terms of that month as a ``Basis``
(``domain.pensions.parameters.basis_of``). The entitlement area provides its roll with
``provide(source)`` (``entitled`` reads every source provided, folding every stream); the run
selects the same roll from the roll projection (``roll_reads``, one query), and a test holds the
two equal. A source lists the entitlements ended
too (their ``basis_in`` answers for the months they were paid): a late raise back-pays the months
an entitlement was paid before it ended.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass

from minzheng_contracts import Period
from minzheng_eventstore.context import ServiceContext

from ...domain.pensions.monthly import Basis


@dataclass(frozen=True, slots=True)
class Entitled:
    """One entitlement (优抚对象的一项资格) as the pension run sees it."""

    entitlement_id: str
    person: str
    """The person's key (a pseudonym): stacking groups a person's entitlements by it."""
    beneficiary: str
    """The person paid (resident ID, for the payment contract; never in a response or a log)."""
    residence: str
    category: str
    basis_in: Callable[[Period], Basis | None]


RollSource = Callable[[ServiceContext], Awaitable[Sequence[Entitled]]]
_SOURCES: list[RollSource] = []


def provide(source: RollSource) -> None:
    """The entitlement area's roll, read by every run (once per source)."""
    if source not in _SOURCES:
        _SOURCES.append(source)


async def entitled(ctx: ServiceContext) -> list[Entitled]:
    """Every entitlement of the county the sources know, in a stable order."""
    roll: list[Entitled] = []
    for source in _SOURCES:
        roll.extend(await source(ctx))
    return sorted(roll, key=lambda e: e.entitlement_id)


__all__ = ["Entitled", "RollSource", "entitled", "provide"]
