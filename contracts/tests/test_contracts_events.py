"""Every contract: JSON round trip and its own validation rules."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any, TypeVar

import pytest
from pydantic import BaseModel, ValidationError

from minzheng_contracts import (
    CONTRACTS,
    ApprovalGranted,
    DeathRegistered,
    DisasterReported,
    HouseholdApplied,
    IntegrationEvent,
    PaymentIssued,
    ResidentId,
    make_resident_id,
    parse_integration_event,
)

M = TypeVar("M", bound=BaseModel)
Samples = dict[type[IntegrationEvent[Any]], IntegrationEvent[Any]]


def revise(model: M, **changes: Any) -> M:
    """A validated copy of ``model`` with ``changes`` (model_copy does not validate)."""
    return type(model).model_validate({**model.model_dump(), **changes})


@pytest.mark.parametrize("contract", list(CONTRACTS.values()), ids=lambda c: c.__name__)
def test_json_round_trip(contract: type[IntegrationEvent[Any]], samples: Samples) -> None:
    event = samples[contract]
    text = event.model_dump_json()
    assert contract.model_validate_json(text) == event
    assert parse_integration_event(text) == event
    assert parse_integration_event(event.model_dump(mode="json")) == event
    assert contract.model_validate(event.model_dump()) == event


@pytest.mark.parametrize("contract", list(CONTRACTS.values()), ids=lambda c: c.__name__)
def test_printed_events_never_show_resident_ids(
    contract: type[IntegrationEvent[Any]], samples: Samples
) -> None:
    event = samples[contract]
    text = event.model_dump_json()
    printed = f"{event} {event!r} {event.model_dump()}"
    for rid in {v for v in _resident_ids(event)}:
        assert rid.reveal() in text
        assert rid.reveal() not in printed


def _resident_ids(value: Any) -> list[ResidentId]:
    if isinstance(value, ResidentId):
        return [value]
    if isinstance(value, BaseModel):
        return [r for name in type(value).model_fields for r in _resident_ids(getattr(value, name))]
    if isinstance(value, list):
        return [r for item in value for r in _resident_ids(item)]
    return []


# -- HouseholdApplied ------------------------------------------------------------------------------


def test_household_members_rules(samples: Samples) -> None:
    data = samples[HouseholdApplied].data
    members = data.model_dump()["members"]
    other = make_resident_id("330727", date(1990, 1, 1), 7)
    with pytest.raises(ValidationError, match="exactly one member"):
        revise(data, members=[{**members[0], "relationship": "spouse"}, *members[1:]])
    with pytest.raises(ValidationError, match="exactly one member"):
        revise(data, members=[*members, {**members[1], "resident_id": other, "relationship": "self"}])
    with pytest.raises(ValidationError, match="must be the applicant"):
        revise(data, applicant=other)
    with pytest.raises(ValidationError, match="only once"):
        revise(data, members=[*members, members[1]])
    with pytest.raises(ValidationError):
        revise(data, members=[])
    with pytest.raises(ValidationError, match="township"):
        revise(data, residence="330727")
    with pytest.raises(ValidationError):
        revise(data, programme="disaster_relief")
    with pytest.raises(ValidationError):
        revise(data, members=[{**members[0], "monthly_income_fen": 480.0}, *members[1:]])
    with pytest.raises(ValidationError):
        revise(data, members=[{**members[0], "relationship": "cousin"}, *members[1:]])


# -- ApprovalGranted -------------------------------------------------------------------------------


def test_approval_rules(samples: Samples) -> None:
    data = samples[ApprovalGranted].data
    assert str(data.effective_from) == "2024-08"
    assert revise(data, classification=None).classification is None
    with pytest.raises(ValidationError, match="requires category rural"):
        revise(data, category="urban")
    assert revise(data, programme="tekun", category="urban").category == "urban"
    with pytest.raises(ValidationError):
        revise(data, member_count=0)
    with pytest.raises(ValidationError):
        revise(data, monthly_amount_fen=1830.00)
    with pytest.raises(ValidationError):
        revise(data, effective_from="2024-8")
    with pytest.raises(ValidationError):
        revise(data, standard_id="")


# -- PaymentIssued ---------------------------------------------------------------------------------


def test_payment_rules(samples: Samples) -> None:
    data = samples[PaymentIssued].data
    assert revise(data, household_id=None).beneficiary is not None
    assert revise(data, beneficiary=None, period=None, run_id=None).household_id is not None
    with pytest.raises(ValidationError, match="household_id or a beneficiary"):
        revise(data, household_id=None, beneficiary=None)
    for amount in (0, -100, 1830.0, "1830"):
        with pytest.raises(ValidationError):
            revise(data, amount_fen=amount)


def test_float_amount_is_rejected_on_the_wire(samples: Samples) -> None:
    raw = samples[PaymentIssued].model_dump(mode="json")
    raw["data"]["amount_fen"] = 1830.0
    with pytest.raises(ValidationError, match="amount_fen"):
        parse_integration_event(raw)
    text = samples[PaymentIssued].model_dump_json().replace('"amount_fen":183000', '"amount_fen":183000.0')
    with pytest.raises(ValidationError, match="amount_fen"):
        parse_integration_event(text)


# -- DisasterReported ------------------------------------------------------------------------------


def test_disaster_rules(samples: Samples) -> None:
    data = samples[DisasterReported].data
    with pytest.raises(ValidationError, match="reported_at must not be earlier than happened_at"):
        revise(data, reported_at=data.happened_at - timedelta(minutes=1))
    assert revise(data, reported_at=data.happened_at).reported_at == data.happened_at
    with pytest.raises(ValidationError):
        revise(data, area=[])
    with pytest.raises(ValidationError, match="twice"):
        revise(data, area=["330727101", "330727101"])
    with pytest.raises(ValidationError, match="timezone"):
        revise(data, happened_at=datetime(2024, 6, 20, 3, 0))
    with pytest.raises(ValidationError):
        revise(data, disaster_type="tsunami")
    assert revise(data, summary=None).summary is None


# -- DeathRegistered -------------------------------------------------------------------------------


def test_death_rules(samples: Samples) -> None:
    data = samples[DeathRegistered].data
    with pytest.raises(ValidationError, match="birth date"):
        revise(data, date_of_death=date(1960, 1, 1))
    with pytest.raises(ValidationError, match="registered_at"):
        revise(data, registered_at=datetime(2024, 8, 30, tzinfo=UTC))
    # registered at 00:30 in Beijing on the day of death is 16:30 UTC the day before: still valid
    late = datetime(2024, 8, 31, 16, 30, tzinfo=UTC)
    assert revise(data, registered_at=late).registered_at == late
