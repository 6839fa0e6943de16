"""A marriage (婚姻), one stream per marriage: registered → dissolved_by_divorce | ended_by_death,
with its divorce applications (离婚登记申请, Civil Code art. 1077) on the same stream, so that at
most one is open per marriage (the stream's version is the guard).

A divorce application: received → withdrawn | lapsed | registered | terminated (a spouse died).
Day 0 is the day of receipt; the cooling-off period (离婚冷静期) ends at the end of day N, the
certificate deadline at the end of day N + M, each moved to the next working day; an application
received when no cooling-off standard is in force (before 2021-01-01) has no cooling-off and no
deadline.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date
from enum import StrEnum

from minzheng_contracts import ResidentId
from minzheng_kernel.calendar import WorkingCalendar, period_end
from minzheng_kernel.errors import Conflict, DomainError, NotFound
from minzheng_kernel.events import DomainEvent
from minzheng_kernel.standards import Standard

from .marriage_events import (  # the events, read from here as m.MarriageRegistered etc.
    MARRIAGE_EVENTS,
    CertificateReissued,
    DivorceApplicationLapsed,
    DivorceApplicationReceived,
    DivorceApplicationTerminated,
    DivorceApplicationWithdrawn,
    DivorceRegistered,
    MarriageEndedByDeath,
    MarriageFlaggedForReview,
    MarriageRegistered,
    MarriageRevived,
)
from .rules import age_reached_on

__all__ = [
    "DEATH_BEFORE_REGISTRATION",
    "MARRIAGE_EVENTS",
    "ApplicationState",
    "CertificateReissued",
    "DivorceApplication",
    "DivorceApplicationLapsed",
    "DivorceApplicationReceived",
    "DivorceApplicationTerminated",
    "DivorceApplicationWithdrawn",
    "DivorceRegistered",
    "Marriage",
    "MarriageEndedByDeath",
    "MarriageFlaggedForReview",
    "MarriageRegistered",
    "MarriageRevived",
    "MarriageStatus",
    "apply_for_divorce",
    "check_certificate_request",
    "end_by_death",
    "evolve",
    "flag_corrected_death",
    "husband_and_wife",
    "lapse",
    "register",
    "register_divorce",
    "reissue",
    "revive",
    "withdraw",
]

DEATH_BEFORE_REGISTRATION = "death_before_registration"
"""The review reason of a marriage a spouse's death, dated before its registration, ended."""


class MarriageStatus(StrEnum):
    NONE = "none"
    REGISTERED = "registered"
    DISSOLVED_BY_DIVORCE = "dissolved_by_divorce"
    ENDED_BY_DEATH = "ended_by_death"


class ApplicationState(StrEnum):
    RECEIVED = "received"
    WITHDRAWN = "withdrawn"
    LAPSED = "lapsed"
    REGISTERED = "registered"
    TERMINATED = "terminated"


# -------------------------------------------------------------------------------------- state


@dataclass(frozen=True, slots=True)
class DivorceApplication:
    application_id: str
    received_on: date
    office: str
    cooling_off_ends: date | None
    certificate_deadline: date | None
    state: ApplicationState = ApplicationState.RECEIVED
    closed_on: str | None = None

    @property
    def open(self) -> bool:
        return self.state is ApplicationState.RECEIVED


@dataclass(frozen=True, slots=True)
class Marriage:
    marriage_id: str | None = None
    status: MarriageStatus = MarriageStatus.NONE
    husband: str = ""
    wife: str = ""
    office: str = ""
    registered_on: date | None = None
    marriage_certificate: str | None = None
    """The valid marriage certificate (J…, or the last BJ… reissue)."""
    divorce_certificate: str | None = None
    applications: tuple[DivorceApplication, ...] = ()
    ended_on: str | None = None
    ended_by: str | None = None
    """The death registration that ended the marriage."""
    review: str | None = None
    """Why the marriage is flagged for review (``death_before_registration``), if it is."""

    @property
    def open_application(self) -> DivorceApplication | None:
        last = self.applications[-1] if self.applications else None
        return last if last is not None and last.open else None

    def party(self, resident: str) -> str | None:
        return "husband" if resident == self.husband else "wife" if resident == self.wife else None

    def application(self, application_id: str) -> DivorceApplication:
        for a in self.applications:
            if a.application_id == application_id:
                return a
        raise NotFound(
            "application_not_found", "no such divorce application of this marriage", field="application_id"
        )


def _close(state: Marriage, application_id: str, to: ApplicationState, on: str) -> Marriage:
    apps = tuple(
        replace(a, state=to, closed_on=on) if a.application_id == application_id else a
        for a in state.applications
    )
    return replace(state, applications=apps)


def evolve(state: Marriage, event: DomainEvent) -> Marriage:
    match event:
        case MarriageRegistered():
            return Marriage(
                marriage_id=event.marriage_id,
                status=MarriageStatus.REGISTERED,
                husband=event.husband,
                wife=event.wife,
                office=event.office,
                registered_on=date.fromisoformat(event.registered_on),
                marriage_certificate=event.certificate_number,
            )
        case CertificateReissued():
            if event.kind == "marriage":
                return replace(state, marriage_certificate=event.new_number)
            return replace(state, divorce_certificate=event.new_number)
        case DivorceApplicationReceived():
            app = DivorceApplication(
                event.application_id,
                date.fromisoformat(event.received_on),
                event.office,
                None if event.cooling_off_ends is None else date.fromisoformat(event.cooling_off_ends),
                None
                if event.certificate_deadline is None
                else date.fromisoformat(event.certificate_deadline),
            )
            return replace(state, applications=(*state.applications, app))
        case DivorceApplicationWithdrawn():
            return _close(state, event.application_id, ApplicationState.WITHDRAWN, event.withdrawn_on)
        case DivorceApplicationLapsed():
            return _close(state, event.application_id, ApplicationState.LAPSED, event.lapsed_at[:10])
        case DivorceApplicationTerminated():
            return _close(state, event.application_id, ApplicationState.TERMINATED, event.terminated_on)
        case DivorceRegistered():
            closed = _close(state, event.application_id, ApplicationState.REGISTERED, event.registered_on)
            return replace(
                closed,
                status=MarriageStatus.DISSOLVED_BY_DIVORCE,
                divorce_certificate=event.certificate_number,
                ended_on=event.registered_on,
            )
        case MarriageEndedByDeath():
            return replace(
                state,
                status=MarriageStatus.ENDED_BY_DEATH,
                ended_on=event.date_of_death,
                ended_by=event.registration_id,
            )
        case MarriageFlaggedForReview():
            return replace(state, review=event.reason)
        case MarriageRevived():
            return replace(state, status=MarriageStatus.REGISTERED, ended_on=None, ended_by=None)
    return state


# ---------------------------------------------------------------------------------- decisions


def _in_person(both_present: bool) -> None:
    if not both_present:
        raise DomainError(
            "both_parties_in_person",
            "both parties must appear in person (Civil Code art. 1049)",
            field="both_present",
        )


def husband_and_wife(
    a: ResidentId,
    b: ResidentId,
    *,
    on: date,
    male_age: Standard,
    female_age: Standard,
) -> tuple[ResidentId, ResidentId]:
    """The husband and the wife of two parties (one man and one woman by ID digit 17), each of
    the legal age in force on ``on``; refused ``same_party``, ``same_sex`` or ``under_age``
    (naming the party's field)."""
    if a == b:
        raise DomainError("same_party", "the two parties are the same person", field="party_b")
    if a.sex == b.sex:
        raise DomainError("same_sex", "a marriage is of one man and one woman (ID digit 17)", field="party_b")
    husband, wife = (a, b) if a.sex == "male" else (b, a)
    for person, standard in ((husband, male_age), (wife, female_age)):
        if on < age_reached_on(person.birth_date, standard.value):
            field = "party_a" if person == a else "party_b"
            raise DomainError(
                "under_age",
                f"the {field} is under the legal age of {standard.value} ({standard.standard_id})",
                field=field,
            )
    return husband, wife


def register(
    state: Marriage,
    *,
    marriage_id: str,
    certificate_number: str,
    husband: ResidentId,
    wife: ResidentId,
    on: date,
    office: str,
    both_present: bool,
    male_age: Standard,
    female_age: Standard,
) -> list[DomainEvent]:
    _in_person(both_present)
    if state.status is not MarriageStatus.NONE:
        raise Conflict("marriage_exists", "this marriage id is already registered", field="marriage_id")
    return [
        MarriageRegistered(
            marriage_id,
            certificate_number,
            husband.reveal(),
            wife.reveal(),
            on.isoformat(),
            office,
            male_age.standard_id,
            female_age.standard_id,
        )
    ]


def _current(state: Marriage) -> None:
    if state.status is MarriageStatus.NONE:
        raise NotFound("marriage_not_found", "no such marriage", field="marriage_id")
    if state.status is not MarriageStatus.REGISTERED:
        raise Conflict("marriage_ended", f"the marriage is {state.status.value}", field="marriage_id")


def apply_for_divorce(
    state: Marriage,
    *,
    application_id: str,
    received_on: date,
    office: str,
    both_present: bool,
    written_agreement: bool,
    cooling_off: Standard | None,
    window: Standard | None,
    calendar: WorkingCalendar,
) -> list[DomainEvent]:
    """Receive a divorce application; ``cooling_off``/``window`` are the standards in force on
    ``received_on`` (None: none in force, no cooling-off and no deadline)."""
    _current(state)
    _in_person(both_present)
    if not written_agreement:
        raise DomainError(
            "written_agreement_required",
            "a written divorce agreement on children, property and debts is required (art. 1076)",
            field="written_agreement",
        )
    if any(a.application_id == application_id for a in state.applications):
        raise Conflict("application_exists", "this application id is already used", field="application_id")
    if state.open_application is not None:
        raise Conflict(
            "divorce_application_open",
            "this marriage already has an open divorce application",
            field="marriage_id",
        )
    ends = deadline = None
    if cooling_off is not None:
        ends = period_end(received_on, cooling_off.value, calendar)
        if window is not None:
            deadline = period_end(received_on, cooling_off.value + window.value, calendar)
    return [
        DivorceApplicationReceived(
            application_id,
            state.marriage_id or "",
            received_on.isoformat(),
            office,
            None if ends is None else ends.isoformat(),
            None if deadline is None else deadline.isoformat(),
            None if cooling_off is None else cooling_off.standard_id,
            None if window is None else window.standard_id,
        )
    ]


def _open(state: Marriage, application_id: str) -> DivorceApplication:
    app = state.application(application_id)
    if not app.open:
        raise Conflict(
            "application_closed", f"the divorce application is {app.state.value}", field="application_id"
        )
    return app


def withdraw(state: Marriage, *, application_id: str, by: ResidentId, today: date) -> list[DomainEvent]:
    """Either party withdraws, until the cooling-off period ends (its last day included)."""
    app = _open(state, application_id)
    party = state.party(by.reveal())
    if party is None:
        raise DomainError("not_a_party", "the person is not a party to this marriage", field="by")
    if app.cooling_off_ends is not None and today > app.cooling_off_ends:
        raise Conflict(
            "cooling_off_over", "the cooling-off period has ended: withdrawal is closed", field="by"
        )
    return [DivorceApplicationWithdrawn(application_id, today.isoformat(), party)]


def check_certificate_request(
    state: Marriage, *, application_id: str, today: date, office: str, both_present: bool
) -> DivorceApplication:
    """The application a divorce certificate may be issued on now, or the refusal."""
    app = _open(state, application_id)
    _in_person(both_present)
    if office != app.office:
        raise DomainError(
            "not_the_receiving_office",
            "the certificate is issued by the office that received it",
            field="office",
        )
    if app.cooling_off_ends is not None and today <= app.cooling_off_ends:
        raise Conflict(
            "cooling_off_not_over",
            f"the cooling-off period ends at the end of {app.cooling_off_ends.isoformat()}",
            field="application_id",
        )
    if app.certificate_deadline is not None and today > app.certificate_deadline:
        raise Conflict(
            "certificate_deadline_passed",
            f"the certificate had to be asked for by {app.certificate_deadline.isoformat()}",
            field="application_id",
        )
    return app


def register_divorce(
    state: Marriage,
    *,
    application_id: str,
    today: date,
    office: str,
    both_present: bool,
    certificate_number: str,
) -> list[DomainEvent]:
    check_certificate_request(
        state, application_id=application_id, today=today, office=office, both_present=both_present
    )
    return [
        DivorceRegistered(
            application_id,
            state.marriage_id or "",
            certificate_number,
            today.isoformat(),
            office,
            state.husband,
            state.wife,
        )
    ]


def lapse(state: Marriage, *, application_id: str, at: str) -> list[DomainEvent]:
    """The deadline passed: the application lapses, if it is still open (else nothing)."""
    app = next((a for a in state.applications if a.application_id == application_id), None)
    if app is None or not app.open:
        return []
    return [DivorceApplicationLapsed(application_id, at)]


def end_by_death(
    state: Marriage, *, deceased: str, registration_id: str, date_of_death: str, today: date
) -> list[DomainEvent]:
    """A spouse died: an open application is terminated and the marriage ends (nothing for a
    marriage already ended).

    A death dated before the marriage was registered is still registered (every benefit stops
    on it): the marriage ends by death on its registration day, never before it began, and is
    flagged for annulment review (``MarriageFlaggedForReview`` ``death_before_registration``,
    carrying the recorded date of death)."""
    if state.status is not MarriageStatus.REGISTERED:
        return []
    party = state.party(deceased)
    if party is None:
        return []
    facts: list[DomainEvent] = []
    app = state.open_application
    if app is not None:
        facts.append(DivorceApplicationTerminated(app.application_id, registration_id, today.isoformat()))
    mid = state.marriage_id or ""
    if state.registered_on is not None and date.fromisoformat(date_of_death) < state.registered_on:
        facts.append(MarriageFlaggedForReview(mid, DEATH_BEFORE_REGISTRATION, registration_id, date_of_death))
        facts.append(MarriageEndedByDeath(mid, party, registration_id, state.registered_on.isoformat()))
        return facts
    facts.append(MarriageEndedByDeath(mid, party, registration_id, date_of_death))
    return facts


def flag_corrected_death(state: Marriage, *, registration_id: str, date_of_death: str) -> list[DomainEvent]:
    """A correction dated the death that ended this marriage before the marriage was registered:
    the marriage is flagged for review (``death_before_registration``), once; nothing otherwise."""
    if state.status is not MarriageStatus.ENDED_BY_DEATH or state.ended_by != registration_id:
        return []
    if state.registered_on is None or state.review is not None:
        return []
    if date.fromisoformat(date_of_death) >= state.registered_on:
        return []
    mid = state.marriage_id or ""
    return [MarriageFlaggedForReview(mid, DEATH_BEFORE_REGISTRATION, registration_id, date_of_death)]


def reissue(
    state: Marriage, *, old_number: str, new_number: str, family: str, on: date, office: str
) -> list[DomainEvent]:
    """Reissue the valid certificate ``old_number`` (补领); a void number is refused."""
    if state.status is MarriageStatus.NONE:
        raise NotFound("certificate_not_found", "no such certificate", field="number")
    current = state.marriage_certificate if family == "marriage" else state.divorce_certificate
    if current != old_number:
        raise Conflict("certificate_void", "this certificate is void (it was reissued)", field="number")
    if family == "marriage" and state.status is not MarriageStatus.REGISTERED:
        raise Conflict("marriage_ended", f"the marriage is {state.status.value}", field="number")
    return [
        CertificateReissued(old_number, new_number, family, on.isoformat(), office, state.husband, state.wife)
    ]


def revive(state: Marriage, *, registration_id: str, on: date) -> list[DomainEvent]:
    """The marriage ended by the revoked declaration revives (nothing for any other)."""
    if state.status is not MarriageStatus.ENDED_BY_DEATH or state.ended_by != registration_id:
        return []
    return [MarriageRevived(state.marriage_id or "", registration_id, on.isoformat())]
