"""Which places a caller reaches (DESIGN §5b): the token's division bounds every command and read.

A caller's division is a subtree of GB/T 2260 codes: the county ``330727`` reaches everything in
it, a township ``330727101`` its own villages, a village only itself. The service's own policies,
the scheduler, the demo seed and the benchmarks act with no division (``Actor.jurisdiction`` is
``None``) and reach the whole county.

- **A place a command names** (a report's area, a registration's village, the village of the
  household a delivery is for) must lie inside the caller's subtree.
- **An incident** is *reached* when its area overlaps the subtree: it lies inside it, or covers it
  (a county-wide flood is the township's incident too). Reading it needs that; verifying it or
  allocating to it needs the whole area inside the subtree (a township verifies its own incident,
  the county a county-wide one).
- **Lists are filtered, not refused**: incidents that reach the caller; on the board, the shares
  and the replay only the households of its villages; an incident's household count likewise.
- **Warehouses** are the county's relief reserve (救灾物资储备库), named, with no division of their
  own: every official of the county reads them (a township must see what it can ask for); only a
  caller over the whole county receives stock into one or allocates from one.

A refusal is 403 ``outside_jurisdiction`` naming the field (``Actor.require_within``).
"""

from __future__ import annotations

from collections.abc import Iterable

from minzheng_eventstore.builder import Actor
from minzheng_kernel.errors import Forbidden

__all__ = [
    "overlaps",
    "reaches",
    "require_reaches",
    "require_whole",
    "scope",
]


def scope(actor: Actor) -> str | None:
    """The division prefix a list is filtered by (``None``: no filter)."""
    return actor.jurisdiction


def overlaps(actor: Actor, code: str) -> bool:
    """``code`` lies in the caller's subtree, or the caller's division lies in ``code``."""
    division = actor.jurisdiction
    return division is None or code.startswith(division) or division.startswith(code)


def reaches(actor: Actor, area: Iterable[str]) -> bool:
    """An incident of ``area`` concerns the caller: some code of it overlaps the caller's subtree."""
    return any(overlaps(actor, code) for code in area)


def require_reaches(actor: Actor, area: Iterable[str], field: str, what: str) -> None:
    """Refuse a read of something (``what``) whose area does not concern the caller."""
    codes = list(area)
    if not reaches(actor, codes):
        raise Forbidden(
            "outside_jurisdiction",
            f"{what} ({', '.join(codes)}) is outside the division {actor.jurisdiction} this caller may reach",
            field=field,
        )


def require_whole(actor: Actor, area: Iterable[str], field: str, what: str) -> None:
    """Refuse a command on something (``what``) whose area is not wholly in the caller's subtree."""
    codes = list(area)
    outside = [code for code in codes if not actor.within(code)]
    if outside:
        raise Forbidden(
            "outside_jurisdiction",
            f"{what} covers {', '.join(outside)}, outside the division {actor.jurisdiction} this caller "
            "may act in",
            field=field,
        )
