"""Which places a caller reaches (DESIGN §5b): the token's division bounds every command and read.

A caller's division is a subtree of GB/T 2260 codes: the county ``330727`` reaches everything in
it, a township ``330727101`` its own villages, a village only itself. The service's own policies,
the demo seed, the benchmarks and tools act with no division (``Actor.jurisdiction`` is ``None``)
and reach the whole county.

- **A place a command names** (an application's residence, a 特困 case's or a grant's residence, a
  standard's jurisdiction) must lie in the caller's subtree.
- **A household or a 特困 case** is reached through its residence: every command on it and every
  read of it (status, history, payments) needs the residence in the caller's subtree.
- **The monthly payment run** pays the whole county: only a caller over the county runs it.
- **Lists are filtered, not refused**: households, notices, the roll, the payment summary and the
  divisions are those of the caller's subtree. A filter wider than the subtree (``village=330727``
  for a township) is narrowed to it; a filter that names a place wholly outside it is refused,
  saying why (it could only ever answer nothing). The standards listed are those that apply in the
  subtree (the county's, and the subtree's own).

A refusal is 403 ``outside_jurisdiction`` naming the field (``Actor.require_within``).
"""

from __future__ import annotations

from minzheng_eventstore.builder import Actor
from minzheng_kernel.errors import Forbidden

__all__ = ["narrow", "require_county", "scope"]


def scope(actor: Actor) -> str | None:
    """The division prefix a list is filtered by (``None``: no filter)."""
    return actor.jurisdiction


def narrow(actor: Actor, code: str | None, field: str) -> str | None:
    """A list's place filter ``code`` bounded by the caller's subtree: the filter when it lies in
    the subtree, the caller's division when the filter is wider (or absent); refused when the
    filter is outside the subtree altogether."""
    division = actor.jurisdiction
    if division is None:
        return code
    if code is None or division.startswith(code):
        return division
    actor.require_within(code, field)
    return code


def require_county(actor: Actor, county: str, field: str, what: str) -> None:
    """Refuse a county-wide command (``what``) to a caller whose division is smaller than the county."""
    if not actor.within(county):
        raise Forbidden(
            "outside_jurisdiction",
            f"{what} covers the whole county {county}: the division {actor.jurisdiction} of this caller "
            "does not",
            field=field,
        )
