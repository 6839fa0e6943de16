"""The inspections area's pure rules: an inspection's findings, the order's deadline from the
standards, the clocks raised once, an order closing only when every finding is verified fixed, the
escalation (suspension at the overdue, resumption, the closure's grounds)."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

from hypothesis import given
from hypothesis import strategies as st

from minzheng_eldercare.application.inspections.streams import OVERSIGHT
from minzheng_eldercare.domain.inspections import decisions as d
from minzheng_eldercare.domain.inspections import events as e
from minzheng_eldercare.domain.inspections.oversight import Oversight
from minzheng_eventstore.testing import Scenario
from minzheng_kernel.errors import Conflict, NotFound
from minzheng_kernel.events import DomainEvent
from minzheng_kernel.standards import Standard, StandardsTable

CST = timezone(timedelta(hours=8))
TODAY = date(2026, 3, 2)
AT = datetime(2026, 4, 2, 0, 0, tzinfo=CST)
INST, TOWNSHIP, INSP, ORDER = "inst-1", "330727101", "insp-1", "order-1"
TABLE = StandardsTable(
    [
        Standard("rectification.days", "330727", date(2024, 1, 1), 30),
        Standard("rectification.at_risk_days", "330727", date(2024, 1, 1), 3),
    ]
)


def found(n: int = 2, kind: str = "nursing_home") -> list[DomainEvent]:
    return d.inspect(
        Oversight(),
        inspection_id=INSP,
        institution_id=INST,
        township=TOWNSHIP,
        inspected_on=TODAY,
        inspector="检查组",
        findings=[d.Finding(e.Category.FIRE, None, f"隐患 {i}") for i in range(n)],
        today=TODAY,
        kind=kind,
    )


def ordered(n: int = 2) -> Oversight:
    state = OVERSIGHT.apply(Oversight(), found(n))
    return OVERSIGHT.apply(state, d.order(state, TABLE, inspection_id=INSP, order_id=ORDER, today=TODAY))


def test_an_inspection_records_each_finding_with_the_sector_from_the_kind() -> None:
    facts = found(2, kind="private")
    assert [type(f).__name__ for f in facts] == ["InspectionCompleted", "HazardFound", "HazardFound"]
    assert {f.sector for f in facts if isinstance(f, e.HazardFound)} == {"private"}
    assert isinstance(facts[1], e.HazardFound) and facts[1].hazard_id == f"{INSP}-1"


def test_the_order_takes_its_deadline_and_at_risk_day_from_the_standards() -> None:
    state = ordered()
    o = state.orders[ORDER]
    assert (o.deadline, o.at_risk_on, o.status) == (date(2026, 4, 1), date(2026, 3, 29), "open")
    assert o.standard_ids == (
        "rectification.days:330727:2024-01-01",
        "rectification.at_risk_days:330727:2024-01-01",
    )
    assert state.status == "rectifying"


def test_one_order_per_inspection_and_none_without_findings() -> None:
    Scenario(OVERSIGHT).given(*ordered_events()).when(
        lambda s: d.order(s, TABLE, inspection_id=INSP, order_id="o2", today=TODAY)
    ).then_refused("already_ordered", Conflict)
    Scenario(OVERSIGHT).given(*found(0)).when(
        lambda s: d.order(s, TABLE, inspection_id=INSP, order_id="o2", today=TODAY)
    ).then_refused("no_findings")
    Scenario(OVERSIGHT).given(*found(1)).when(
        lambda s: d.order(s, TABLE, inspection_id="nope", order_id="o2", today=TODAY)
    ).then_refused("inspection_not_found", NotFound)


def ordered_events() -> list[DomainEvent]:
    state = OVERSIGHT.apply(Oversight(), found(2))
    return [*found(2), *d.order(state, TABLE, inspection_id=INSP, order_id=ORDER, today=TODAY)]


def test_the_overdue_is_raised_once_and_suspends_admissions() -> None:
    state = ordered()
    facts = d.overdue(state, ORDER, at=AT)
    assert [type(f).__name__ for f in facts] == ["RectificationOverdue", "AdmissionsSuspended"]
    after = OVERSIGHT.apply(state, facts)
    assert after.status == "admissions_suspended" and after.orders[ORDER].status == "overdue"
    assert d.overdue(after, ORDER, at=AT) == []
    assert d.at_risk(after, ORDER) == []


def test_a_partly_fixed_order_stays_open_and_the_last_fix_completes_and_resumes() -> None:
    state = OVERSIGHT.apply(ordered(), d.overdue(ordered(), ORDER, at=AT))
    first = d.reinspect(
        state,
        order_id=ORDER,
        reinspected_on=TODAY,
        inspector="x",
        verdicts={f"{INSP}-1": True, f"{INSP}-2": False},
        today=TODAY,
        at=AT,
    )
    assert [type(f).__name__ for f in first] == ["ReinspectionRecorded"]
    state = OVERSIGHT.apply(state, first)
    assert state.orders[ORDER].status == "overdue"
    second = d.reinspect(
        state,
        order_id=ORDER,
        reinspected_on=TODAY,
        inspector="x",
        verdicts={f"{INSP}-2": True},
        today=TODAY,
        at=AT,
    )
    assert [type(f).__name__ for f in second] == [
        "ReinspectionRecorded",
        "RectificationCompleted",
        "AdmissionsResumed",
    ]
    state = OVERSIGHT.apply(state, second)
    assert state.status == "rectified" and state.suspended_by is None


def test_a_finding_verified_fixed_is_not_reopened_by_a_later_verdict() -> None:
    state = ordered()
    facts = d.reinspect(
        state,
        order_id=ORDER,
        reinspected_on=TODAY,
        inspector="x",
        verdicts={f"{INSP}-1": True},
        today=TODAY,
        at=AT,
    )
    Scenario(OVERSIGHT).given(*ordered_events(), *facts).when(
        lambda s: d.reinspect(
            s,
            order_id=ORDER,
            reinspected_on=TODAY,
            inspector="x",
            verdicts={f"{INSP}-1": False},
            today=TODAY,
            at=AT,
        )
    ).then_refused("hazard_verified_fixed", Conflict)


def test_reinspection_refusals() -> None:
    given = ordered_events()
    when = Scenario(OVERSIGHT).given(*given)
    when.when(
        lambda s: d.reinspect(
            s,
            order_id=ORDER,
            reinspected_on=TODAY,
            inspector="x",
            verdicts={"other-1": True},
            today=TODAY,
            at=AT,
        )
    ).then_refused("unknown_hazard")
    Scenario(OVERSIGHT).given(*given).when(
        lambda s: d.reinspect(
            s,
            order_id=ORDER,
            reinspected_on=TODAY - timedelta(days=1),
            inspector="x",
            verdicts={f"{INSP}-1": True},
            today=TODAY,
            at=AT,
        )
    ).then_refused("before_order")


def test_closure_needs_an_overdue_order_or_a_suspension() -> None:
    Scenario(OVERSIGHT).given(*ordered_events()).when(
        lambda s: d.close(s, reason="r", today=TODAY, at=AT)
    ).then_refused("no_grounds_for_closure", Conflict)
    state = ordered()
    suspended = OVERSIGHT.apply(state, d.suspend(state, order_id=ORDER, reason="r", at=AT))
    closed = d.close(suspended, reason="r", today=TODAY, at=AT)
    assert [type(f).__name__ for f in closed] == ["InstitutionClosed"]
    after = OVERSIGHT.apply(suspended, closed)
    assert after.status == "closed"
    Scenario(OVERSIGHT).given(*ordered_events()).when(
        lambda s: d.suspend(s, order_id="nope", reason="r", at=AT)
    ).then_refused("order_not_found", NotFound)


@given(st.lists(st.booleans(), min_size=1, max_size=12), st.integers(min_value=1, max_value=12))
def test_an_order_completes_exactly_when_every_finding_is_verified_fixed(
    verdicts: list[bool], findings: int
) -> None:
    state = ordered(findings)
    hazards = state.orders[ORDER].hazard_ids
    named = {h: v for h, v in zip(hazards, verdicts, strict=False)}
    facts = d.reinspect(
        state, order_id=ORDER, reinspected_on=TODAY, inspector="x", verdicts=named, today=TODAY, at=AT
    )
    after = OVERSIGHT.apply(state, facts)
    every_fixed = len(named) == len(hazards) and all(named.values())
    assert (after.orders[ORDER].completed_on is not None) == every_fixed
    assert len(after.open_hazards(after.orders[ORDER])) == len(hazards) - sum(named.values())


def test_the_same_inspection_or_order_again_changes_nothing_and_its_id_elsewhere_is_refused() -> None:
    state = ordered()

    def again(n: int) -> list[DomainEvent]:
        return d.inspect(
            state,
            inspection_id=INSP,
            institution_id=INST,
            township=TOWNSHIP,
            inspected_on=TODAY,
            inspector="检查组",
            findings=[d.Finding(e.Category.FIRE, None, f"隐患 {i}") for i in range(n)],
            today=TODAY,
        )

    assert again(2) == []
    Scenario(OVERSIGHT).given(*ordered_events()).when(lambda s: again(3)).then_refused("id_reused", Conflict)
    assert d.order(state, TABLE, inspection_id=INSP, order_id=ORDER, today=TODAY) == []


@given(
    st.integers(min_value=1, max_value=365),
    st.integers(min_value=0, max_value=90),
    st.dates(min_value=date(2024, 1, 1), max_value=date(2030, 12, 31)),
)
def test_the_deadline_is_the_standards_days_after_the_order_and_at_risk_before_it(
    days: int, warn: int, today: date
) -> None:
    table = StandardsTable(
        [
            Standard("rectification.days", "330727", date(2024, 1, 1), days),
            Standard("rectification.at_risk_days", "330727", date(2024, 1, 1), warn),
        ]
    )
    state = OVERSIGHT.apply(Oversight(), found(1))
    (fact,) = d.order(state, table, inspection_id=INSP, order_id=ORDER, today=today)
    assert isinstance(fact, e.RectificationOrdered)
    deadline, at_risk_on = date.fromisoformat(fact.deadline), date.fromisoformat(fact.at_risk_on)
    assert (deadline - today).days == days
    assert today <= at_risk_on <= deadline
    assert at_risk_on == max(today, deadline - timedelta(days=warn))
