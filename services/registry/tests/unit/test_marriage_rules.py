"""The pure rules of marriage registration: the legal age (incl. 29 February), the certificate
numbers, and the person's and the marriage's decisions (given / when / then)."""

from __future__ import annotations

import calendar
import re
from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from minzheng_contracts import make_resident_id
from minzheng_contracts.registry import DIVORCE_CERTIFICATE, MARRIAGE_CERTIFICATE
from minzheng_eventstore.testing import Scenario
from minzheng_kernel.calendar import WorkingCalendar
from minzheng_kernel.errors import Conflict, DomainError, NotFound
from minzheng_kernel.standards import Standard
from minzheng_registry.application.marriage.streams import MARRIAGE, PERSON
from minzheng_registry.domain.marriage import marriage as m
from minzheng_registry.domain.marriage import person as p
from minzheng_registry.domain.marriage.rules import (
    CertificateKind,
    CertificateNumber,
    age_reached_on,
    is_of_age,
)

MALE = Standard("marriage_age_male", "330727", date(1981, 1, 1), 22)
FEMALE = Standard("marriage_age_female", "330727", date(1981, 1, 1), 20)
COOL = Standard("divorce_cooling_off_days", "330727", date(2021, 1, 1), 30)
WINDOW = Standard("divorce_certificate_window_days", "330727", date(2021, 1, 1), 30)
H = make_resident_id("330727", date(1995, 6, 1), 13)
W = make_resident_id("330727", date(1997, 8, 9), 24)
MID = "0d3a0000-0000-4000-8000-0000000000a1"
AID = "0d3a0000-0000-4000-8000-0000000000b1"
REGISTERED = m.MarriageRegistered(
    MID,
    "J330727-2026-000001",
    H.reveal(),
    W.reveal(),
    "2026-03-02",
    "330727",
    MALE.standard_id,
    FEMALE.standard_id,
)
RECEIVED = m.DivorceApplicationReceived(
    AID, MID, "2026-03-02", "330727", "2026-04-01", "2026-05-01", COOL.standard_id, WINDOW.standard_id
)

births = st.dates(min_value=date(1900, 1, 1), max_value=date(2100, 12, 31))


# ------------------------------------------------------------------------------------ the age


@given(births, st.integers(min_value=0, max_value=40))
def test_the_age_is_reached_on_the_birthday_and_not_the_day_before(birth: date, years: int) -> None:
    day = age_reached_on(birth, years)
    assert is_of_age(birth, years, day)
    assert not is_of_age(birth, years, day - timedelta(days=1))
    assert day.year == birth.year + years
    if (birth.month, birth.day) != (2, 29):
        assert (day.month, day.day) == (birth.month, birth.day)


@given(
    st.integers(min_value=1904, max_value=2096).filter(calendar.isleap),
    st.integers(min_value=1, max_value=40),
)
def test_born_on_29_february_reaches_the_age_on_28_february_of_a_common_year(year: int, years: int) -> None:
    day = age_reached_on(date(year, 2, 29), years)
    expected = date(year + years, 2, 29) if calendar.isleap(year + years) else date(year + years, 2, 28)
    assert day == expected


def test_the_legal_age_is_the_standard_in_force_and_names_the_party() -> None:
    young_man = make_resident_id("330727", date(2004, 3, 3), 13)
    with pytest.raises(DomainError) as refused:
        m.husband_and_wife(W, young_man, on=date(2026, 3, 2), male_age=MALE, female_age=FEMALE)
    assert (refused.value.code, refused.value.field) == ("under_age", "party_b")
    assert MALE.standard_id in refused.value.message
    # under the 1950 law's 20/18 the same man was of age
    old = Standard("marriage_age_male", "330727", date(1950, 5, 1), 20)
    assert m.husband_and_wife(W, young_man, on=date(2026, 3, 2), male_age=old, female_age=FEMALE) == (
        young_man,
        W,
    )


def test_one_man_and_one_woman_by_digit_17() -> None:
    other_man = make_resident_id("330727", date(1990, 1, 1), 15)
    with pytest.raises(DomainError) as refused:
        m.husband_and_wife(H, other_man, on=date(2026, 3, 2), male_age=MALE, female_age=FEMALE)
    assert refused.value.code == "same_sex"
    assert m.husband_and_wife(W, H, on=date(2026, 3, 2), male_age=MALE, female_age=FEMALE) == (H, W)


# ------------------------------------------------------------------------------- certificates


@given(
    st.sampled_from(list(CertificateKind)),
    st.from_regex(r"[1-9][0-9]{5}", fullmatch=True),
    st.integers(min_value=1950, max_value=2199),
    st.integers(min_value=1, max_value=999_999),
)
def test_a_certificate_number_has_the_national_format_and_parses_back(
    kind: CertificateKind, office: str, year: int, serial: int
) -> None:
    number = CertificateNumber(kind, office, year, serial)
    text = str(number)
    assert re.fullmatch(r"(BJ|BL|J|L|W)[0-9]{6}-[0-9]{4}-[0-9]{6}", text)
    assert CertificateNumber.parse(text) == number
    if kind.family == "marriage":
        assert re.fullmatch(MARRIAGE_CERTIFICATE, text)
    if kind.family == "divorce":
        assert re.fullmatch(DIVORCE_CERTIFICATE, text)


def test_the_example_number_and_the_bounds() -> None:
    assert str(CertificateNumber(CertificateKind.MARRIAGE, "330727", 2026, 1)) == "J330727-2026-000001"
    assert CertificateKind.MARRIAGE.reissue is CertificateKind.MARRIAGE_REISSUE
    assert CertificateKind.DIVORCE_REISSUE.reissue is CertificateKind.DIVORCE_REISSUE
    with pytest.raises(ValueError):
        CertificateNumber(CertificateKind.MARRIAGE, "330727", 2026, 1_000_000)
    with pytest.raises(ValueError):
        CertificateNumber(CertificateKind.MARRIAGE, "330727101", 2026, 1)
    with pytest.raises(DomainError):
        CertificateNumber.parse("J330727-2026-1")
    with pytest.raises(DomainError):
        _ = CertificateKind.NO_MARRIAGE_RECORD.reissue


# ------------------------------------------------------------------------------------ person


def test_a_married_person_cannot_marry_again_and_a_divorced_or_widowed_one_can() -> None:
    married = p.PersonMarried(MID, W.reveal(), "2026-03-02")
    Scenario(PERSON).given(married).when(
        lambda s: p.marry(s, marriage_id="x", spouse="y", on="2026-04-01", field="party_a")
    ).then_refused("already_married", Conflict)
    for ended in (p.PersonDivorced(MID, "2026-05-01"), p.PersonWidowed(MID, "2026-05-01", "r")):
        state = (
            Scenario(PERSON)
            .given(married, ended)
            .when(lambda s: p.marry(s, marriage_id="x", spouse="y", on="2026-06-01", field="party_a"))
            .then(p.PersonMarried("x", "y", "2026-06-01"))
        )
        assert state.status is p.MaritalStatus.MARRIED and state.marriages == (MID, "x")


def test_the_deceased_is_terminal_and_gets_no_certificate() -> None:
    dead = p.PersonDeceased("r", "2026-02-01")
    Scenario(PERSON).given(dead).when(
        lambda s: p.marry(s, marriage_id="x", spouse="y", on="2026-04-01", field="party_b")
    ).then_refused("party_deceased")
    Scenario(PERSON).given(dead).when(
        lambda s: p.die(s, registration_id="r2", date_of_death="2026-02-01")
    ).then_refused("death_already_registered", Conflict)
    Scenario(PERSON).given(p.PersonMarried(MID, W.reveal(), "2026-03-02")).when(
        lambda s: p.certify_no_record(
            s, certificate_number="W330727-2026-000001", on="2026-03-02", office="330727"
        )
    ).then_refused("marriage_on_record", Conflict)


def test_no_marriage_record_is_certified_only_to_a_person_never_married() -> None:
    certify = lambda s: p.certify_no_record(  # noqa: E731
        s, certificate_number="W330727-2026-000002", on="2026-06-01", office="330727"
    )
    Scenario(PERSON).given().when(certify).then(
        p.NoMarriageRecordCertified("W330727-2026-000002", "2026-06-01", "330727")
    )
    married = p.PersonMarried(MID, W.reveal(), "2026-03-02")
    for ended in (p.PersonDivorced(MID, "2026-05-01"), p.PersonWidowed(MID, "2026-05-01", "r")):
        Scenario(PERSON).given(married, ended).when(certify).then_refused("marriage_on_record", Conflict)


# ---------------------------------------------------------------------------------- divorce


CAL = WorkingCalendar()


def test_the_clocks_count_from_day_0_and_move_to_the_next_working_day() -> None:
    Scenario(MARRIAGE).given(REGISTERED).when(
        lambda s: m.apply_for_divorce(
            s,
            application_id=AID,
            received_on=date(2026, 3, 2),
            office="330727",
            both_present=True,
            written_agreement=True,
            cooling_off=COOL,
            window=WINDOW,
            calendar=CAL,
        )
    ).then(RECEIVED)
    holiday = WorkingCalendar(non_working=frozenset({date(2026, 4, 1), date(2026, 5, 1)}))
    (event,) = m.apply_for_divorce(
        MARRIAGE.apply(m.Marriage(), [REGISTERED]),
        application_id=AID,
        received_on=date(2026, 3, 2),
        office="330727",
        both_present=True,
        written_agreement=True,
        cooling_off=COOL,
        window=WINDOW,
        calendar=holiday,
    )
    assert isinstance(event, m.DivorceApplicationReceived)
    assert (event.cooling_off_ends, event.certificate_deadline) == ("2026-04-02", "2026-05-04")


def test_before_2021_there_is_no_cooling_off_and_no_deadline() -> None:
    (event,) = m.apply_for_divorce(
        MARRIAGE.apply(m.Marriage(), [REGISTERED]),
        application_id=AID,
        received_on=date(2020, 12, 31),
        office="330727",
        both_present=True,
        written_agreement=True,
        cooling_off=None,
        window=None,
        calendar=CAL,
    )
    assert isinstance(event, m.DivorceApplicationReceived)
    assert (event.cooling_off_ends, event.certificate_deadline) == (None, None)
    state = MARRIAGE.apply(m.Marriage(), [REGISTERED, event])
    facts = m.register_divorce(
        state,
        application_id=AID,
        today=date(2020, 12, 31),
        office="330727",
        both_present=True,
        certificate_number="L330727-2020-000001",
    )
    assert isinstance(facts[0], m.DivorceRegistered)


def test_withdrawal_until_the_last_day_of_cooling_off_and_the_certificate_after_it() -> None:
    s = Scenario(MARRIAGE).given(REGISTERED, RECEIVED)
    s.when(lambda st_: m.withdraw(st_, application_id=AID, by=W, today=date(2026, 4, 1))).then(
        m.DivorceApplicationWithdrawn(AID, "2026-04-01", "wife")
    )
    s.when(lambda st_: m.withdraw(st_, application_id=AID, by=H, today=date(2026, 4, 2))).then_refused(
        "cooling_off_over", Conflict
    )

    def issue(today: date, office: str = "330727") -> list[m.DomainEvent]:
        return m.register_divorce(
            s.state,
            application_id=AID,
            today=today,
            office=office,
            both_present=True,
            certificate_number="L330727-2026-000001",
        )

    with pytest.raises(Conflict, match="cooling-off"):
        issue(date(2026, 4, 1))
    with pytest.raises(DomainError) as wrong:
        issue(date(2026, 4, 2), office="330727101")
    assert wrong.value.code == "not_the_receiving_office"
    assert isinstance(issue(date(2026, 5, 1))[0], m.DivorceRegistered)
    with pytest.raises(Conflict) as late:
        issue(date(2026, 5, 2))
    assert late.value.code == "certificate_deadline_passed"


def test_one_open_application_per_marriage_and_a_lapse_only_of_an_open_one() -> None:
    Scenario(MARRIAGE).given(REGISTERED, RECEIVED).when(
        lambda s: m.apply_for_divorce(
            s,
            application_id="other",
            received_on=date(2026, 3, 3),
            office="330727",
            both_present=True,
            written_agreement=True,
            cooling_off=COOL,
            window=WINDOW,
            calendar=CAL,
        )
    ).then_refused("divorce_application_open", Conflict)
    at = "2026-05-02T00:00:00+08:00"
    Scenario(MARRIAGE).given(REGISTERED, RECEIVED).when(lambda s: m.lapse(s, application_id=AID, at=at)).then(
        m.DivorceApplicationLapsed(AID, at)
    )
    withdrawn = m.DivorceApplicationWithdrawn(AID, "2026-03-05", "husband")
    Scenario(MARRIAGE).given(REGISTERED, RECEIVED, withdrawn).when(
        lambda s: m.lapse(s, application_id=AID, at=at)
    ).then()


def test_a_death_terminates_the_open_application_and_ends_the_marriage() -> None:
    Scenario(MARRIAGE).given(REGISTERED, RECEIVED).when(
        lambda s: m.end_by_death(
            s, deceased=H.reveal(), registration_id="r", date_of_death="2026-03-10", today=date(2026, 3, 11)
        )
    ).then(
        m.DivorceApplicationTerminated(AID, "r", "2026-03-11"),
        m.MarriageEndedByDeath(MID, "husband", "r", "2026-03-10"),
    )


def test_a_death_dated_before_the_registration_ends_it_on_its_registration_day_flagged() -> None:
    state = (
        Scenario(MARRIAGE)
        .given(REGISTERED, RECEIVED)
        .when(
            lambda s: m.end_by_death(
                s,
                deceased=W.reveal(),
                registration_id="r",
                date_of_death="2026-02-20",
                today=date(2026, 3, 11),
            )
        )
        .then(
            m.DivorceApplicationTerminated(AID, "r", "2026-03-11"),
            m.MarriageFlaggedForReview(MID, "death_before_registration", "r", "2026-02-20"),
            m.MarriageEndedByDeath(MID, "wife", "r", "2026-03-02"),
        )
    )
    assert state.status is m.MarriageStatus.ENDED_BY_DEATH
    assert (state.ended_on, state.review) == ("2026-03-02", "death_before_registration")
    # a death on the registration day itself is no conflict
    Scenario(MARRIAGE).given(REGISTERED).when(
        lambda s: m.end_by_death(
            s, deceased=W.reveal(), registration_id="r", date_of_death="2026-03-02", today=date(2026, 3, 11)
        )
    ).then(m.MarriageEndedByDeath(MID, "wife", "r", "2026-03-02"))


def test_a_reissue_voids_the_old_number() -> None:
    reissued = m.CertificateReissued(
        "J330727-2026-000001",
        "BJ330727-2026-000001",
        "marriage",
        "2026-06-01",
        "330727",
        H.reveal(),
        W.reveal(),
    )
    state = (
        Scenario(MARRIAGE)
        .given(REGISTERED)
        .when(
            lambda s: m.reissue(
                s,
                old_number="J330727-2026-000001",
                new_number="BJ330727-2026-000001",
                family="marriage",
                on=date(2026, 6, 1),
                office="330727",
            )
        )
        .then(reissued)
    )
    assert state.marriage_certificate == "BJ330727-2026-000001"
    Scenario(MARRIAGE).given(REGISTERED, reissued).when(
        lambda s: m.reissue(
            s,
            old_number="J330727-2026-000001",
            new_number="BJ330727-2026-000002",
            family="marriage",
            on=date(2026, 6, 2),
            office="330727",
        )
    ).then_refused("certificate_void", Conflict)
    Scenario(MARRIAGE).when(
        lambda s: m.withdraw(s, application_id=AID, by=H, today=date(2026, 4, 1))
    ).then_refused("application_not_found", NotFound)


def test_a_revoked_declaration_restores_the_status_and_revives_only_its_own_marriage() -> None:
    married = p.PersonMarried(MID, W.reveal(), "2026-03-02")
    dead = p.PersonDeceased("r", "2026-04-01")
    Scenario(PERSON).given(married, dead).when(
        lambda s: p.revoke_death(s, registration_id="r", marriage_revived=True)
    ).then(p.PersonDeathRevoked("r", "married"))
    Scenario(PERSON).given(married, dead).when(
        lambda s: p.revoke_death(s, registration_id="r", marriage_revived=False)
    ).then(p.PersonDeathRevoked("r", "divorced"))
    Scenario(PERSON).given(dead).when(
        lambda s: p.revoke_death(s, registration_id="r", marriage_revived=False)
    ).then(p.PersonDeathRevoked("r", "unmarried"))
    ended = m.MarriageEndedByDeath(MID, "husband", "r", "2026-04-01")
    Scenario(MARRIAGE).given(REGISTERED, ended).when(
        lambda s: m.revive(s, registration_id="r", on=date(2026, 9, 1))
    ).then(m.MarriageRevived(MID, "r", "2026-09-01"))
    Scenario(MARRIAGE).given(REGISTERED, ended).when(
        lambda s: m.revive(s, registration_id="other", on=date(2026, 9, 1))
    ).then()
    remarried = Scenario(PERSON).given(
        p.PersonWidowed(MID, "2026-04-01", "r"), p.PersonMarried("x", "y", "2026-05-01")
    )
    assert not p.may_revive(remarried.state, MID)


@given(
    st.dates(min_value=date(2021, 1, 1), max_value=date(2030, 12, 31)),
    st.sets(st.dates(min_value=date(2021, 1, 1), max_value=date(2031, 6, 30)), max_size=30),
)
def test_the_clocks_end_on_a_working_day_no_earlier_than_day_n_and_no_later_than_needed(
    received: date, holidays: set[date]
) -> None:
    cal = WorkingCalendar(non_working=frozenset(holidays))
    (event,) = m.apply_for_divorce(
        MARRIAGE.apply(m.Marriage(), [REGISTERED]),
        application_id=AID,
        received_on=received,
        office="330727",
        both_present=True,
        written_agreement=True,
        cooling_off=COOL,
        window=WINDOW,
        calendar=cal,
    )
    assert isinstance(event, m.DivorceApplicationReceived)
    assert event.cooling_off_ends is not None and event.certificate_deadline is not None
    for text, n in ((event.cooling_off_ends, 30), (event.certificate_deadline, 60)):
        end = date.fromisoformat(text)
        day_n = received + timedelta(days=n)
        assert end >= day_n and cal.is_working(end)
        assert all(not cal.is_working(day_n + timedelta(days=k)) for k in range((end - day_n).days))
