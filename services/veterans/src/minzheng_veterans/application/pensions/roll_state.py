"""An entitlement's folded state as the pension roll keeps it (发放名册的资格状态), and back.

The roll projection (``adapters.pensions.roll``) folds each entitlement stream with the
entitlement area's own ``evolve`` and stores the state as one text column per field
(``FIELDS``, in order: periods ``YYYY-MM``, dates ISO, enums by value, the terms and the
suspensions as JSON); the run rebuilds the ``Entitlement`` from the row and asks it
``basis_in`` as it would a state folded from the stream. ``as_state(as_row(s)) == s`` for every
state (tested); a field added to ``Entitlement`` without a column here fails ``FIELDS``' test.

The rebuild is the run's hot path (one per entitlement, 20,000 a run): a row's terms and
suspensions are decoded once per distinct text (a county's entitlements share a few hundred),
and periods and dates once each.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from datetime import date
from typing import Any

from minzheng_contracts import Period
from minzheng_eventstore import jsoncodec

from ...domain.entitlement.categories import CATEGORIES, Terms
from ...domain.entitlement.entitlement import Entitlement, Status, Suspension

FIELDS = (
    "entitlement_id",
    "person",
    "resident_id",
    "residence",
    "approved_on",
    "starts",
    "terms",
    "suspensions",
    "status",
    "ended_from",
    "cancel_reason",
    "transferred_from",
    "transferred_to",
)
"""Every field of ``Entitlement``, in the order of a row's columns."""


def _period(p: Period | None) -> str | None:
    return None if p is None else str(p)


@functools.cache
def _parsed(text: str | None) -> Period | None:
    return None if text is None else Period.parse(text)


def as_row(s: Entitlement) -> tuple[str | None, ...]:
    """The state as one text (or ``None``) per field of ``FIELDS``."""
    return (
        s.entitlement_id,
        s.person,
        s.resident_id,
        s.residence,
        None if s.approved_on is None else s.approved_on.isoformat(),
        _period(s.starts),
        jsoncodec.dumps([[str(t.from_period), t.category.value, t.key, t.service_years] for t in s.terms]),
        jsoncodec.dumps([[str(x.from_period), x.reason, _period(x.resumed_from)] for x in s.suspensions]),
        s.status.value,
        _period(s.ended_from),
        s.cancel_reason,
        s.transferred_from,
        s.transferred_to,
    )


@functools.lru_cache(maxsize=4096)
def _terms(text: str) -> tuple[Terms, ...]:
    return tuple(
        Terms(Period.parse(start), CATEGORIES[category], key, years)
        for start, category, key, years in jsoncodec.loads(text)
    )


@functools.lru_cache(maxsize=4096)
def _suspensions(text: str) -> tuple[Suspension, ...]:
    return tuple(
        Suspension(Period.parse(start), reason, _parsed(resumed))
        for start, reason, resumed in jsoncodec.loads(text)
    )


@functools.lru_cache(maxsize=1024)
def _date(text: str) -> date:
    return date.fromisoformat(text)


_STATUS = {s.value: s for s in Status}


def as_state(row: Sequence[Any]) -> Entitlement:
    """The ``Entitlement`` a row (``as_row``, or a database row of ``FIELDS``) was made from."""
    approved = row[4]
    return Entitlement(
        entitlement_id=row[0],
        person=row[1],
        resident_id=row[2],
        residence=row[3],
        approved_on=None if approved is None else _date(approved),
        starts=_parsed(row[5]),
        terms=_terms(row[6]),
        suspensions=_suspensions(row[7]),
        status=_STATUS[row[8]],
        ended_from=_parsed(row[9]),
        cancel_reason=row[10],
        transferred_from=row[11],
        transferred_to=row[12],
    )


__all__ = ["FIELDS", "as_row", "as_state"]
