"""Subsidy rounds and centre payments over the pure domain: a round's types add up to its total
(a property), a payment only to an accepted or operating centre, not before its acceptance, from
a round with money of its type; the demo's shares add up to the catalogue's figures exactly."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from minzheng_eldercare.domain.centres import centre as c
from minzheng_eldercare.domain.centres import subsidies as s
from minzheng_kernel.errors import Conflict, DomainError, NotFound

TODAY = date(2026, 3, 2)
K = s.SubsidyKind
CATALOGUE = {K.CONSTRUCTION: 47_000_000, K.OPERATING: 82_700_000, K.MEALS: 99_478_000}


def _round(amounts: dict[s.SubsidyKind, int], total: int) -> list[object]:
    return list(
        s.set_round(
            s.SubsidyRound(),
            round_id="r",
            year=2026,
            total_fen=total,
            amounts=amounts,
            decided_on=date(2026, 1, 10),
            jurisdiction="330727",
            today=TODAY,
        )
    )


def test_the_catalogues_round_adds_up_to_229_178_wan() -> None:
    [fact] = _round(CATALOGUE, 229_178_000)
    assert isinstance(fact, s.SubsidyRoundSet)
    assert fact.amounts == {"construction": 47_000_000, "meals": 99_478_000, "operating": 82_700_000}


@given(
    st.dictionaries(st.sampled_from(list(K)), st.integers(0, 10**9), min_size=1),
    st.integers(-(10**6), 10**6),
)
def test_a_round_is_set_only_when_its_types_add_up_to_its_total(
    amounts: dict[s.SubsidyKind, int], off: int
) -> None:
    total = sum(amounts.values()) + off
    if off == 0:
        assert len(_round(amounts, total)) == 1
    else:
        with pytest.raises(DomainError) as refused:
            _round(amounts, total)
        assert (refused.value.code, refused.value.field) == ("types_do_not_add_up", "total_fen")


def test_the_same_round_again_is_nothing_new_other_figures_are_refused() -> None:
    [fact] = _round(CATALOGUE, 229_178_000)
    assert isinstance(fact, s.SubsidyRoundSet)
    state = s.evolve_round(s.SubsidyRound(), fact)
    args = {
        "round_id": "r",
        "year": 2026,
        "decided_on": date(2026, 1, 10),
        "jurisdiction": "330727",
        "today": TODAY,
    }
    assert s.set_round(state, total_fen=229_178_000, amounts=CATALOGUE, **args) == []  # type: ignore[arg-type]
    with pytest.raises(Conflict):
        s.set_round(state, total_fen=1, amounts={K.MEALS: 1}, **args)  # type: ignore[arg-type]


@given(st.integers(0, 10**10), st.integers(1, 500))
def test_split_adds_up_exactly_in_shares_a_fen_apart(total: int, parts: int) -> None:
    shares = s.split(total, parts)
    assert sum(shares) == total and len(shares) == parts
    assert max(shares) - min(shares) <= 1


def test_the_demo_shares() -> None:
    assert set(s.split(82_700_000, 125)) == {661_600}
    assert set(s.split(99_478_000, 125)) == {795_824}
    assert sum(s.split(47_000_000, 36)) == 47_000_000


ROUND = s.evolve_round(
    s.SubsidyRound(),
    s.SubsidyRoundSet(
        "r", 2026, 1_000, {"construction": 0, "meals": 0, "operating": 1_000}, "2026-01-10", "330727"
    ),
)


def _centre(*events: object) -> c.Centre:
    state = c.Centre()
    for e in events:
        state = c.evolve(state, e)  # type: ignore[arg-type]
    return state


PLANNED = c.CareCentrePlanned("c1", "中心", "330727101201", "2026-01-15")
BUILT = c.CareCentreBuilt("c1", "2026-02-20")
ACCEPTED = c.CareCentreAccepted("c1", "2026-02-27")
OPENED = c.CareCentreOpened("c1", "2026-03-01")


def _pay(
    centre: c.Centre, kind: s.SubsidyKind = K.OPERATING, paid_on: date = TODAY
) -> s.CareCentreSubsidyPaid:
    return s.pay(
        centre,
        ROUND,
        payment_id="p",
        kind=kind,
        reference="2026",
        amount_fen=500,
        paid_on=paid_on,
        today=TODAY,
    )


def test_only_an_accepted_or_operating_centre_is_paid() -> None:
    for events in ((PLANNED,), (PLANNED, BUILT)):
        with pytest.raises(Conflict) as refused:
            _pay(_centre(*events))
        assert refused.value.code == "centre_not_accepted"
    assert _pay(_centre(PLANNED, BUILT, ACCEPTED)).amount_fen == 500
    paid = _pay(_centre(PLANNED, BUILT, ACCEPTED, OPENED))
    assert (paid.centre_id, paid.division, paid.kind, paid.round_id) == (
        "c1",
        "330727101201",
        "operating",
        "r",
    )
    with pytest.raises(NotFound):
        _pay(c.Centre())


def test_a_payment_is_not_before_the_acceptance_and_its_type_is_in_the_round() -> None:
    accepted = _centre(PLANNED, BUILT, ACCEPTED)
    with pytest.raises(DomainError) as refused:
        _pay(accepted, paid_on=date(2026, 2, 26))
    assert refused.value.code == "paid_before_acceptance"
    with pytest.raises(DomainError) as refused:
        _pay(accepted, kind=K.MEALS)
    assert refused.value.code == "kind_not_in_round"
