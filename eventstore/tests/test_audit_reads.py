"""The auditor's reads on the real store: a stream's and a person's history, a stream's state as of
a moment (known then against known now about then), and the rule behind a payment."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import pytest

from minzheng_eventstore import EventMetadata, EventStore, NewEvent
from minzheng_eventstore.asof import parse_moment, sides, state_as_of
from minzheng_eventstore.context import TEST_PSEUDONYM_KEY
from minzheng_eventstore.explain import explain, standard_ids, subject_ids
from minzheng_eventstore.history import jsonable, person_history, stream_history
from minzheng_eventstore.model import Checkpoint
from minzheng_eventstore.pseudonym import Pseudonyms
from minzheng_eventstore.uow import Aggregate
from minzheng_kernel.errors import DomainError, NotFound
from minzheng_kernel.events import DomainEvent, EventTypes

T0 = datetime(2026, 1, 1, 9, 0, tzinfo=UTC)
PERSON = "330727194904050315"
PSEUDONYMS = Pseudonyms(TEST_PSEUDONYM_KEY)


@dataclass(frozen=True, slots=True)
class Counted(DomainEvent):
    n: int


@dataclass(frozen=True, slots=True)
class Tally:
    total: int = 0
    seen: tuple[int, ...] = ()


def evolve(state: Tally, event: Counted) -> Tally:
    return Tally(state.total + event.n, (*state.seen, event.n))


TALLY = Aggregate("tally", EventTypes(Counted), Tally, evolve)


def meta(actor: str = "official-1") -> EventMetadata:
    return EventMetadata(actor=actor, jurisdiction="330727")


def counted(n: int, at: datetime, **kw: object) -> NewEvent:
    return NewEvent(event_type="Counted", data={"n": n}, occurred_at=at, metadata=meta(), **kw)  # type: ignore[arg-type]


async def test_a_stream_state_as_of_a_time_shows_the_late_fact_beside_what_was_known(
    store: EventStore,
) -> None:
    await store.append("tally-1", "tally", 0, [counted(1, T0), counted(2, T0 + timedelta(days=1))])
    [_, second] = await store.read_stream("tally-1")
    moment = second.recorded_at
    # recorded after the moment, about a day before it: a late fact
    await store.append("tally-1", "tally", 2, [counted(10, T0 + timedelta(hours=1))])

    found = await state_as_of(store, "tally-1", moment, {"tally": TALLY})
    assert found.folded and found.at == moment
    assert found.state_then == Tally(3, (1, 2))
    assert found.state_now == Tally(13, (1, 2, 10))
    assert [e.data["n"] for e in found.late] == [10] and found.ahead == []
    body = found.as_json()
    assert body["known_then"]["version"] == 2 and body["known_now"]["version"] == 3
    assert body["known_now"]["state"] == {"total": 13, "seen": [1, 2, 10]} and body["same"] is False

    # the same by position: the moment's time is the last event known then
    by_position = await state_as_of(store, "tally-1", second.checkpoint, {"tally": TALLY})
    assert by_position.at == moment and by_position.state_then == Tally(3, (1, 2))
    # a stream type with no aggregate declared: the events only
    plain = await state_as_of(store, "tally-1", moment, {})
    assert plain.folded is False and plain.state_then is None and len(plain.late) == 1


async def test_an_event_recorded_then_to_take_effect_later_is_ahead() -> None:
    from minzheng_eventstore.model import RecordedEvent

    def recorded(version: int, occurred: datetime, recorded_at: datetime) -> RecordedEvent:
        import uuid

        return RecordedEvent(
            "tally-2",
            "tally",
            version,
            version,
            1,
            uuid.uuid4(),
            "Counted",
            1,
            {"n": version},
            occurred,
            recorded_at,
        )

    events = [recorded(1, T0, T0), recorded(2, T0 + timedelta(days=30), T0 + timedelta(hours=1))]
    found = sides(events, T0 + timedelta(hours=2), TALLY)
    assert [e.version for e in found.ahead] == [2] and found.late == []
    assert found.state_then == Tally(3, (1, 2)) and found.state_now == Tally(1, (1,))


def test_a_moment_is_a_time_with_its_offset_or_a_position() -> None:
    assert parse_moment("2026-03-01T09:00:00+08:00") == datetime.fromisoformat("2026-03-01T09:00:00+08:00")
    assert parse_moment("12:34") == Checkpoint(12, 34)
    for bad in ("2026-03-01T09:00:00", "yesterday", "1:2:3"):
        with pytest.raises(DomainError) as refused:
            parse_moment(bad)
        assert refused.value.field == "as_of"


async def test_a_streams_history_carries_actor_times_correlation_and_causation(store: EventStore) -> None:
    import uuid

    correlation, cause = uuid.uuid4(), uuid.uuid4()
    m = EventMetadata(actor="approver-1", correlation_id=correlation, causation_id=cause)
    await store.append(
        "tally-3", "tally", 0, [NewEvent(event_type="Counted", data={"n": 1}, occurred_at=T0, metadata=m)]
    )
    found = (await stream_history(store, "tally-3")).as_json()
    [e] = found["events"]
    assert (e["actor"], e["correlation_id"], e["causation_id"]) == (
        "approver-1",
        str(correlation),
        str(cause),
    )
    assert e["occurred_at"] == T0.isoformat() and e["version"] == 1 and e["event_type"] == "Counted"


async def test_a_persons_history_finds_pseudonymous_streams_and_the_id_in_event_data(
    store: EventStore,
) -> None:
    token = PSEUDONYMS.token("test-person", PERSON)
    other = PSEUDONYMS.token("test-person", "330727195001010012")
    await store.append(f"person-{token}", "person", 0, [counted(1, T0)])
    await store.append(f"medical-{token}-2026", "medical", 0, [counted(2, T0)])
    await store.append(f"person-{other}", "person", 0, [counted(3, T0)])
    named = NewEvent(
        event_type="Paid", data={"beneficiary": PERSON, "amount_fen": 100}, occurred_at=T0, metadata=meta()
    )
    await store.append("payment-p1", "payment", 0, [named])
    # a longer ID that merely contains the person's is not the person
    near = NewEvent(event_type="Paid", data={"note": PERSON + "7"}, occurred_at=T0, metadata=meta())
    await store.append("payment-p2", "payment", 0, [near])

    found = await person_history(store, PSEUDONYMS, ["test-person"], PERSON)
    assert sorted(found.streams) == sorted([f"person-{token}", f"medical-{token}-2026", "payment-p1"])
    assert [e.stream_id for e in found.events][-1] == "payment-p1" and len(found.events) == 3
    # without the purposes declared: only the streams whose data names the person
    assert (await person_history(store, PSEUDONYMS, [], PERSON)).streams == ["payment-p1"]
    [first] = await store.read_stream(f"person-{token}")
    as_of = await person_history(store, PSEUDONYMS, ["test-person"], PERSON, as_of=first.checkpoint)
    assert as_of.streams == [f"person-{token}"]


def standard_set(standard_id: str, value: int) -> NewEvent:
    return NewEvent(
        event_type="StandardSet",
        data={"standard_id": standard_id, "value": value},
        occurred_at=T0,
        metadata=meta(),
    )


async def test_explain_names_the_standard_and_its_value_then_after_a_raise(store: EventStore) -> None:
    old, new = "pension_war_1:330727:2019-08-01", "pension_war_1:330727:2026-08-01"
    await store.append("standards", "standards", -1, [standard_set(old, 8_815_000)])
    await store.append(
        "entitlement-ent01",
        "entitlement",
        0,
        [
            NewEvent(
                event_type="EntitlementRecognised",
                data={"category": "war_disabled", "grade": 1},
                occurred_at=T0,
                metadata=meta(),
            ),
        ],
    )
    paid = NewEvent(
        event_type="PensionPaid",
        data={
            "payment_id": "pay-e1-2026-03",
            "entitlement_id": "ent01",
            "amount_fen": 734_583,
            "standard_id": old,
            "period": "2026-03",
        },
        occurred_at=T0,
        metadata=meta("approver-1"),
    )
    await store.append("payment-e1-2026-03", "payment", 0, [paid])
    await store.append("standards", "standards", -1, [standard_set(new, 9_500_000)])

    for ref in ("pay-e1-2026-03", str(paid.event_id)):
        found = await explain(store, ref)
        [used] = found.standards
        assert used.standard_id == old and used.value_then == 8_815_000
        assert used.set_by is not None and used.set_by.data["standard_id"] == old
        assert [e.data["standard_id"] for e in used.since] == [new]
        assert [e.event_type for e in found.decisions] == ["EntitlementRecognised"]
        assert found.inputs["grade"] == 1 and found.inputs["category"] == "war_disabled"
        assert found.amount_fen == 734_583
    with pytest.raises(NotFound):
        await explain(store, "pay-nobody")


def test_the_standards_and_subjects_a_payment_names() -> None:
    data = {
        "payment_id": "p",
        "household_id": "hh-1",
        "run_id": "r",
        "standard_id": "a:1:2",
        "months": [{"standard_id": "a:1:3"}, {"standard_id": "a:1:2"}],
    }
    assert standard_ids(data) == ["a:1:2", "a:1:3"]
    assert subject_ids(data) == ["hh-1"]
    assert jsonable(Tally(1, (1,))) == {"total": 1, "seen": [1]}
