"""PaymentIssued schema_version 2: any paying service, the veterans and eldercare programmes, v1 read as
v2 by the upcaster, and a recorded reason for every version after the first."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from pydantic import ValidationError

from minzheng_contracts import (
    CONTRACTS,
    PAYING_SERVICES,
    IntegrationEvent,
    PaymentIssued,
    PaymentIssuedV2,
    PaymentProgramme,
    PaymentProgrammeV2,
    UnknownProducerError,
    parse_integration_event,
)
from minzheng_contracts.compat import VERSION_REASONS, check, check_catalogue, unexplained_versions
from minzheng_contracts.schema_export import contract_schema, write
from minzheng_contracts.upcasting import latest_version, parse_latest, to_latest

Samples = dict[type[IntegrationEvent[Any]], IntegrationEvent[Any]]


def test_every_paying_service_publishes_v2_on_its_own_subject(samples: Samples) -> None:
    event = samples[PaymentIssuedV2]
    assert PaymentIssuedV2.PRODUCERS == {"assistance", "disaster", "veterans", "eldercare"} == PAYING_SERVICES
    assert {PaymentIssuedV2.subject_for(p) for p in PAYING_SERVICES} == {
        f"{p}.payment.issued" for p in PAYING_SERVICES
    }
    assert event.subject == "veterans.payment.issued"
    with pytest.raises(UnknownProducerError):
        PaymentIssuedV2.subject_for("registry")
    with pytest.raises(ValidationError, match="producer"):
        PaymentIssuedV2.model_validate({**event.model_dump(), "producer": "registry"})


def test_v1_still_refuses_the_new_producers_and_programmes(samples: Samples) -> None:
    raw = samples[PaymentIssued].model_dump(mode="json")
    with pytest.raises(ValidationError, match="producer"):
        parse_integration_event({**raw, "producer": "veterans"})
    with pytest.raises(ValidationError, match="programme"):
        parse_integration_event({**raw, "data": {**raw["data"], "programme": "veterans_funeral_subsidy"}})


def test_v2_lists_v1s_programmes_and_the_veterans_and_eldercare_ones() -> None:
    values = {p.value for p in PaymentProgrammeV2}
    assert {p.value for p in PaymentProgramme} < values
    new = values - {p.value for p in PaymentProgramme}
    veterans = {v for v in new if v.startswith("veterans_")}
    eldercare = {v for v in new if v.startswith("eldercare_")}
    assert veterans | eldercare == new
    assert {"veterans_pension_disabled", "veterans_conscript_family_allowance", "veterans_funeral_subsidy",
            "veterans_one_off_pension", "veterans_medical_subsidy", "veterans_holiday_visit",
            "veterans_hardship_aid"} <= veterans  # fmt: skip
    assert len([v for v in veterans if v.startswith("veterans_pension_")]) == 8  # one per category
    assert len(eldercare) == 6


def test_v2_has_v1s_fields_and_rules(samples: Samples) -> None:
    v1 = contract_schema(PaymentIssued)["$defs"]["PaymentIssuedData"]
    v2 = contract_schema(PaymentIssuedV2)["$defs"]["PaymentIssuedV2Data"]
    assert list(v1["properties"]) == list(v2["properties"]) and v1["required"] == v2["required"]
    raw = samples[PaymentIssuedV2].model_dump(mode="json")
    for data, field in (
        ({"beneficiary": None}, "household_id or a beneficiary"),
        ({"amount_fen": 0}, "amount_fen"),
        ({"amount_fen": 1830.0}, "amount_fen"),
        ({"programme": "pension"}, "programme"),
        ({"standard_id": "x" * 201}, "standard_id"),
    ):
        with pytest.raises(ValidationError, match=field):
            parse_integration_event({**raw, "data": {**raw["data"], **data}})


def test_v2_is_a_widening_of_v1_for_its_consumers() -> None:
    """Every v1 message is a valid v2 message once its version says 2: only the producer and
    programme enums grew (compat.check on v1 → v2 with the version constants set aside)."""
    v1, v2 = contract_schema(PaymentIssued), contract_schema(PaymentIssuedV2)
    problems = check(v1, v2)
    assert problems == ["$.schema_version: changed const: 1 -> 2"], problems
    assert check(v2, v1) != []  # the other way round is a narrowing


def test_upcaster_reads_v1_as_v2(samples: Samples) -> None:
    v1 = samples[PaymentIssued]
    upcast = to_latest(v1)
    assert isinstance(upcast, PaymentIssuedV2)
    assert upcast.contract_key() == ("PaymentIssued", 2) and upcast.subject == "assistance.payment.issued"
    assert upcast.model_dump(exclude={"schema_version"}) == v1.model_dump(exclude={"schema_version"})
    assert upcast.data.programme is PaymentProgrammeV2.DIBAO_RURAL
    assert upcast.data.beneficiary == v1.data.beneficiary
    assert parse_latest(v1.model_dump_json()) == upcast == parse_latest(v1.model_dump(mode="json"))
    assert latest_version("PaymentIssued", 1) == 2 == latest_version("PaymentIssued", 2)


def test_upcaster_leaves_v2_and_other_contracts_alone(samples: Samples) -> None:
    for contract, event in samples.items():
        if contract is not PaymentIssued:
            assert to_latest(event) is event


def test_a_v1_consumer_still_reads_v1_as_v1(samples: Samples) -> None:
    v1 = samples[PaymentIssued]
    assert type(parse_integration_event(v1.model_dump_json())) is PaymentIssued


def test_every_version_after_the_first_has_a_recorded_reason() -> None:
    assert unexplained_versions(CONTRACTS) == []
    assert "veterans" in VERSION_REASONS[("PaymentIssued", 2)]
    assert unexplained_versions([("PaymentIssued", 2), ("PaymentIssued", 3), ("HouseholdApplied", 1)]) == [
        "PaymentIssued v3: new schema_version without a recorded reason (compat.VERSION_REASONS)"
    ]


def test_the_catalogue_check_fails_a_new_version_without_a_reason(tmp_path: Path) -> None:
    old, new = tmp_path / "old", tmp_path / "new"
    write(old)
    write(new)
    index = json.loads((new / "index.json").read_text())
    (entry,) = [
        e for e in index["contracts"] if (e["event_type"], e["schema_version"]) == ("PaymentIssued", 2)
    ]
    assert entry["reason"] == VERSION_REASONS[("PaymentIssued", 2)]
    assert check_catalogue(old, new) == []
    del entry["reason"]
    (new / "index.json").write_text(json.dumps(index))
    assert check_catalogue(old, new) == ["PaymentIssued v2: new schema_version without a recorded reason"]


def test_both_versions_are_exported(tmp_path: Path) -> None:
    write(tmp_path)
    assert (tmp_path / "PaymentIssued.v1.json").exists() and (tmp_path / "PaymentIssued.v2.json").exists()
    schema = json.loads((tmp_path / "PaymentIssued.v2.json").read_text())
    assert schema["properties"]["producer"]["enum"] == sorted(PAYING_SERVICES)
    assert "veterans.payment.issued" in schema["x-subjects"]
    committed = Path(__file__).parents[1] / "schemas"
    assert (committed / "PaymentIssued.v2.json").read_text() == (
        tmp_path / "PaymentIssued.v2.json"
    ).read_text()
