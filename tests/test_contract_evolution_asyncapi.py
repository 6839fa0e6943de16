"""Each service's AsyncAPI document (``make schemas``: ``contracts/schemas/services/``) lists exactly
the subjects it publishes on and the subject filters its subscriptions consume, with the message of
each contract version; the committed files are those its declaration gives."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from minzheng_assistance.service import ASSISTANCE
from minzheng_contracts.schema_export import contract_schema
from minzheng_disaster.service import DISASTER
from minzheng_eldercare.service import ELDERCARE
from minzheng_eventstore.asyncapi import main, published_by, service_document
from minzheng_eventstore.kit import ServiceDefinition
from minzheng_eventstore.migration_window import MigrationWindow
from minzheng_registry.service import REGISTRY
from minzheng_veterans.service import VETERANS

SCHEMAS = Path(__file__).resolve().parents[1] / "contracts" / "schemas"
DEFINITIONS = {d.name: d for d in (ASSISTANCE, DISASTER, REGISTRY, VETERANS, ELDERCARE)}
SPECS = [
    f"minzheng_{name}.service:{name.upper()}"
    for name in ("assistance", "disaster", "registry", "veterans", "eldercare")
]


def _addresses(document: dict[str, Any], action: str) -> set[str]:
    return {
        document["channels"][op["channel"]["$ref"].rsplit("/", 1)[1]]["address"]
        for op in document["operations"].values()
        if op["action"] == action
    }


@pytest.mark.parametrize("name", sorted(DEFINITIONS))
def test_a_services_document_lists_exactly_its_subjects(name: str) -> None:
    definition: ServiceDefinition = DEFINITIONS[name]
    document = service_document(definition)
    published = published_by(definition)
    assert published, f"{name} publishes no contract"
    assert all(name in c.PRODUCERS for c in published)
    assert _addresses(document, "send") == {c.subject_for(name) for c in published}
    assert all(a.startswith(f"{name}.") for a in _addresses(document, "send"))
    assert _addresses(document, "receive") == {s.subject for s in definition.subscriptions}
    # every message is a contract version it publishes or reads, and nothing else
    wanted = {c.contract_key() for c in published} | {
        c.contract_key() for s in definition.subscriptions for c in s.contracts
    }
    got = {
        (m["name"], int(m["title"].rsplit(" v", 1)[1])) for m in document["components"]["messages"].values()
    }
    assert got == wanted


def test_each_service_reads_what_another_publishes() -> None:
    sent = {a for d in DEFINITIONS.values() for a in _addresses(service_document(d), "send")}
    for d in DEFINITIONS.values():
        for s in d.subscriptions:
            prefix = s.subject.rstrip(">*").rstrip(".")
            assert any(a == s.subject or a.startswith(prefix + ".") or a == prefix for a in sent), s.subject


def test_what_a_service_publishes_is_read_from_its_publication() -> None:
    """assistance and disaster still build PaymentIssued v1, veterans and eldercare v2; every contract
    version a service may publish but never builds is left out (registry builds all it may)."""
    keys = {name: {c.contract_key() for c in published_by(d)} for name, d in DEFINITIONS.items()}
    for name in ("assistance", "disaster"):
        assert ("PaymentIssued", 1) in keys[name] and ("PaymentIssued", 2) not in keys[name]
    for name in ("veterans", "eldercare"):
        assert ("PaymentIssued", 2) in keys[name] and ("PaymentIssued", 1) not in keys[name]
    assert {"MarriageRegistered", "DeathRegistered", "PlaceNamed"} <= {t for t, _ in keys["registry"]}
    # in a migration window assistance publishes v2 as well, on the same subject
    window = MigrationWindow("PaymentIssued", 1, 2)
    widened = {c.contract_key() for c in published_by(ASSISTANCE, [window])}
    assert widened == keys["assistance"] | {("PaymentIssued", 2)}
    document = service_document(ASSISTANCE, [window])
    channel = next(c for c in document["channels"].values() if c["address"] == "assistance.payment.issued")
    assert set(channel["messages"]) == {"PaymentIssued.v1", "PaymentIssued.v2"}


def test_a_message_payload_is_the_contract_schema() -> None:
    document = service_document(VETERANS)
    for contract in published_by(VETERANS):
        event_type, version = contract.contract_key()
        message = document["components"]["messages"][f"{event_type}.v{version}"]
        schema = document["components"]["schemas"][message["payload"]["$ref"].rsplit("/", 1)[1]]
        assert set(schema["properties"]) == set(contract_schema(contract)["properties"])


def test_committed_service_documents_are_up_to_date(tmp_path: Path) -> None:
    assert main([str(SCHEMAS), *SPECS, "--check"]) == 0, "run `make schemas`"
    assert main([str(tmp_path), *SPECS]) == 0
    assert sorted(p.name for p in (tmp_path / "services").iterdir()) == sorted(
        f"{n}.asyncapi.json" for n in DEFINITIONS
    )
    (tmp_path / "services" / "veterans.asyncapi.json").write_text("{}\n")
    assert main([str(tmp_path), *SPECS, "--check"]) == 1
