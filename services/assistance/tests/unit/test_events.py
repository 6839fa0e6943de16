"""Typed events: stored ``data`` keys stay exactly as they were, and each type round-trips."""

from __future__ import annotations

from minzheng_assistance.domain import events as ev
from minzheng_kernel.events import DomainEvent

Samples = list[tuple[str, DomainEvent]]


def test_every_event_type_has_a_sample(samples: Samples) -> None:
    assert {e.event_type for _, e in samples} == ev.ALL_EVENTS.names


def test_each_event_round_trips_through_its_stored_form(samples: Samples) -> None:
    for _, event in samples:
        assert ev.ALL_EVENTS.load(event.event_type, event.to_data()) == event, event.event_type


def test_keyword_keys_are_stored_as_before() -> None:
    terminated = ev.BenefitTerminated("h", "dibao_rural", "death", "2026-04")
    assert terminated.to_data() == {
        "household_id": "h",
        "programme": "dibao_rural",
        "reason": "death",
        "from": "2026-04",
    }
    stored = {"case_id": "c", "from": "dispersed", "to": "centralised", "by": "o"}
    changed = ev.ALL_EVENTS.load("SupportModeChanged", stored)
    assert isinstance(changed, ev.SupportModeChanged) and changed.from_mode == "dispersed"
    assert changed.to_data() == stored


def test_household_events_name_the_household_and_programme(samples: Samples) -> None:
    for stream_type, event in samples:
        if stream_type == "household":
            data = event.to_data()
            assert data["household_id"] and data["programme"], event.event_type


def test_a_payment_stored_before_beneficiary_existed_still_loads() -> None:
    old = {
        "payment_id": "p",
        "programme": "tekun",
        "household_id": None,
        "case_id": "c",
        "period": "2026-03",
        "amount_fen": 1,
        "standard_id": "s",
        "run_id": None,
        "residence": "330727101201",
    }
    loaded = ev.ALL_EVENTS.load("PaymentIssued", old)
    assert isinstance(loaded, ev.PaymentIssued) and loaded.beneficiary is None
