"""The old-age allowance's events (eldercare-rules §3, "Events"): an elder's register entry and the
allowance's life, all on the elder's stream ``elder-<pseudonym>`` (stream type ``elder``).

The allowance area records them (registration, the daily start and band check, suspension and
resumption, the end at death); the allowance run reads them through its roll projection; the
publication maps ``AllowanceStarted`` and ``AllowanceEnded`` to the contracts of the same names.
Periods are ``YYYY-MM`` strings, dates ISO strings, money integer fen.
"""

from __future__ import annotations

from dataclasses import dataclass

from minzheng_kernel.events import DomainEvent, EventTypes


@dataclass(frozen=True, slots=True)
class ElderRegistered(DomainEvent):
    """An elder entered in the county's register (登记): by application or an imported roll. The
    residence is recorded, never derived from the ID's address code."""

    elder_id: str
    person: str
    """Resident ID (18 digits)."""
    born: str
    residence: str
    """Village or township division code where the elder lives."""
    registered_on: str
    source: str
    """``application`` or ``roll_import``."""
    dibao: bool = False
    monthly_income_fen: int | None = None


@dataclass(frozen=True, slots=True)
class ElderMoved(DomainEvent):
    """A new residence from a date; ``within_county`` False: the elder moved away (迁出)."""

    elder_id: str
    residence: str
    moved_on: str
    within_county: bool


@dataclass(frozen=True, slots=True)
class ProofOfLifeRecorded(DomainEvent):
    """The annual proof of life (生存认证) done on a date."""

    elder_id: str
    on: str


@dataclass(frozen=True, slots=True)
class AllowanceStarted(DomainEvent):
    """The allowance starts by itself in ``starts``, in a band, by the standard in force."""

    allowance_id: str
    elder_id: str
    person: str
    residence: str
    band: str
    """The band's label: ``80-89``, ``100+``."""
    band_lower: int
    starts: str
    monthly_fen: int
    standard_id: str


@dataclass(frozen=True, slots=True)
class AllowanceBandChanged(DomainEvent):
    """The band changes by itself from ``from_period`` (the next threshold reached, or the bands
    themselves changed)."""

    allowance_id: str
    elder_id: str
    band_before: str
    band: str
    band_lower: int
    from_period: str
    monthly_fen: int
    standard_id: str


@dataclass(frozen=True, slots=True)
class AllowanceSuspended(DomainEvent):
    """Not paid from ``from_period`` (``moved_away``, ``proof_of_life_missed``, ``ineligible``)."""

    allowance_id: str
    elder_id: str
    reason: str
    from_period: str


@dataclass(frozen=True, slots=True)
class AllowanceResumed(DomainEvent):
    """Paid again from ``from_period`` (moved back, proof of life done, eligible again)."""

    allowance_id: str
    elder_id: str
    from_period: str


@dataclass(frozen=True, slots=True)
class AllowanceEnded(DomainEvent):
    """Ended; ``last_period`` is the last one paid (for a death: the month of death)."""

    allowance_id: str
    elder_id: str
    person: str
    residence: str
    reason: str
    """``death``, ``moved_away`` or ``revoked``."""
    last_period: str
    died_on: str | None = None


@dataclass(frozen=True, slots=True)
class ProofOfLifeLapsed(DomainEvent):
    """Internal: the proof of life fell due on ``due_on`` without being done (逾期未认证); the
    allowance is not paid from the month after it until a proof is recorded."""

    elder_id: str
    due_on: str


@dataclass(frozen=True, slots=True)
class EligibilityChanged(DomainEvent):
    """Internal: a started allowance's eligibility by the standards in force changed from
    ``from_period`` (an income test or dibao-only introduced or lifted, a band closed)."""

    elder_id: str
    eligible: bool
    from_period: str


@dataclass(frozen=True, slots=True)
class ElderDied(DomainEvent):
    """Internal: an elder whose allowance had not started died (no later start)."""

    elder_id: str
    died_on: str


ELDER_EVENTS = EventTypes(
    ElderRegistered,
    ElderMoved,
    ProofOfLifeRecorded,
    AllowanceStarted,
    AllowanceBandChanged,
    AllowanceSuspended,
    AllowanceResumed,
    AllowanceEnded,
    ProofOfLifeLapsed,
    EligibilityChanged,
    ElderDied,
)
"""The elder stream's event types (the allowance area adds any others it needs to this set)."""
