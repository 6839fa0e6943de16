"""The name rule over the pure domain: normalisation, intervals, the index's claims (overlap
refused naming the interval, adjacent allowed, scope), homophones as warnings; a hypothesis
property: whatever claims are accepted, no two intervals of one name overlap."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from minzheng_kernel.errors import Conflict
from minzheng_registry.application.places.names import name_stream, pinyin_key, sound_stream
from minzheng_registry.domain.places import names as n

D = date(2026, 1, 1)


def index_of(*events: object) -> n.NameIndex:
    state = n.initial()
    for e in events:
        state = n.evolve(state, e)  # type: ignore[arg-type]
    return state


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("人民路", "人民 路"),
        ("人民路", "人民\u3000路"),
        ("ＡＢＣ路", "abc路"),
        ("文溪·路", "文溪路"),
        (" 人民路 ", "人民路"),
    ],
)
def test_one_name_after_normalisation(a: str, b: str) -> None:
    assert n.normalise(a) == n.normalise(b)
    assert name_stream(a) == name_stream(b)


def test_different_names_and_scripts_stay_different() -> None:
    assert n.normalise("人民路") != n.normalise("人民街")
    assert n.normalise("鳳凰路") != n.normalise("凤凰路")  # no traditional → simplified conversion


def test_homophones_share_the_sound_index_not_the_name_index() -> None:
    assert pinyin_key("人民路") == pinyin_key("仁民路") == "ren min lu"
    assert sound_stream("人民路") == sound_stream("仁民路")
    assert name_stream("人民路") != name_stream("仁民路")


def test_an_overlapping_claim_is_refused_naming_the_interval() -> None:
    index = index_of(n.NameClaimed("p1", "人民路", "330727101", "2020-01-01", "2027-01-01"))
    with pytest.raises(Conflict) as refused:
        n.claim(
            index, place_id="p2", name="人民路", township="330727101", interval=n.Interval(date(2026, 12, 31))
        )
    assert refused.value.code == "name_in_use"
    assert "[2020-01-01, 2027-01-01)" in refused.value.message


def test_an_adjacent_claim_is_accepted() -> None:
    index = index_of(n.NameClaimed("p1", "人民路", "330727101", "2020-01-01", "2027-01-01"))
    facts = n.claim(
        index, place_id="p2", name="人民路", township="330727101", interval=n.Interval(date(2027, 1, 1))
    )
    assert facts == [n.NameClaimed("p2", "人民路", "330727101", "2027-01-01", None)]
    before = n.claim(
        index,
        place_id="p3",
        name="人民路",
        township="330727101",
        interval=n.Interval(date(2019, 1, 1), date(2020, 1, 1)),
    )
    assert len(before) == 1


def test_a_future_claim_blocks_an_open_one_from_before() -> None:
    index = index_of(n.NameClaimed("p1", "文化路", "330727101", "2027-01-01"))
    with pytest.raises(Conflict):
        n.claim(
            index, place_id="p2", name="文化路", township="330727101", interval=n.Interval(date(2026, 3, 1))
        )


def test_township_scope_counts_only_the_same_township() -> None:
    index = index_of(n.NameClaimed("p1", "人民路", "330727101", "2020-01-01"))
    other = n.claim(
        index, place_id="p2", name="人民路", township="330727102", interval=n.Interval(D), township_scope=True
    )
    assert len(other) == 1
    with pytest.raises(Conflict):
        n.claim(index, place_id="p2", name="人民路", township="330727102", interval=n.Interval(D))


def test_closed_and_released_claims_free_the_name() -> None:
    index = index_of(
        n.NameClaimed("p1", "人民路", "330727101", "2020-01-01"),
        n.NameClosed("p1", "2026-01-01"),
        n.NameClaimed("p2", "人民路", "330727101", "2026-06-01"),
        n.NameReleased("p2"),
    )
    assert [c.interval for c in index.claims] == [n.Interval(date(2020, 1, 1), D)]
    assert n.claim(index, place_id="p3", name="人民路", township="330727101", interval=n.Interval(D))


def test_homophones_on_overlapping_intervals_are_warned_about() -> None:
    sounds = index_of(
        n.NameClaimed("p1", "人民路", "330727101", "2020-01-01"),
        n.NameClaimed("p2", "仁敏路", "330727101", "2010-01-01", "2015-01-01"),
    )
    found = n.homophones(sounds, name="仁民路", township="330727101", interval=n.Interval(D))
    assert found == ["人民路"]


intervals = st.tuples(st.integers(0, 60), st.one_of(st.none(), st.integers(1, 30))).map(
    lambda t: n.Interval(D + timedelta(days=t[0]), None if t[1] is None else D + timedelta(days=t[0] + t[1]))
)


@given(st.lists(intervals, max_size=12))
def test_accepted_claims_never_overlap(wanted: list[n.Interval]) -> None:
    index = n.initial()
    for i, interval in enumerate(wanted):
        try:
            facts = n.claim(index, place_id=f"p{i}", name="人民路", township="330727101", interval=interval)
        except Conflict:
            assert any(c.interval.overlaps(interval) for c in index.claims)
            continue
        for fact in facts:
            index = n.evolve(index, fact)
    held = [c.interval for c in index.claims]
    for i, a in enumerate(held):
        for b in held[i + 1 :]:
            assert not a.overlaps(b)


@given(intervals, intervals)
def test_overlap_is_symmetric_and_means_a_shared_day(a: n.Interval, b: n.Interval) -> None:
    assert a.overlaps(b) == b.overlaps(a)
    days = [D + timedelta(days=k) for k in range(0, 200)]
    assert a.overlaps(b) == any(a.contains(d) and b.contains(d) for d in days)
