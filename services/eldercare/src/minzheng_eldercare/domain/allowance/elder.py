"""An elder and their allowance (老年人 · 高龄津贴), folded from the elder stream, and the pure
decisions on it: registration, a move, a proof of life, the daily start and band check, a death.

The allowance is paid while it has started, has not ended and nothing holds it: the elder lives
away from the county (``moved_away``), the proof of life has lapsed (``proof_of_life_missed``), or
the standards no longer make the elder eligible (``ineligible``). Those reasons are facts of their
own (``ElderMoved``, ``ProofOfLifeLapsed``/``ProofOfLifeRecorded``, ``EligibilityChanged``); every
decision that moves the allowance between paid and held adds one ``AllowanceSuspended`` or
``AllowanceResumed`` with its first period, so the run reads one switch, never a tally of reasons.

Decided where the rules are silent:

- an amount change of the same band (the 2025 raise of 80–89) is **no event**: the band is the
  same and the run reads the amount of each period from the standards in force (``standard_id``
  on the start and the band change names the one in force when they were decided); a change of
  the bands themselves (a threshold added or dropped, so the label changes) is an
  ``AllowanceBandChanged``;
- a late registration starts in the period of the check (no back pay before registration);
- a move out or back, and a proof of life after a lapse, take effect from the next month;
- a lapsed proof holds the allowance from the month after the day it fell due;
- an elder who dies before the start is marked dead (``ElderDied``) and never starts.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from minzheng_contracts.period import Period
from minzheng_kernel.errors import Conflict, DomainError, NotFound
from minzheng_kernel.events import DomainEvent

from . import events as ev
from .terms import Terms, period_of, proof_due


class Status(StrEnum):
    PENDING = "pending"
    """Registered, the allowance not started (below the first band, or not eligible)."""
    ACTIVE = "active"
    SUSPENDED = "suspended"
    ENDED = "ended"
    DECEASED = "deceased"
    """Died before the allowance started."""


class Reason(StrEnum):
    MOVED_AWAY = "moved_away"
    PROOF_OF_LIFE_MISSED = "proof_of_life_missed"
    INELIGIBLE = "ineligible"


@dataclass(frozen=True, slots=True)
class Elder:
    elder_id: str | None = None
    person: str = ""
    """The resident ID (shown masked to most roles, never logged)."""
    born: date = date(1900, 1, 1)
    residence: str = ""
    """Where the elder lives now (outside the county after moving away)."""
    home: str = ""
    """The last residence within the county: whose officials keep the record, whose standards apply."""
    registered_on: date | None = None
    source: str = ""
    dibao: bool = False
    monthly_income_fen: int | None = None
    resident: bool = True
    last_proof: date | None = None
    """The last proof of life, or the registration (the clock of the next proof starts there)."""
    proof_lapsed: bool = False
    ineligible: bool = False
    band: str | None = None
    band_lower: int | None = None
    starts: str | None = None
    paying: bool = False
    held_from: str | None = None
    last_period: str | None = None
    ended_reason: str | None = None
    died_on: date | None = None

    @property
    def started(self) -> bool:
        return self.starts is not None

    @property
    def status(self) -> Status:
        if self.last_period is not None:
            return Status.ENDED
        if self.died_on is not None:
            return Status.DECEASED
        if not self.started:
            return Status.PENDING
        return Status.ACTIVE if self.paying else Status.SUSPENDED

    @property
    def open(self) -> bool:
        """Alive and not ended: the check still looks at it."""
        return self.status in (Status.PENDING, Status.ACTIVE, Status.SUSPENDED)

    @property
    def held(self) -> tuple[Reason, ...]:
        """What holds the allowance (or would stop it from starting)."""
        out = []
        if not self.resident:
            out.append(Reason.MOVED_AWAY)
        if self.proof_lapsed:
            out.append(Reason.PROOF_OF_LIFE_MISSED)
        if self.ineligible:
            out.append(Reason.INELIGIBLE)
        return tuple(out)

    def exists(self) -> Elder:
        if self.elder_id is None:
            raise NotFound("elder_not_found", "no such elder", field="elder_id")
        return self


def evolve(s: Elder, e: DomainEvent) -> Elder:
    r = dataclasses.replace
    match e:
        case ev.ElderRegistered():
            on = date.fromisoformat(e.registered_on)
            return r(
                s,
                elder_id=e.elder_id,
                person=e.person,
                born=date.fromisoformat(e.born),
                residence=e.residence,
                home=e.residence,
                registered_on=on,
                source=e.source,
                dibao=e.dibao,
                monthly_income_fen=e.monthly_income_fen,
                last_proof=on,
            )
        case ev.ElderMoved():
            home = e.residence if e.within_county else s.home
            return r(s, residence=e.residence, home=home, resident=e.within_county)
        case ev.ProofOfLifeRecorded():
            return r(s, last_proof=date.fromisoformat(e.on), proof_lapsed=False)
        case ev.ProofOfLifeLapsed():
            return r(s, proof_lapsed=True)
        case ev.EligibilityChanged():
            return r(s, ineligible=not e.eligible)
        case ev.AllowanceStarted():
            return r(s, band=e.band, band_lower=e.band_lower, starts=e.starts, paying=True)
        case ev.AllowanceBandChanged():
            return r(s, band=e.band, band_lower=e.band_lower)
        case ev.AllowanceSuspended():
            return r(s, paying=False, held_from=e.from_period)
        case ev.AllowanceResumed():
            return r(s, paying=True, held_from=None)
        case ev.AllowanceEnded():
            died = None if e.died_on is None else date.fromisoformat(e.died_on)
            return r(s, last_period=e.last_period, ended_reason=e.reason, died_on=died, paying=False)
        case ev.ElderDied():
            return r(s, died_on=date.fromisoformat(e.died_on))
    return s


def apply(s: Elder, facts: Sequence[DomainEvent]) -> Elder:
    for fact in facts:
        s = evolve(s, fact)
    return s


def _switched(before: Elder, facts: list[DomainEvent], from_period: Period) -> list[DomainEvent]:
    """``facts``, and the allowance's switch between paid and held that they cause, if any."""
    after = apply(before, facts)
    if not after.started or not after.open or after.elder_id is None:
        return facts
    held = bool(after.held)
    if after.paying and held:
        return [
            *facts,
            ev.AllowanceSuspended(after.elder_id, after.elder_id, after.held[0], str(from_period)),
        ]
    if not after.paying and not held and before.started:
        return [*facts, ev.AllowanceResumed(after.elder_id, after.elder_id, str(from_period))]
    return facts


def _alive(s: Elder) -> Elder:
    s.exists()
    if s.died_on is not None or s.last_period is not None:
        raise Conflict("elder_deceased", "the elder has died: nothing more is recorded", field="elder_id")
    return s


def register(
    s: Elder,
    *,
    elder_id: str,
    person: str,
    born: date,
    residence: str,
    registered_on: date,
    source: str,
    dibao: bool,
    monthly_income_fen: int | None,
) -> list[DomainEvent]:
    """Enter an elder in the register (登记); 409 ``already_registered`` naming the first entry."""
    if s.elder_id is not None:
        raise Conflict("already_registered", f"already registered as elder {s.elder_id}", field="resident_id")
    if born > registered_on:
        raise DomainError(
            "born_after_registration", "the birth date is after the registration", field="resident_id"
        )
    return [
        ev.ElderRegistered(
            elder_id,
            person,
            born.isoformat(),
            residence,
            registered_on.isoformat(),
            source,
            dibao,
            monthly_income_fen,
        )
    ]


def move(s: Elder, *, residence: str, moved_on: date, within_county: bool, today: date) -> list[DomainEvent]:
    """A new residence (迁居) from ``moved_on``; out of the county holds the allowance from the next
    month, back into it releases it from the next month."""
    _alive(s)
    assert s.elder_id is not None
    if residence == s.residence:
        raise DomainError("same_residence", "the elder lives there already", field="residence")
    if moved_on > today:
        raise DomainError("moved_in_future", "a move is recorded once it has happened", field="moved_on")
    if s.registered_on is not None and moved_on < s.registered_on:
        raise DomainError(
            "moved_before_registration", "the move is before the registration", field="moved_on"
        )
    fact = ev.ElderMoved(s.elder_id, residence, moved_on.isoformat(), within_county)
    return _switched(s, [fact], Period.of(moved_on).next())


def record_proof(s: Elder, *, on: date, today: date) -> list[DomainEvent]:
    """The proof of life (生存认证) done on ``on``; after a lapse the allowance is paid again from
    the next month."""
    _alive(s)
    assert s.elder_id is not None
    if on > today:
        raise DomainError("proof_in_future", "a proof of life is recorded once it is done", field="on")
    if s.last_proof is not None and on < s.last_proof:
        raise DomainError("proof_out_of_order", f"a later proof is recorded ({s.last_proof})", field="on")
    return _switched(s, [ev.ProofOfLifeRecorded(s.elder_id, on.isoformat())], Period.of(on).next())


def check(s: Elder, terms: Terms, *, on: date) -> list[DomainEvent]:
    """The daily start and band check (每日核定) for the period containing ``on``: a lapsed proof of
    life; for an allowance not started, the start in this period once the elder is in a band,
    resident and eligible; for a started one, a different band (``AllowanceBandChanged``) and a
    change of eligibility. Nothing when nothing changed: a second check of a day adds nothing."""
    if s.elder_id is None or not s.open:
        return []
    eid = s.elder_id
    period = period_of(on)
    facts: list[DomainEvent] = []
    if not s.proof_lapsed and s.last_proof is not None:
        due = proof_due(s.last_proof, terms.proof_months)
        if due <= on:
            lapsed: list[DomainEvent] = [ev.ProofOfLifeLapsed(eid, due.isoformat())]
            facts += _switched(s, lapsed, Period.of(due).next())
    now = apply(s, facts)
    band = terms.band(s.born, period)
    eligible = band is not None and terms.eligible(s.dibao, s.monthly_income_fen)
    if not now.started:
        if band is not None and eligible and not now.held:
            facts.append(
                ev.AllowanceStarted(
                    eid,
                    eid,
                    s.person,
                    s.home,
                    band.label,
                    band.lower,
                    str(period),
                    band.monthly_fen,
                    band.standard_id,
                )
            )
        return facts
    if band is not None and band.label != now.band:
        facts.append(
            ev.AllowanceBandChanged(
                eid,
                eid,
                now.band or "",
                band.label,
                band.lower,
                str(period),
                band.monthly_fen,
                band.standard_id,
            )
        )
    if now.ineligible == eligible:
        facts += _switched(apply(s, facts), [ev.EligibilityChanged(eid, eligible, str(period))], period)
    return facts


def die(s: Elder, *, died_on: date) -> list[DomainEvent]:
    """The death (死亡): the allowance ends with the month of death as its last period (paid
    through it); an elder not started yet is marked dead. A second report changes nothing."""
    if s.elder_id is None or s.died_on is not None or s.last_period is not None:
        return []
    if not s.started:
        return [ev.ElderDied(s.elder_id, died_on.isoformat())]
    return [
        ev.AllowanceEnded(
            s.elder_id,
            s.elder_id,
            s.person,
            s.home,
            "death",
            str(Period.of(died_on)),
            died_on.isoformat(),
        )
    ]


__all__ = ["Elder", "Reason", "Status", "apply", "check", "die", "evolve", "move", "record_proof", "register"]
