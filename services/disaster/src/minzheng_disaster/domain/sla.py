"""The 24-hour relief rule (灾后24小时救助到位): every affected household must have relief delivered
within the deadline counted from the incident's REPORT time, also when it was registered later.

The outcome of a household is a pure function of event times (report, registration, deliveries)
and the SLA parameters in force, so replaying an incident gives the same answer whenever it runs.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum


class Outcome(StrEnum):
    PENDING = "pending"
    MET = "met"
    BREACHED = "breached"


@dataclass(frozen=True, slots=True)
class SlaTerms:
    """Effective-dated, per jurisdiction: the deadline and the warning point after the report."""

    deadline: timedelta = timedelta(hours=24)
    warning: timedelta = timedelta(hours=18)
    terms_id: str = "sla:default"

    def __post_init__(self) -> None:
        if not timedelta(0) < self.warning < self.deadline:
            raise ValueError("the warning point must fall between the report and the deadline")


@dataclass(frozen=True, slots=True)
class Clock:
    """One household's clock: when it starts, warns and ends."""

    reported_at: datetime
    warn_at: datetime
    deadline: datetime

    @classmethod
    def start(cls, reported_at: datetime, terms: SlaTerms) -> Clock:
        return cls(reported_at, reported_at + terms.warning, reported_at + terms.deadline)


def outcome(clock: Clock, first_delivery: datetime | None, now: datetime) -> Outcome:
    """Met if relief arrived by the deadline; breached once the deadline passed without it."""
    if first_delivery is not None and first_delivery <= clock.deadline:
        return Outcome.MET
    if first_delivery is not None or now >= clock.deadline:
        return Outcome.BREACHED
    return Outcome.PENDING
