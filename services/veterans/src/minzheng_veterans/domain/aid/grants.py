"""Other aid as one-off grants (医疗及其他补助), pure: each paid once per its business key.

| grant | event | business key | amount |
|---|---|---|---|
| 门诊补助 outpatient | ``OutpatientAllowancePaid`` | person, year | the annual standard |
| 住院补助 inpatient | ``InpatientSubsidyPaid`` | person, stay (住院号) | rate % of the cost paid, capped |
| 节日慰问 holiday visit | ``HolidayVisitPaid`` | person, festival, year | the festival's standard |
| 困难救助 hardship | ``HardshipReliefPaid`` | person, year | the amount assessed, at most the cap |

A grant is the first and only event of its payment stream (``payment-aid-<kind>-<person>-<ref>``,
the person by pseudonym), with a deterministic event id: a second grant for the key finds the
stream and is refused (409 ``already_paid``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from minzheng_kernel.errors import DomainError
from minzheng_kernel.events import DomainEvent, EventTypes
from minzheng_kernel.standards import Standard, StandardsTable

from .parameters import Parameter


class Kind(StrEnum):
    OUTPATIENT = "outpatient"
    INPATIENT = "inpatient"
    HOLIDAY_VISIT = "holiday_visit"
    HARDSHIP = "hardship"


class Festival(StrEnum):
    SPRING_FESTIVAL = "spring_festival"  # 春节
    ARMY_DAY = "army_day"  # 八一建军节


_FESTIVAL_PARAMETER = {
    Festival.SPRING_FESTIVAL: Parameter.HOLIDAY_SPRING_FESTIVAL,
    Festival.ARMY_DAY: Parameter.HOLIDAY_ARMY_DAY,
}


@dataclass(frozen=True, slots=True)
class _Grant(DomainEvent):
    payment_id: str
    resident_id: str
    residence: str
    reference: str
    """The business key's reference: the year, the stay, or ``<festival>-<year>``."""
    amount_fen: int
    standard_id: str
    paid_on: str


@dataclass(frozen=True, slots=True)
class OutpatientAllowancePaid(_Grant):
    pass


@dataclass(frozen=True, slots=True)
class InpatientSubsidyPaid(_Grant):
    cost_fen: int = 0
    """The out-of-pocket cost (自付费用) the subsidy is a share of."""
    cap_standard_id: str = ""


@dataclass(frozen=True, slots=True)
class HolidayVisitPaid(_Grant):
    festival: str = ""


@dataclass(frozen=True, slots=True)
class HardshipReliefPaid(_Grant):
    reason: str = ""


AidGrant = OutpatientAllowancePaid | InpatientSubsidyPaid | HolidayVisitPaid | HardshipReliefPaid

AID_EVENTS = EventTypes(OutpatientAllowancePaid, InpatientSubsidyPaid, HolidayVisitPaid, HardshipReliefPaid)
KIND_OF: dict[str, Kind] = {
    OutpatientAllowancePaid.event_type: Kind.OUTPATIENT,
    InpatientSubsidyPaid.event_type: Kind.INPATIENT,
    HolidayVisitPaid.event_type: Kind.HOLIDAY_VISIT,
    HardshipReliefPaid.event_type: Kind.HARDSHIP,
}


@dataclass(frozen=True, slots=True)
class Payee:
    resident_id: str
    residence: str


def _check_day(paid_on: date, today: date) -> None:
    if paid_on > today:
        raise DomainError("paid_in_future", "the grant date is not in the future", field="paid_on")


def _standard(standards: StandardsTable, parameter: Parameter, payee: Payee, on: date) -> Standard:
    return standards.in_force(parameter.value, payee.residence, on)


def _positive(amount: int) -> int:
    if amount <= 0:
        raise DomainError("nothing_due", "the standard in force grants nothing", field="amount_fen")
    return amount


def outpatient(
    standards: StandardsTable, payee: Payee, *, payment_id: str, paid_on: date, today: date
) -> OutpatientAllowancePaid:
    _check_day(paid_on, today)
    s = _standard(standards, Parameter.OUTPATIENT_ANNUAL, payee, paid_on)
    return OutpatientAllowancePaid(
        payment_id,
        payee.resident_id,
        payee.residence,
        str(paid_on.year),
        _positive(s.value),
        s.standard_id,
        paid_on.isoformat(),
    )


def inpatient_amount(cost_fen: int, rate_pct: int, cap_fen: int) -> int:
    """rate % of the cost (floored to the fen), at most the cap."""
    return min(cost_fen * rate_pct // 100, cap_fen)


def inpatient(
    standards: StandardsTable,
    payee: Payee,
    *,
    payment_id: str,
    stay: str,
    cost_fen: int,
    paid_on: date,
    today: date,
) -> InpatientSubsidyPaid:
    _check_day(paid_on, today)
    rate = _standard(standards, Parameter.INPATIENT_RATE_PCT, payee, paid_on)
    cap = _standard(standards, Parameter.INPATIENT_CAP, payee, paid_on)
    amount = _positive(inpatient_amount(cost_fen, rate.value, cap.value))
    return InpatientSubsidyPaid(
        payment_id,
        payee.resident_id,
        payee.residence,
        stay,
        amount,
        rate.standard_id,
        paid_on.isoformat(),
        cost_fen,
        cap.standard_id,
    )


def holiday_visit(
    standards: StandardsTable,
    payee: Payee,
    *,
    payment_id: str,
    festival: Festival,
    paid_on: date,
    today: date,
) -> HolidayVisitPaid:
    _check_day(paid_on, today)
    s = _standard(standards, _FESTIVAL_PARAMETER[festival], payee, paid_on)
    return HolidayVisitPaid(
        payment_id,
        payee.resident_id,
        payee.residence,
        holiday_reference(festival, paid_on.year),
        _positive(s.value),
        s.standard_id,
        paid_on.isoformat(),
        festival.value,
    )


def holiday_reference(festival: Festival, year: int) -> str:
    return f"{festival.value}-{year}"


def hardship(
    standards: StandardsTable,
    payee: Payee,
    *,
    payment_id: str,
    amount_fen: int,
    reason: str,
    paid_on: date,
    today: date,
) -> HardshipReliefPaid:
    _check_day(paid_on, today)
    cap = _standard(standards, Parameter.HARDSHIP_MAX, payee, paid_on)
    if amount_fen <= 0:
        raise DomainError("nothing_due", "a hardship grant is more than 0 fen", field="amount_fen")
    if amount_fen > cap.value:
        raise DomainError(
            "over_hardship_cap",
            f"a hardship grant is at most {cap.value} fen ({cap.standard_id})",
            field="amount_fen",
        )
    return HardshipReliefPaid(
        payment_id,
        payee.resident_id,
        payee.residence,
        str(paid_on.year),
        amount_fen,
        cap.standard_id,
        paid_on.isoformat(),
        reason,
    )
