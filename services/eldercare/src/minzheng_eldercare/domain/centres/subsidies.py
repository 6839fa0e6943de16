"""Home-care centres' subsidies (居家养老服务中心补助资金), pure.

A subsidy round (补助批次: "今年先后两次…下拨补助资金229.178万元, 其中建设补助资金47万元、运行补助资金
82.7万元、就餐补助资金99.478万元", F0 L155) names its total and each type's amount; the types add up to
the total (422 ``types_do_not_add_up``). A payment (``CareCentreSubsidyPaid``) is one type's
money for one centre and one reference (a year, a half-year, a month…), only to an accepted or
operating centre (409 ``centre_not_accepted``), on a day not before its acceptance nor after
today, drawn from a round's amount for its type (the draw itself is the guard table's)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from minzheng_kernel.errors import Conflict, DomainError, NotFound
from minzheng_kernel.events import DomainEvent, EventTypes

from .centre import Centre


class SubsidyKind(StrEnum):
    CONSTRUCTION = "construction"  # 建设补助
    OPERATING = "operating"  # 运行补助
    MEALS = "meals"  # 就餐补助


@dataclass(frozen=True, slots=True)
class SubsidyRoundSet(DomainEvent):
    """A round of centre subsidies (补助批次): its total and each type's amount, fen."""

    round_id: str
    year: int
    total_fen: int
    amounts: dict[str, int]
    decided_on: str
    jurisdiction: str


@dataclass(frozen=True, slots=True)
class CareCentreSubsidyPaid(DomainEvent):
    """One subsidy paid to one centre: a payment to an organisation (not a resident or household,
    so internal: ``PaymentIssued`` v2 has no organisation beneficiary)."""

    payment_id: str
    centre_id: str
    division: str
    kind: str
    reference: str
    amount_fen: int
    paid_on: str
    round_id: str


ROUND_EVENTS = EventTypes(SubsidyRoundSet)
PAYMENT_EVENTS = EventTypes(CareCentreSubsidyPaid)


@dataclass(frozen=True, slots=True)
class SubsidyRound:
    round_id: str | None = None
    year: int = 0
    total_fen: int = 0
    amounts: Mapping[str, int] | None = None
    decided_on: date | None = None
    jurisdiction: str = ""


def evolve_round(state: SubsidyRound, event: DomainEvent) -> SubsidyRound:
    if isinstance(event, SubsidyRoundSet):
        return SubsidyRound(
            event.round_id,
            event.year,
            event.total_fen,
            dict(event.amounts),
            date.fromisoformat(event.decided_on),
            event.jurisdiction,
        )
    return state


def set_round(
    state: SubsidyRound,
    *,
    round_id: str,
    year: int,
    total_fen: int,
    amounts: Mapping[SubsidyKind, int],
    decided_on: date,
    jurisdiction: str,
    today: date,
) -> list[DomainEvent]:
    """A round whose types add up to its total; the same round again is a repeat (nothing new),
    another with the same id 409 ``round_exists``."""
    if sum(amounts.values()) != total_fen:
        raise DomainError(
            "types_do_not_add_up",
            f"the types' amounts add up to {sum(amounts.values())} fen, not the total {total_fen}",
            field="total_fen",
        )
    if decided_on > today:
        raise DomainError("decided_in_future", "decided_on is not after today", field="decided_on")
    if decided_on.year != year:
        raise DomainError("decided_outside_year", f"decided_on is in {year}", field="decided_on")
    fact = SubsidyRoundSet(
        round_id,
        year,
        total_fen,
        {k.value: v for k, v in sorted(amounts.items())},
        decided_on.isoformat(),
        jurisdiction,
    )
    if state.round_id is not None:
        if evolve_round(SubsidyRound(), fact) == state:
            return []
        raise Conflict(
            "round_exists", f"round {round_id} is set already, with other figures", field="round_id"
        )
    return [fact]


def pay(
    centre: Centre,
    round_: SubsidyRound,
    *,
    payment_id: str,
    kind: SubsidyKind,
    reference: str,
    amount_fen: int,
    paid_on: date,
    today: date,
) -> CareCentreSubsidyPaid:
    """One subsidy to an accepted (or operating) centre, from a round that names the type."""
    if not centre.exists:
        raise NotFound("centre_not_found", "no such home-care centre", field="centre_id")
    if round_.round_id is None or round_.amounts is None:
        raise NotFound("round_not_found", "no such subsidy round", field="round_id")
    if not centre.payable:
        raise Conflict(
            "centre_not_accepted",
            f"subsidies are paid only to an accepted centre; this one is {centre.status.value}",
            field="centre_id",
        )
    if paid_on > today:
        raise DomainError("paid_in_future", "paid_on is not after today", field="paid_on")
    assert centre.accepted_on is not None
    if paid_on < centre.accepted_on:
        raise DomainError(
            "paid_before_acceptance",
            f"paid_on is not before the acceptance ({centre.accepted_on.isoformat()})",
            field="paid_on",
        )
    if round_.amounts.get(kind.value, 0) <= 0:
        raise DomainError(
            "kind_not_in_round", f"round {round_.round_id} has no {kind.value} money", field="kind"
        )
    if not centre.division.startswith(round_.jurisdiction):
        raise DomainError(
            "centre_outside_round", "the centre is outside the round's jurisdiction", field="round_id"
        )
    assert centre.centre_id is not None
    return CareCentreSubsidyPaid(
        payment_id,
        centre.centre_id,
        centre.division,
        kind.value,
        reference,
        amount_fen,
        paid_on.isoformat(),
        round_.round_id,
    )


def split(total_fen: int, parts: int) -> list[int]:
    """``total_fen`` in ``parts`` shares as equal as fen allow (the first ones a fen more), adding
    up to the total exactly."""
    if parts < 1:
        raise ValueError("parts must be positive")
    share, rest = divmod(total_fen, parts)
    return [share + (1 if n < rest else 0) for n in range(parts)]
