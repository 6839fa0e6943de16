"""The county's divisions over the pure domain: level and parent from the code, renaming and
abolition with their rules, the list on a date."""

from __future__ import annotations

from datetime import date

from minzheng_eventstore import Aggregate
from minzheng_eventstore.testing import Scenario
from minzheng_kernel.errors import Conflict, NotFound
from minzheng_registry.domain.places import divisions as d

DIVISIONS = Aggregate("divisions", d.DIVISION_EVENTS, d.initial, d.evolve)
TOWN = d.DivisionEstablished("330727101", "安文镇", "township", "330727", "2001-01-01", None)
VILLAGE = d.DivisionEstablished("330727101201", "上溪村", "village", "330727101", "2001-01-01", None)


def establish(code: str, on: date = date(2001, 1, 1)) -> Scenario[d.Divisions]:
    return (
        Scenario(DIVISIONS)
        .given(TOWN)
        .when(lambda s: d.establish(s, county="330727", code=code, name="某村", valid_from=on))
    )


def test_level_and_parent_come_from_the_code() -> None:
    Scenario(DIVISIONS).when(
        lambda s: d.establish(
            s, county="330727", code="330727101", name="安文镇", valid_from=date(2001, 1, 1)
        )
    ).then(TOWN)
    establish("330727101202").then(
        d.DivisionEstablished("330727101202", "某村", "village", "330727101", "2001-01-01", None)
    )
    establish("330727102201").then_refused("parent_not_found")
    establish("330727101202", date(2000, 1, 1)).then_refused("parent_not_in_force")
    establish("330727101").then_refused("division_exists", Conflict)
    establish("330728101").then_refused("outside_county")
    establish("3307271012").then_refused("division_level")


def test_a_township_is_abolished_after_its_villages() -> None:
    given = Scenario(DIVISIONS).given(TOWN, VILLAGE)
    given.when(lambda s: d.abolish(s, code="330727101", valid_to=date(2020, 1, 1))).then_refused(
        "division_has_villages", Conflict
    )
    gone = d.DivisionAbolished("330727101201", "上溪村", "village", "330727101", "2001-01-01", "2019-01-01")
    Scenario(DIVISIONS).given(TOWN, VILLAGE, gone).when(
        lambda s: d.abolish(s, code="330727101", valid_to=date(2020, 1, 1))
    ).then(d.DivisionAbolished("330727101", "安文镇", "township", "330727", "2001-01-01", "2020-01-01"))
    given.when(lambda s: d.abolish(s, code="330727101201", valid_to=date(2001, 1, 1))).then_refused(
        "valid_to_not_after_valid_from"
    )
    given.when(lambda s: d.abolish(s, code="330727109", valid_to=date(2020, 1, 1))).then_refused(
        "division_not_found", NotFound
    )


def test_names_by_date_and_the_list_on_a_date() -> None:
    renamed = d.DivisionRenamed(
        "330727101",
        "安文街道",
        "township",
        "330727",
        "2001-01-01",
        None,
        former_name="安文镇",
        renamed_on="2020-01-01",
    )
    state = Scenario(DIVISIONS).given(TOWN, VILLAGE, renamed).state
    town = state.require("330727101")
    assert (town.name_on(date(2019, 12, 31)), town.name_on(date(2020, 1, 1))) == ("安文镇", "安文街道")
    assert [x.code for x in state.listed(on=date(2000, 1, 1))] == []
    assert [x.code for x in state.listed(on=date(2010, 1, 1), level="village")] == ["330727101201"]
    Scenario(DIVISIONS).given(TOWN, renamed).when(
        lambda s: d.rename(s, code="330727101", name="新名", on=date(2019, 1, 1))
    ).then_refused("rename_before_last_name")


def test_restating_gives_every_division_townships_first() -> None:
    state = Scenario(DIVISIONS).given(TOWN, VILLAGE).state
    assert [f.code for f in d.restate(state)] == ["330727101", "330727101201"]
