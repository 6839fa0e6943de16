"""compat.check flags each kind of backward-incompatible change, and only those."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest

from minzheng_contracts import CONTRACTS
from minzheng_contracts.compat import check, check_catalogue, main
from minzheng_contracts.schema_export import contract_schema, write

BASE: dict[str, Any] = {
    "type": "object",
    "additionalProperties": False,
    "properties": {
        "amount_fen": {"type": "integer", "minimum": 0},
        "kind": {"$ref": "#/$defs/Kind"},
        "note": {"anyOf": [{"type": "string", "maxLength": 100}, {"type": "null"}]},
        "items": {"type": "array", "items": {"$ref": "#/$defs/Item"}},
    },
    "required": ["amount_fen", "kind"],
    "$defs": {
        "Kind": {"type": "string", "enum": ["flood", "fire", "other"]},
        "Item": {
            "type": "object",
            "properties": {"code": {"type": "string", "pattern": "^[0-9]{6}$"}},
            "required": ["code"],
        },
    },
}


def changed(path: str, value: Any = None, *, delete: bool = False) -> dict[str, Any]:
    schema = copy.deepcopy(BASE)
    *parents, last = path.split(".")
    node: Any = schema
    for part in parents:
        node = node[int(part)] if isinstance(node, list) else node[part]
    if delete:
        del node[last]
    else:
        node[last] = value
    return schema


def test_identical_schema_is_compatible() -> None:
    assert check(BASE, copy.deepcopy(BASE)) == []


@pytest.mark.parametrize(
    ("new", "expected"),
    [
        (changed("properties.note", delete=True), "$.note: removed field"),
        (changed("properties.amount_fen.type", "string"), "$.amount_fen: changed type"),
        (changed("properties.amount_fen.type", "number"), None),
        (changed("required", ["amount_fen", "kind", "note"]), "$.note: newly required field"),
        (changed("$defs.Kind.enum", ["flood", "other"]), "$.kind: narrowed enum: removed ['fire']"),
        (changed("$defs.Kind.enum", ["flood", "fire", "other", "drought"]), None),
        (changed("properties.note.anyOf", [{"type": "string"}]), "$.note: changed type: ['null']"),
        (changed("properties.note.anyOf.0.maxLength", 50), "$.note: narrowed maxLength"),
        (changed("properties.note.anyOf.0.maxLength", 500), None),
        (changed("properties.amount_fen.minimum", 1), "$.amount_fen: narrowed minimum"),
        (changed("$defs.Item.properties.code.pattern", "^[0-9]{9}$"), "$.items[].code: changed pattern"),
        (changed("$defs.Item.properties.code.type", "integer"), "$.items[].code: changed type"),
        (changed("$defs.Item.additionalProperties", False), "$.items[]: additional properties"),
        (changed("properties.extra", {"type": "string"}), None),
        (changed("required", ["amount_fen"]), None),
        (changed("properties.kind", {"type": "string"}), None),
        (changed("properties.amount_fen.description", "in fen"), None),
    ],
)
def test_each_kind_of_break_is_flagged(new: dict[str, Any], expected: str | None) -> None:
    problems = check(BASE, new)
    if expected is None:
        assert problems == []
    else:
        assert any(p.startswith(expected) for p in problems), problems


def test_recursive_schemas_terminate() -> None:
    tree = {
        "$ref": "#/$defs/Node",
        "$defs": {
            "Node": {"type": "object", "properties": {"children": {"items": {"$ref": "#/$defs/Node"}}}}
        },
    }
    assert check(tree, copy.deepcopy(tree)) == []


def test_real_contract_changes_are_flagged() -> None:
    contract = CONTRACTS[("PaymentIssued", 1)]
    old = contract_schema(contract)
    assert check(old, copy.deepcopy(old)) == []
    new = copy.deepcopy(old)
    new["$defs"]["PaymentProgramme"]["enum"].remove("disaster_relief")
    del new["$defs"]["PaymentIssuedData"]["properties"]["run_id"]
    new["$defs"]["PaymentIssuedData"]["properties"]["amount_fen"]["type"] = "string"
    problems = check(old, new)
    assert any("narrowed enum" in p and "disaster_relief" in p for p in problems)
    assert any(p.startswith("$.data.run_id: removed field") for p in problems)
    assert any(p.startswith("$.data.amount_fen: changed type") for p in problems), problems


def test_catalogue_comparison(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    old, new = tmp_path / "old", tmp_path / "new"
    write(old)
    write(new)
    assert check_catalogue(old, new) == [] and main([str(old), str(new)]) == 0
    index = json.loads((new / "index.json").read_text())
    index["contracts"] = [e for e in index["contracts"] if e["event_type"] != "DeathRegistered"]
    (new / "index.json").write_text(json.dumps(index))
    schema = json.loads((new / "HouseholdApplied.v1.json").read_text())
    schema["$defs"]["HouseholdAppliedData"]["required"].append("household_size")
    (new / "HouseholdApplied.v1.json").write_text(json.dumps(schema))
    assert check_catalogue(old, new) == [
        "DeathRegistered v1: removed contract",
        "HouseholdApplied v1: $.data.household_size: newly required field",
    ]
    assert main([str(old), str(new)]) == 1
    assert "removed contract" in capsys.readouterr().err
