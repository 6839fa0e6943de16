"""A place's procedure and its history of names (given/when/then over the pure domain)."""

from __future__ import annotations

from datetime import date

from minzheng_eventstore import Aggregate
from minzheng_eventstore.testing import Scenario
from minzheng_kernel.errors import Conflict
from minzheng_registry.domain.places import place as p
from minzheng_registry.domain.places.place_events import PLACE_EVENTS

PLACE = Aggregate("place_name", PLACE_EVENTS, p.initial, p.evolve)
PID = "5f0c1a9e-0000-4000-8000-000000000001"
TODAY = date(2026, 3, 2)

PROPOSED = p.PlaceNameProposed(PID, "road", "文溪路", "330727101", "2026-04-01", "2026-03-02", "", [])
REVIEWED = p.PlaceNameReviewed(PID, True, "同意", "2026-03-03")
APPROVED = p.PlaceNameApproved(
    PID,
    "road",
    "文溪路",
    "330727101",
    "2026-04-01",
    "2026-03-10",
    "2026-03-25",
    "place_name_publication_days:330727:2022-05-01",
    "批复",
)
RENAMED = p.PlaceRenamed(
    PID, "road", "330727101", "文溪路", "文溪大道", "2027-01-01", "2026-05-01", "批复2", []
)


def test_a_proposal_from_today_on() -> None:
    (
        Scenario(PLACE)
        .when(
            lambda s: p.propose(
                s,
                place_id=PID,
                kind=p.PlaceKind.ROAD,
                name=" 文溪路 ",
                division="330727101",
                effective_from=date(2026, 4, 1),
                today=TODAY,
                reason="",
                homophones=[],
            )
        )
        .then(PROPOSED)
    )
    Scenario(PLACE).when(
        lambda s: p.propose(
            s,
            place_id=PID,
            kind=p.PlaceKind.ROAD,
            name="文溪路",
            division="330727101",
            effective_from=date(2026, 3, 1),
            today=TODAY,
            reason="",
            homophones=[],
        )
    ).then_refused("effective_in_past")


def test_the_steps_come_in_order() -> None:
    Scenario(PLACE).given(PROPOSED).when(
        lambda s: p.approve(s, place_id=PID, today=TODAY, publish_by=TODAY, standard_id="x", document="d")
    ).then_refused("not_reviewed", Conflict)
    Scenario(PLACE).given(PROPOSED).when(
        lambda s: p.publish(s, place_id=PID, today=TODAY, channel="c")
    ).then_refused("not_approved", Conflict)
    state = Scenario(PLACE).given(PROPOSED, REVIEWED, APPROVED).state
    assert state.status is p.Status.APPROVED and state.name_on(date(2026, 4, 1)) == "文溪路"
    assert state.name_on(date(2026, 3, 31)) is None


def test_approval_after_the_proposed_date_starts_the_name_on_approval() -> None:
    facts = (
        Scenario(PLACE)
        .given(PROPOSED, REVIEWED)
        .when(
            lambda s: p.approve(
                s,
                place_id=PID,
                today=date(2026, 4, 5),
                publish_by=date(2026, 4, 20),
                standard_id="x",
                document="d",
            )
        )
    )
    after = facts.then(
        p.PlaceNameApproved(
            PID, "road", "文溪路", "330727101", "2026-04-05", "2026-04-05", "2026-04-20", "x", "d"
        )
    )
    assert after.spans[0].interval.start == date(2026, 4, 5)


def test_publication_late_after_the_period() -> None:
    (
        Scenario(PLACE)
        .given(PROPOSED, REVIEWED, APPROVED)
        .when(lambda s: p.publish(s, place_id=PID, today=date(2026, 3, 26), channel="网站"))
        .then(p.PlaceNamePublished(PID, "文溪路", "2026-03-26", "2026-03-25", True, "网站"))
    )


def test_history_as_of_several_dates() -> None:
    retired = p.PlaceNameRetired(PID, "文溪大道", "2030-01-01", "拆除")
    state = Scenario(PLACE).given(PROPOSED, REVIEWED, APPROVED, RENAMED, retired).state
    assert state.name_on(date(2026, 3, 31)) is None
    assert state.name_on(date(2026, 4, 1)) == "文溪路"
    assert state.name_on(date(2026, 12, 31)) == "文溪路"
    assert state.name_on(date(2027, 1, 1)) == "文溪大道"
    assert state.name_on(date(2029, 12, 31)) == "文溪大道"
    assert state.name_on(date(2030, 1, 1)) is None
    assert state.retired


def test_renaming_rules() -> None:
    given = Scenario(PLACE).given(PROPOSED, REVIEWED, APPROVED)

    def rename(name: str, on: date) -> Scenario[p.Place]:
        return given.when(
            lambda s: p.rename(
                s, place_id=PID, name=name, effective_from=on, today=TODAY, document="d", homophones=[]
            )
        )

    rename("文溪 路", date(2027, 1, 1)).then_refused("same_name", Conflict)
    rename("文溪大道", date(2026, 4, 1)).then_refused("rename_before_current_name")
    rename("文溪大道", date(2027, 1, 1)).then(
        p.PlaceRenamed(PID, "road", "330727101", "文溪路", "文溪大道", "2027-01-01", "2026-03-02", "d", [])
    )


def test_a_renaming_or_a_retirement_takes_effect_today_or_later() -> None:
    """A past date would change what the road was called on days already answered (the addresses
    of the numbers issued under the old name, the gazetteer already published)."""
    given = Scenario(PLACE).given(PROPOSED, REVIEWED, APPROVED)
    today = date(2026, 6, 1)
    given.when(
        lambda s: p.rename(
            s,
            place_id=PID,
            name="文溪大道",
            effective_from=date(2026, 5, 31),
            today=today,
            document="d",
            homophones=[],
        )
    ).then_refused("effective_in_past")
    given.when(
        lambda s: p.retire(s, place_id=PID, valid_to=date(2026, 5, 31), reason="", today=today)
    ).then_refused("effective_in_past")
    given.when(lambda s: p.retire(s, place_id=PID, valid_to=today, reason="", today=today)).then(
        p.PlaceNameRetired(PID, "文溪路", "2026-06-01", "")
    )


def test_retirement_does_not_skip_a_pending_renaming() -> None:
    given = Scenario(PLACE).given(PROPOSED, REVIEWED, APPROVED, RENAMED)
    given.when(
        lambda s: p.retire(s, place_id=PID, valid_to=date(2026, 12, 1), reason="", today=TODAY)
    ).then_refused("retire_before_current_name")
    Scenario(PLACE).given(
        PROPOSED, REVIEWED, APPROVED, p.PlaceNameRetired(PID, "文溪路", "2027-01-01", "")
    ).when(lambda s: p.extend(s, place_id=PID, length_m=10, description="", today=TODAY)).then_refused(
        "place_retired", Conflict
    )


def test_only_roads_and_lanes_are_extended_and_only_longer() -> None:
    bridge = p.PlaceNameProposed(PID, "bridge", "永进桥", "330727101", "2026-04-01", "2026-03-02", "", [])
    Scenario(PLACE).given(bridge, REVIEWED, APPROVED).when(
        lambda s: p.extend(s, place_id=PID, length_m=10, description="", today=TODAY)
    ).then_refused("not_a_road")
    longer = Scenario(PLACE).given(PROPOSED, REVIEWED, APPROVED, p.RoadExtended(PID, "2026-05-01", 1200, ""))
    longer.when(lambda s: p.extend(s, place_id=PID, length_m=1200, description="", today=TODAY)).then_refused(
        "not_longer"
    )


def test_a_historical_place_is_recorded_with_consecutive_names() -> None:
    def record(names: list[tuple[str, date, date | None]]) -> Scenario[p.Place]:
        return Scenario(PLACE).when(
            lambda s: p.record(
                s,
                place_id=PID,
                kind=p.PlaceKind.ROAD,
                division="330727101",
                names=names,
                today=TODAY,
                document="普查",
            )
        )

    old, new = date(1966, 1, 1), date(2005, 1, 1)
    after = record([("解放路", old, new), ("人民路", new, None)]).then(
        p.PlaceNameRecorded(
            PID,
            "road",
            "330727101",
            [
                {"name": "解放路", "valid_from": "1966-01-01", "valid_to": "2005-01-01"},
                {"name": "人民路", "valid_from": "2005-01-01", "valid_to": None},
            ],
            "2026-03-02",
            "普查",
        )
    )
    assert (after.name_on(date(1990, 1, 1)), after.name_on(TODAY)) == ("解放路", "人民路")
    assert after.status is p.Status.APPROVED and not after.retired
    record([("解放路", old, date(2004, 1, 1)), ("人民路", new, None)]).then_refused("names_not_consecutive")
    record([("解放路", old, None), ("人民路", new, None)]).then_refused("names_not_consecutive")
    record([("解放路", old, new), ("解放 路", new, None)]).then_refused("same_name")
    record([("人民路", TODAY, None)]).then_refused("not_historical")
    # a census record holds the past: a future name or retirement would skip the procedure
    soon = date(2027, 1, 1)
    record([("解放路", old, soon), ("人民路", soon, None)]).then_refused("not_historical")
    record([("解放路", old, soon)]).then_refused("not_historical")
    record([("解放路", old, TODAY)]).then(
        p.PlaceNameRecorded(
            PID,
            "road",
            "330727101",
            [{"name": "解放路", "valid_from": "1966-01-01", "valid_to": "2026-03-02"}],
            "2026-03-02",
            "普查",
        )
    )
    record([]).then_refused("names_missing")
    record([("解放路", new, old)]).then_refused("valid_to_not_after_valid_from")
