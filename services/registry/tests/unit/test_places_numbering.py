"""House numbers over the pure domain: 左单右双, the sequence with no gap and no duplicate except
reservations, infill sub-numbers, retired numbers never reissued, one valid certificate per
number; a hypothesis property over any mix of commands."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from minzheng_eventstore import Aggregate
from minzheng_eventstore.testing import Scenario
from minzheng_kernel.errors import Conflict, DomainError
from minzheng_registry.domain.places import numbering as h

NUMBERING = Aggregate("road_numbering", h.NUMBERING_EVENTS, h.initial, h.evolve)
ROAD = "5f0c1a9e-0000-4000-8000-000000000001"
TODAY = date(2026, 3, 2)


def issued(number: int, sub: int | None = None) -> h.HouseNumberIssued:
    side = h.Side.of(number).value
    return h.HouseNumberIssued(
        ROAD, "文溪路", side, number, sub, "330727101", f"安文镇文溪路{h.label(number, sub)}号", "2026-03-02"
    )


def issue(side: h.Side, number: int | None = None, after: int | None = None):  # type: ignore[no-untyped-def]
    return lambda s: h.issue(
        s,
        road_id=ROAD,
        road_name="文溪路",
        side=side,
        number=number,
        after=after,
        division="330727101",
        township_name="安文镇",
        today=TODAY,
    )


def test_odd_on_the_left_even_on_the_right_in_sequence() -> None:
    Scenario(NUMBERING).when(issue(h.Side.LEFT)).then(issued(1))
    Scenario(NUMBERING).when(issue(h.Side.RIGHT)).then(issued(2))
    Scenario(NUMBERING).given(issued(1), issued(3)).when(issue(h.Side.LEFT)).then(issued(5))
    Scenario(NUMBERING).given(issued(1)).when(issue(h.Side.LEFT, number=5)).then_refused("not_next_number")
    Scenario(NUMBERING).given(issued(1)).when(issue(h.Side.LEFT, number=1)).then_refused(
        "number_issued", Conflict
    )
    Scenario(NUMBERING).when(issue(h.Side.LEFT, number=2)).then_refused("wrong_side")


def test_no_number_beyond_what_an_address_can_name() -> None:
    """Past 9999 on a side, or past the 99th sub-number of an infill, nothing is issued: such a
    number could never be retired, certified or addressed (the labels stop at 9999 and 5-99)."""
    full = [
        h.HouseNumbersReserved(ROAD, "left", first, min(first + 398, h.MAX_NUMBER), "", "2026-03-02")
        for first in range(1, h.MAX_NUMBER + 1, 400)
    ]
    Scenario(NUMBERING).given(*full).when(issue(h.Side.LEFT)).then_refused("no_number_left", Conflict)
    Scenario(NUMBERING).given(*full).when(issue(h.Side.RIGHT)).then(issued(2))
    infilled = [issued(5), issued(7), *(issued(5, sub) for sub in range(1, h.MAX_SUB + 1))]
    Scenario(NUMBERING).given(*infilled).when(issue(h.Side.LEFT, after=5)).then_refused(
        "no_sub_number_left", Conflict
    )
    Scenario(NUMBERING).given(*infilled[:-1]).when(issue(h.Side.LEFT, after=5)).then(issued(5, h.MAX_SUB))


def test_reservations_are_skipped_unless_asked_for() -> None:
    kept = h.HouseNumbersReserved(ROAD, "left", 3, 7, "预留", "2026-03-02")
    Scenario(NUMBERING).given(issued(1), kept).when(issue(h.Side.LEFT)).then(issued(9))
    taken = h.HouseNumberIssued(
        ROAD, "文溪路", "left", 5, None, "330727101", "安文镇文溪路5号", "2026-03-02", True
    )
    after = Scenario(NUMBERING).given(issued(1), kept).when(issue(h.Side.LEFT, number=5)).then(taken)
    assert after.reserved == {3, 7}
    Scenario(NUMBERING).given(issued(1), kept).when(
        lambda s: h.reserve(s, road_id=ROAD, side=h.Side.LEFT, first=1, last=3, reason="", today=TODAY)
    ).then_refused("numbers_taken", Conflict)


def test_infill_takes_sub_numbers_between_existing_numbers() -> None:
    given = Scenario(NUMBERING).given(issued(5), issued(7))
    given.when(issue(h.Side.LEFT, after=5)).then(issued(5, 1))
    Scenario(NUMBERING).given(issued(5), issued(7), issued(5, 1)).when(issue(h.Side.LEFT, after=5)).then(
        issued(5, 2)
    )
    given.when(issue(h.Side.LEFT, after=7)).then_refused("not_infill")
    given.when(issue(h.Side.LEFT, after=3)).then_refused("infill_without_number")


def test_a_retired_number_is_never_issued_again() -> None:
    retired = h.HouseNumberRetired(ROAD, "left", 3, None, "2026-03-02", "拆除", None)
    Scenario(NUMBERING).given(issued(1), issued(3), retired).when(issue(h.Side.LEFT)).then(issued(5))
    Scenario(NUMBERING).given(issued(1), issued(3), retired).when(issue(h.Side.LEFT, number=3)).then_refused(
        "number_retired", Conflict
    )


def test_one_valid_certificate_per_number() -> None:
    first = h.DoorplateCertificateIssued(ROAD, 1, None, "MP330727-2026-000001", "业主", "2026-03-02", None)
    Scenario(NUMBERING).given(issued(1), first).when(
        lambda s: h.certify(
            s,
            road_id=ROAD,
            number=1,
            sub=None,
            certificate_no="MP330727-2026-000002",
            holder="业主",
            today=TODAY,
        )
    ).then(
        h.DoorplateCertificateIssued(
            ROAD, 1, None, "MP330727-2026-000002", "业主", "2026-03-02", "MP330727-2026-000001"
        )
    )
    retired = h.HouseNumberRetired(ROAD, "left", 1, None, "2026-03-02", "", "MP330727-2026-000001")
    state = Scenario(NUMBERING).given(issued(1), first, retired).state
    assert state.numbers[(1, None)].certificate is None


@pytest.mark.parametrize("text", ["0", "5-", "-1", "5-1-1", "a", "10000", "5-100"])
def test_bad_labels(text: str) -> None:
    with pytest.raises(DomainError):
        h.parse_label(text)


commands = st.lists(
    st.one_of(
        st.tuples(st.just("issue"), st.sampled_from(list(h.Side)), st.none()),
        st.tuples(st.just("take"), st.sampled_from(list(h.Side)), st.integers(1, 40)),
        st.tuples(st.just("infill"), st.sampled_from(list(h.Side)), st.integers(1, 40)),
        st.tuples(st.just("reserve"), st.sampled_from(list(h.Side)), st.integers(1, 40)),
        st.tuples(st.just("retire"), st.sampled_from(list(h.Side)), st.integers(1, 40)),
    ),
    max_size=40,
)


@given(commands)
def test_numbers_rise_without_gap_or_duplicate_except_reservations(
    script: list[tuple[str, h.Side, int | None]],
) -> None:
    state = h.initial()
    retired: set[tuple[int, int | None]] = set()
    ever: list[tuple[int, int | None]] = []
    in_sequence: set[int] = set()
    for command, side, n in script:
        try:
            if command == "issue":
                facts = issue(side)(state)
            elif command == "take":
                facts = issue(side, number=n)(state)
            elif command == "infill":
                facts = issue(side, after=n)(state)
            elif command == "reserve":
                assert n is not None
                first = n if side.holds(n) else n + 1
                facts = h.reserve(
                    state, road_id=ROAD, side=side, first=first, last=first + 4, reason="", today=TODAY
                )
            else:
                assert n is not None
                facts = h.retire(state, road_id=ROAD, number=n, sub=None, reason="", today=TODAY)
        except DomainError:
            continue
        for fact in facts:
            if isinstance(fact, h.HouseNumberIssued):
                key = (fact.number, fact.sub_number)
                assert key not in ever and key not in retired  # never twice, never after retirement
                assert h.Side(fact.side).holds(fact.number)  # 左单右双
                ever.append(key)
                if fact.sub_number is None and not fact.from_reservation:
                    in_sequence.add(fact.number)
            if isinstance(fact, h.HouseNumberRetired):
                retired.add((fact.number, fact.sub_number))
            state = h.evolve(state, fact)
    for m in in_sequence:  # below a number issued in sequence, each of its side is used or reserved: no gap
        for lower in range(h.Side.of(m).first, m, 2):
            assert state.used(lower) or lower in state.reserved


def test_plates_show_an_issued_number_and_signs_name_the_road() -> None:
    def install(kind: h.SignKind, number: int | None, road: str = "road") -> Scenario[h.RoadNumbering]:
        return (
            Scenario(NUMBERING)
            .given(issued(1))
            .when(
                lambda s: h.install(
                    s,
                    road_id=ROAD,
                    kind=kind,
                    number=number,
                    sub=None,
                    count=2,
                    road_kind=road,
                    today=TODAY,
                )
            )
        )

    after = install(h.SignKind.DOOR, 1).then(h.SignInstalled(ROAD, "door", 1, None, 2, "2026-03-02"))
    assert after.signs == {"door": 2}
    install(h.SignKind.DOOR, None).then_refused("number_missing")
    install(h.SignKind.UNIT, 3).then_refused("house_number_not_found")
    install(h.SignKind.ROAD, 1).then_refused("number_not_shown")
    # a road sign (路牌) on a road, a lane sign (巷牌) on a lane: counted per kind for the county
    install(h.SignKind.ROAD, None).then(h.SignInstalled(ROAD, "road", None, None, 2, "2026-03-02"))
    install(h.SignKind.LANE, None, road="lane").then(
        h.SignInstalled(ROAD, "lane", None, None, 2, "2026-03-02")
    )
    install(h.SignKind.LANE, None).then_refused("sign_does_not_match_road")
    install(h.SignKind.ROAD, None, road="lane").then_refused("sign_does_not_match_road")
