"""Who is enrolled (参保对象): every registered elder, living and resident in the county, aged at
least ``insurance.min_age`` on the policy year's 1 January (F0 L221: everyone aged 70 or over; the
age is a standard). Decided where the rules are silent: living and resident as the register knows
them when the enrolment runs, and not dead before 1 January."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from ..allowance.bands import age_on


class NotEnrolled(StrEnum):
    TOO_YOUNG = "below_min_age"
    DECEASED = "deceased"
    NOT_RESIDENT = "not_resident"


@dataclass(frozen=True, slots=True)
class Registered:
    """An elder on the register as the enrolment reads it."""

    elder_id: str
    person: str
    born: date
    residence: str
    resident: bool
    died_on: date | None


def policy_day(year: int) -> date:
    return date(year, 1, 1)


def enrolment(elder: Registered, year: int, min_age: int) -> int | NotEnrolled:
    """The elder's age on the policy year's 1 January if enrolled, or why not."""
    if elder.died_on is not None:
        return NotEnrolled.DECEASED
    if not elder.resident:
        return NotEnrolled.NOT_RESIDENT
    age = age_on(elder.born, policy_day(year))
    return age if age >= min_age else NotEnrolled.TOO_YOUNG


__all__ = ["NotEnrolled", "Registered", "enrolment", "policy_day"]
