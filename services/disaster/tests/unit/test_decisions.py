"""The decisions of incidents, households and warehouses, given/when/then and property-tested."""

from __future__ import annotations

import dataclasses
import uuid
from datetime import UTC, datetime, timedelta

from hypothesis import given
from hypothesis import strategies as st

from minzheng_contracts import make_resident_id
from minzheng_disaster.application.streams import HOUSEHOLD, INCIDENT, WAREHOUSE
from minzheng_disaster.domain import household, incident, warehouse
from minzheng_disaster.domain.allocation import CASH, Source
from minzheng_disaster.domain.events import (
    CashReliefPaid,
    DisasterReported,
    HouseholdRegistered,
    IncidentVerified,
    ReliefAllocated,
    ReliefDelivered,
    ReliefSlaAtRisk,
    ReliefSlaBreached,
    ReliefSlaMet,
    StockReceived,
)
from minzheng_disaster.domain.incident import Damage
from minzheng_disaster.domain.sla import Outcome, SlaTerms, outcome
from minzheng_eventstore.testing import Scenario
from minzheng_kernel.errors import Conflict, NotFound

REPORT = datetime(2026, 7, 14, 6, 0, tzinfo=UTC)
INCIDENT_ID = "7d0c3a56-1f2e-4b7a-9c1d-2e3f4a5b6c7d"
HEAD = make_resident_id("330727", datetime(1950, 3, 1).date(), 1).reveal()
VILLAGE = "330727101201"

REPORTED = DisasterReported(
    INCIDENT_ID,
    "flood",
    ["330727101"],
    (REPORT - timedelta(hours=1)).isoformat(),
    REPORT.isoformat(),
    "township office",
    None,
)
ALLOCATED = ReliefAllocated("doc-1", 200_000, {"quilt": 6}, "w1")
REGISTERED = HouseholdRegistered(
    incident_id=INCIDENT_ID,
    head=HEAD,
    village=VILLAGE,
    members=3,
    relocation=1,
    damage="severe",
    needs={"cash": True},
    vulnerable=False,
    registered_at=(REPORT + timedelta(hours=1)).isoformat(),
    deadline=(REPORT + timedelta(hours=24)).isoformat(),
    warn_at=(REPORT + timedelta(hours=18)).isoformat(),
    sla_terms="sla:default",
    minutes_after_report=60,
    late_registration=False,
)


DELIVERY = "0b6c6f4e-9f1a-4c1e-8d3b-5a6b7c8d9e0f"
AFTER_REPORT = REPORT + timedelta(hours=2)
INCIDENT_STATE = INCIDENT.apply(INCIDENT.initial(), [REPORTED, ALLOCATED])
LEFT = {"cash_fen": 200_000, "quilt": 6}


def sources(left: dict[str, int], at: datetime = REPORT) -> list[Source]:
    return [Source(item, CASH if item == "cash_fen" else "w1", at, n) for item, n in left.items()]


def deliver(
    state: household.Household,
    *,
    cash: int = 50_000,
    quilts: int = 1,
    at: datetime | None = None,
    now: datetime = AFTER_REPORT,
    delivery_id: str = DELIVERY,
    left: dict[str, int] | None = None,
) -> list:  # type: ignore[type-arg]
    return household.deliver(
        state,
        INCIDENT_STATE,
        delivery_id=delivery_id,
        cash_fen=cash,
        items={"quilt": quilts},
        delivered_at=at,
        now=now,
        by="official-9",
        sources=sources(LEFT if left is None else left),
    )


def test_report_then_verify_then_allocate() -> None:
    now = REPORT + timedelta(minutes=5)
    Scenario(INCIDENT).when(lambda s: incident.report(s, REPORTED, now=now, county="330727")).then(REPORTED)
    # the same report again records nothing; another one under the id is refused
    Scenario(INCIDENT).given(REPORTED).when(
        lambda s: incident.report(s, REPORTED, now=now, county="330727")
    ).then()
    other = dataclasses.replace(REPORTED, reporter="someone else")
    Scenario(INCIDENT).given(REPORTED).when(
        lambda s: incident.report(s, other, now=now, county="330727")
    ).then_refused("id_reused", Conflict)
    Scenario(INCIDENT).when(lambda s: incident.verify(s, INCIDENT_ID, "x")).then_refused(
        "unknown_incident", NotFound
    )
    state = (
        Scenario(INCIDENT)
        .given(REPORTED)
        .when(lambda s: incident.verify(s, INCIDENT_ID, "x"))
        .then(IncidentVerified("x"))
    )
    assert state.verified
    allocation = (
        Scenario(INCIDENT)
        .given(REPORTED)
        .when(
            lambda s: incident.allocate(
                s,
                INCIDENT_ID,
                document="doc-1",
                cash_fen=200_000,
                items={"quilt": 6},
                warehouse="w1",
                available={"quilt": 6},
            )
        )
    )
    assert allocation.then(ALLOCATED).cash_documents == ("doc-1",)
    Scenario(INCIDENT).given(REPORTED).when(
        lambda s: incident.allocate(
            s,
            INCIDENT_ID,
            document="d",
            cash_fen=0,
            items={"quilt": 7},
            warehouse="w1",
            available={"quilt": 6},
        )
    ).then_refused("insufficient_stock", Conflict)


def test_register_starts_the_clock_at_the_report() -> None:
    now = REPORT + timedelta(hours=1)

    def register(state: household.Household) -> list:  # type: ignore[type-arg]
        return household.register(
            state,
            INCIDENT_STATE,
            incident_id=INCIDENT_ID,
            head=HEAD,
            village=VILLAGE,
            members=3,
            relocation=1,
            damage=Damage.SEVERE,
            needs={"cash": True},
            county="330727",
            vulnerable=False,
            terms=SlaTerms(),
            now=now,
        )

    Scenario(HOUSEHOLD).when(register).then(REGISTERED)
    Scenario(HOUSEHOLD).given(REGISTERED).when(register).then()  # the same registration: its answer
    Scenario(HOUSEHOLD).given(REGISTERED).when(
        lambda s: household.register(  # other details: id_reused
            s,
            INCIDENT_STATE,
            incident_id=INCIDENT_ID,
            head=HEAD,
            village=VILLAGE,
            members=4,
            relocation=1,
            damage=Damage.SEVERE,
            needs={"cash": True},
            county="330727",
            vulnerable=False,
            terms=SlaTerms(),
            now=now,
        )
    ).then_refused("id_reused", Conflict)


def test_deliver_meets_the_sla_once_and_a_repeat_records_nothing() -> None:
    at = AFTER_REPORT.isoformat()
    drawn = {CASH: {"cash_fen": 50_000}, "w1": {"quilt": 1}}
    delivered = ReliefDelivered(
        INCIDENT_ID, 50_000, {"quilt": 1}, "official-9", at, HEAD, DELIVERY, at, drawn
    )
    paid = CashReliefPaid(INCIDENT_ID, HEAD, 50_000, "doc-1")
    met = ReliefSlaMet(INCIDENT_ID, REGISTERED.deadline, at)
    state = Scenario(HOUSEHOLD).given(REGISTERED).when(deliver).then(delivered, paid, met)
    assert state.met and state.first_delivery == AFTER_REPORT
    again = Scenario(HOUSEHOLD).given(REGISTERED, delivered, paid, met)
    again.when(deliver).then()  # the same delivery re-sent
    again.when(lambda s: deliver(s, cash=1)).then_refused("id_reused", Conflict)
    second = "1b6c6f4e-9f1a-4c1e-8d3b-5a6b7c8d9e0f"
    later = ReliefDelivered(
        INCIDENT_ID, 0, {"quilt": 1}, "official-9", at, HEAD, second, at, {"w1": {"quilt": 1}}
    )
    again.when(lambda s: deliver(s, cash=0, delivery_id=second)).then(later)  # met only once
    Scenario(HOUSEHOLD).when(deliver).then_refused("household_not_on_incident", NotFound)
    Scenario(HOUSEHOLD).given(REGISTERED).when(lambda s: deliver(s, quilts=7)).then_refused(
        "over_allocation", Conflict
    )


def test_warehouse_receipts() -> None:
    state = (
        Scenario(WAREHOUSE)
        .when(lambda s: warehouse.receive(s, item="quilt", quantity=3))
        .then(StockReceived("quilt", 3))
    )
    assert state.received == {"quilt": 3}
    Scenario(WAREHOUSE).when(lambda s: warehouse.receive(s, item="quilt", quantity=0)).then_refused(
        "negative_quantity"
    )
    Scenario(WAREHOUSE).when(lambda s: warehouse.receive(s, item="q", quantity=10**9 + 1)).then_refused(
        "quantity_too_large"
    )


quantity = st.integers(min_value=-3, max_value=12)


@given(st.lists(st.tuples(quantity, quantity), max_size=12))
def test_never_more_delivered_than_allocated(requests: list[tuple[int, int]]) -> None:
    """Whatever is asked, the deliveries granted never exceed what the allocation held."""
    left = {"cash_fen": 20, "quilt": 6}
    state = HOUSEHOLD.apply(HOUSEHOLD.initial(), [REGISTERED])
    for n, (cash, quilts) in enumerate(requests):
        try:
            facts = deliver(state, cash=cash, quilts=quilts, left=left, delivery_id=str(uuid.UUID(int=n + 1)))
        except household.DomainError:
            continue
        state = HOUSEHOLD.apply(state, facts)
        left = {"cash_fen": left["cash_fen"] - cash, "quilt": left["quilt"] - quilts}
        assert min(left.values()) >= 0


@given(st.lists(st.tuples(st.integers(1, 20), st.integers(0, 25)), max_size=12))
def test_stock_never_negative(steps: list[tuple[int, int]]) -> None:
    """Receipts add, allocations reserve at most what is available: available stock stays ≥ 0."""
    depot = WAREHOUSE.initial()
    reserved = 0
    for received, wanted in steps:
        depot = WAREHOUSE.apply(depot, warehouse.receive(depot, item="quilt", quantity=received))
        available = depot.received["quilt"] - reserved
        try:
            incident.allocate(
                INCIDENT_STATE,
                INCIDENT_ID,
                document="d",
                cash_fen=0,
                items={"quilt": wanted},
                warehouse="w",
                available={"quilt": available},
            )
        except incident.DomainError:
            continue
        reserved += wanted
        assert depot.received["quilt"] - reserved >= 0


minutes = st.integers(min_value=0, max_value=60 * 60)


@given(st.lists(minutes, min_size=1, max_size=6), st.permutations(range(6)), minutes)
def test_sla_outcome_depends_only_on_event_times(delivered: list[int], order: list[int], later: int) -> None:
    """Recorded in any order, the same delivery times give the same outcome, at any later time."""
    registered = datetime.fromisoformat(REGISTERED.registered_at)
    times = [registered + timedelta(minutes=m) for m in delivered]
    shuffled = [times[i] for i in order if i < len(times)]
    results = set()
    for sequence in (times, shuffled):
        state = HOUSEHOLD.apply(HOUSEHOLD.initial(), [REGISTERED])
        for n, at in enumerate(sequence):
            now = max(sequence) + timedelta(minutes=1)
            facts = deliver(state, cash=0, at=at, now=now, delivery_id=str(uuid.UUID(int=n + 1)))
            state = HOUSEHOLD.apply(state, facts)
        now = max(times) + timedelta(minutes=later)
        results.add(outcome(state.outcome_clock(), state.first_delivery, now))
        assert state.met == (min(times) <= REPORT + timedelta(hours=24))
    assert len(results) == 1
    assert results.pop() == (Outcome.MET if min(times) <= REPORT + timedelta(hours=24) else Outcome.BREACHED)


stages = st.lists(st.sampled_from(["at_risk", "overdue"]), max_size=8)


@given(stages, st.booleans())
def test_at_risk_and_breach_are_raised_at_most_once(sequence: list[household.Stage], met: bool) -> None:
    history = [REGISTERED]
    if met:
        history.append(ReliefSlaMet(INCIDENT_ID, REGISTERED.deadline, AFTER_REPORT.isoformat()))
    state = HOUSEHOLD.apply(HOUSEHOLD.initial(), history)
    raised: list[str] = []
    for stage in sequence:
        facts = household.sla_alert(
            state, stage, raised_at=REPORT + timedelta(hours=30), escalated_to="330727"
        )
        state = HOUSEHOLD.apply(state, facts)
        raised += [f.event_type for f in facts]
    assert raised.count("ReliefSlaAtRisk") <= 1 and raised.count("ReliefSlaBreached") <= 1
    if met:
        assert raised == []
    if "ReliefSlaBreached" in raised and "ReliefSlaAtRisk" in raised:
        assert raised.index("ReliefSlaAtRisk") < raised.index("ReliefSlaBreached")


def test_alerts_carry_the_deadline_and_the_escalation() -> None:
    noticed = REPORT + timedelta(hours=40)
    state = HOUSEHOLD.apply(HOUSEHOLD.initial(), [REGISTERED])
    args = (INCIDENT_ID, REGISTERED.deadline, REGISTERED.warn_at, noticed.isoformat(), "330727")
    Scenario(HOUSEHOLD).given(REGISTERED).when(
        lambda s: household.sla_alert(s, "at_risk", raised_at=noticed, escalated_to="330727")
    ).then(ReliefSlaAtRisk(*args))
    breached = household.sla_alert(state, "overdue", raised_at=noticed, escalated_to="330727")
    assert breached == [ReliefSlaBreached(*args)]
