"""Every subsidy paid (centres' construction, operating and meal subsidies and private
institutions' operating subsidies) as one list, filtered by kind, township and year, and the
totals by type: read from the payment streams through the store."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

from minzheng_eventstore import Actor
from minzheng_eventstore.store import EventStore

from ...domain.centres import subsidies as s
from ...domain.subsidies import private as p
from ..centres.queries import centre_payments
from .payments import private_payments


class Kind(StrEnum):
    CONSTRUCTION = "construction"  # 建设补助
    OPERATING = "operating"  # 运行补助
    MEALS = "meals"  # 就餐补助
    PRIVATE_INSTITUTION = "private_institution"  # 民办养老机构运营补贴


@dataclass(frozen=True, slots=True)
class Subsidy:
    kind: Kind
    payment_id: str
    beneficiary: str
    """The centre's or the institution's id."""
    division: str
    reference: str
    """The centre subsidy's reference, or the institution's month."""
    amount_fen: int
    paid_on: str
    round_id: str | None
    standard_ids: list[str]


def _of_centre(f: s.CareCentreSubsidyPaid) -> Subsidy:
    return Subsidy(
        Kind(f.kind),
        f.payment_id,
        f.centre_id,
        f.division,
        f.reference,
        f.amount_fen,
        f.paid_on,
        f.round_id,
        [],
    )


def _of_private(f: p.PrivateInstitutionSubsidyPaid) -> Subsidy:
    return Subsidy(
        Kind.PRIVATE_INSTITUTION,
        f.payment_id,
        f.institution_id,
        f.township,
        f.month,
        f.total_fen,
        f.paid_on,
        None,
        [line["standard_id"] for line in f.lines],
    )


async def subsidies(
    store: EventStore,
    actor: Actor,
    *,
    kind: Kind | None = None,
    township: str | None = None,
    year: int | None = None,
) -> list[Subsidy]:
    found: list[Subsidy] = []
    if kind is None or kind is not Kind.PRIVATE_INSTITUTION:
        found += [_of_centre(f) for f in await centre_payments(store, actor)]
    if kind is None or kind is Kind.PRIVATE_INSTITUTION:
        found += [_of_private(f) for f in await private_payments(store, actor)]
    kept = [
        row
        for row in found
        if (kind is None or row.kind is kind)
        and (township is None or row.division.startswith(township))
        and (year is None or row.paid_on.startswith(f"{year:04d}-"))
    ]
    return sorted(kept, key=lambda row: (row.paid_on, row.kind.value, row.payment_id))


def totals(found: Iterable[Subsidy]) -> dict[str, dict[str, int]]:
    """Per type: the count of payments and the fen paid."""
    out: dict[str, dict[str, int]] = {}
    for row in found:
        line = out.setdefault(row.kind.value, {"count": 0, "total_fen": 0})
        line["count"] += 1
        line["total_fen"] += row.amount_fen
    return out
