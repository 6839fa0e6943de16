"""One rule for re-sent commands, in every decision that takes a client id: the same id with the
same content changes nothing (the handler answers with the original result); the same id with other
content is refused with ``id_reused``."""

from __future__ import annotations

from datetime import UTC, date, datetime

from minzheng_assistance.application.streams import MEDICAL, TEKUN, TEMPORARY
from minzheng_assistance.domain import events as ev
from minzheng_assistance.domain import household as hh
from minzheng_assistance.domain import other_aid as aid
from minzheng_assistance.domain.standards import Parameter, Standard, StandardsTable
from minzheng_eventstore.testing import Scenario
from minzheng_kernel.errors import Conflict

AT = datetime(2026, 3, 5, 1, 0, tzinfo=UTC)
ON = date(2026, 3, 5)
STANDARDS = StandardsTable(
    [
        Standard(Parameter.TEMPORARY_AID_LIMIT, "330727", date(2014, 1, 1), 300_000),
        Standard(Parameter.MEDICAL_RATE, "330727", date(2014, 1, 1), 7_000),
        Standard(Parameter.MEDICAL_ANNUAL_CAP, "330727", date(2014, 1, 1), 1_000_000),
    ]
)
V = "330727101201"
HID = "h-1"
P = "dibao_rural"


def on_notice(income: int) -> hh.Household:
    member: ev.MemberData = {
        "resident_id": "p1",
        "relationship": "self",
        "monthly_income_fen": income,
        "employment": "unemployed",
    }
    history = [
        ev.HouseholdApplied(HID, P, V, False, AT.isoformat(), [member]),
        *[ev.ReviewStepRecorded(HID, P, s.value, True, "o") for s in hh.REVIEW_ORDER],
        ev.PublicNoticePosted(HID, P, AT.isoformat(), "2026-03-12T01:00:00+00:00", "notice"),
    ]
    state = hh.Household()
    for fact in history:
        state = hh.evolve(state, fact)
    assert state.status == hh.Status.NOTICE
    return state


def test_a_re_sent_objection_changes_nothing_even_after_it_was_resolved() -> None:
    state = on_notice(10_000)
    raised = hh.raise_objection(state, objection_id="ob-1", summary="owns a car?", at=AT)
    assert len(raised) == 1
    for fact in raised:
        state = hh.evolve(state, fact)
    assert hh.raise_objection(state, objection_id="ob-1", summary="owns a car?", at=AT) == []
    for fact in hh.resolve_objection(state, objection_id="ob-1", upheld=False, resolution="no", by="o"):
        state = hh.evolve(state, fact)
    assert hh.raise_objection(state, objection_id="ob-1", summary="owns a car?", at=AT) == []
    assert not state.objections


def test_an_objection_id_with_another_summary_is_refused() -> None:
    state = on_notice(10_000)
    for fact in hh.raise_objection(state, objection_id="ob-1", summary="owns a car?", at=AT):
        state = hh.evolve(state, fact)
    try:
        hh.raise_objection(state, objection_id="ob-1", summary="rents a shop", at=AT)
    except Conflict as refused:
        assert (refused.code, refused.field) == ("id_reused", "objection_id")
    else:
        raise AssertionError("not refused")


def confirmed(mode: str = "dispersed") -> ev.TekunSupportConfirmed:
    return ev.TekunSupportConfirmed("c-1", "p1", V, mode, "o", AT.isoformat())


def confirm(state: aid.TekunSupport, mode: aid.SupportMode, person: str = "p1") -> list:  # type: ignore[type-arg]
    return aid.confirm_tekun(
        state, case_id="c-1", person=person, residence=V, mode=mode, confirmed_by="o", at=AT
    )


def test_a_re_sent_tekun_confirmation_changes_nothing_after_a_mode_change() -> None:
    changed = ev.SupportModeChanged("c-1", "centralised", "o", from_mode="dispersed")
    Scenario(TEKUN).given(confirmed()).when(lambda s: confirm(s, aid.SupportMode.DISPERSED)).then()
    Scenario(TEKUN).given(confirmed(), changed).when(lambda s: confirm(s, aid.SupportMode.DISPERSED)).then()


def test_a_tekun_case_id_with_another_mode_or_person_is_refused() -> None:
    scenario = Scenario(TEKUN).given(confirmed())
    scenario.when(lambda s: confirm(s, aid.SupportMode.CENTRALISED)).then_refused("id_reused", Conflict)
    scenario.when(lambda s: confirm(s, aid.SupportMode.DISPERSED, "p2")).then_refused("id_reused", Conflict)


def grant(state: ev.TemporaryAidGranted | None, amount: int, cause: str = "fire") -> list:  # type: ignore[type-arg]
    return aid.grant_temporary_aid(
        state,
        grant_id="g-1",
        beneficiary="p1",
        residence=V,
        cause=aid.AidCause(cause),
        amount_fen=amount,
        on=ON,
        standards=STANDARDS,
    )


def test_a_re_sent_temporary_grant_changes_nothing_and_another_is_refused() -> None:
    granted = ev.TemporaryAidGranted("g-1", "p1", V, "fire", 100_000, "temporary_aid_limit:330727:2014-01-01")
    assert grant(None, 100_000) == [granted]
    scenario = Scenario(TEMPORARY).given(granted)
    scenario.when(lambda s: grant(s, 100_000)).then()
    scenario.when(lambda s: grant(s, 100_001)).then_refused("id_reused", Conflict)
    scenario.when(lambda s: grant(s, 100_000, "illness")).then_refused("id_reused", Conflict)


def claim(state: aid.MedicalYear, amount: int, beneficiary: str = "p1") -> list:  # type: ignore[type-arg]
    return aid.claim_medical_aid(
        state,
        claim_id="m-1",
        beneficiary=beneficiary,
        residence=V,
        receipts=[aid.Receipt("R1", amount)],
        on=ON,
        standards=STANDARDS,
    )


def test_a_re_sent_medical_claim_changes_nothing_and_another_is_refused() -> None:
    [paid] = claim(aid.MedicalYear(), 10_000)
    scenario = Scenario(MEDICAL).given(paid)
    assert scenario.state.claim("m-1") == paid
    scenario.when(lambda s: claim(s, 10_000)).then()
    scenario.when(lambda s: claim(s, 10_001)).then_refused("id_reused", Conflict)
    scenario.when(lambda s: claim(s, 10_000, "p2")).then_refused("id_reused", Conflict)
