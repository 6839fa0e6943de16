"""The committed schemas (contracts/schemas) match the models, and published versions stay compatible."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path
from typing import Any

import pytest

from minzheng_contracts import CONTRACTS
from minzheng_contracts.compat import check
from minzheng_contracts.schema_export import differences, generate, main

SCHEMAS = Path(__file__).resolve().parents[1] / "schemas"
REPO = SCHEMAS.parents[1]


def test_committed_schemas_are_up_to_date() -> None:
    stale = differences(SCHEMAS)
    assert not stale, f"contracts/schemas is out of date ({', '.join(stale)}): run `make schemas`"


def test_generated_files_are_stable_json() -> None:
    files = generate()
    assert set(files) == {f"{t}.v{v}.json" for t, v in CONTRACTS} | {"index.json", "asyncapi.json"}
    for content in files.values():
        assert content.endswith("}\n")
        assert json.dumps(json.loads(content), sort_keys=True, indent=2, ensure_ascii=False) + "\n" == content
    assert generate() == files


def test_cli_writes_and_checks(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main([str(tmp_path)]) == 0
    (tmp_path / "Obsolete.v1.json").write_text("{}\n")
    assert main([str(tmp_path), "--check"]) == 1
    assert "Obsolete.v1.json" in capsys.readouterr().err
    assert main([str(tmp_path)]) == 0 and not (tmp_path / "Obsolete.v1.json").exists()
    assert main([str(tmp_path), "--check"]) == 0


def _refs(node: Any) -> list[str]:
    if isinstance(node, dict):
        found = [node["$ref"]] if isinstance(node.get("$ref"), str) else []
        return found + [r for value in node.values() for r in _refs(value)]
    if isinstance(node, list):
        return [r for value in node for r in _refs(value)]
    return []


def _resolves(document: Any, ref: str) -> bool:
    target = document
    for part in ref.removeprefix("#/").split("/"):
        if not isinstance(target, dict) or part not in target:
            return False
        target = target[part]
    return True


def test_every_ref_resolves() -> None:
    for name, content in generate().items():
        document = json.loads(content)
        for ref in _refs(document):
            assert ref.startswith("#/") and _resolves(document, ref), f"{name}: dangling {ref}"


def test_index_and_asyncapi_describe_every_contract() -> None:
    files = generate()
    index = json.loads(files["index.json"])["contracts"]
    assert {(e["event_type"], e["schema_version"]) for e in index} == set(CONTRACTS)
    asyncapi = json.loads(files["asyncapi.json"])
    assert asyncapi["asyncapi"].startswith("3.")
    addresses = {channel["address"] for channel in asyncapi["channels"].values()}
    assert addresses == {subject for contract in CONTRACTS.values() for subject in contract.subjects()}
    assert "disaster.payment.issued" in addresses
    for (event_type, version), contract in CONTRACTS.items():
        schema = json.loads(files[f"{event_type}.v{version}.json"])
        assert schema["properties"]["event_type"]["const"] == event_type
        assert schema["properties"]["schema_version"]["const"] == version
        assert schema["properties"]["producer"]["enum"] == sorted(contract.PRODUCERS)
        assert {"event_type", "schema_version", "data", "occurred_at"} <= set(schema["required"])
        assert f"{event_type}.v{version}" in asyncapi["components"]["messages"]


def _published(name: str) -> dict[str, Any] | None:
    """The schema file as last committed (git HEAD), or None if there is none."""
    try:
        shown = subprocess.run(
            ["git", "show", f"HEAD:contracts/schemas/{name}"],
            cwd=REPO,
            capture_output=True,
            text=True,
            check=False,
            timeout=30,
        )
    except (OSError, subprocess.SubprocessError):
        return None
    return json.loads(shown.stdout) if shown.returncode == 0 else None


def test_published_versions_did_not_change_incompatibly() -> None:
    """Even after `make schemas`, a committed (published) version may not break its consumers."""
    published = _published("index.json")
    if published is None:
        pytest.skip("no committed contracts/schemas/index.json at git HEAD yet")
    files = generate()
    current = {(e["event_type"], e["schema_version"]) for e in json.loads(files["index.json"])["contracts"]}
    problems: list[str] = []
    for entry in published["contracts"]:
        key = (entry["event_type"], entry["schema_version"])
        if key not in current:
            problems.append(f"{key}: published contract removed")
            continue
        old = _published(entry["file"])
        assert old is not None
        problems += [f"{key}: {p}" for p in check(old, json.loads(files[entry["file"]]))]
    assert not problems, (
        "published contract changed incompatibly; add a new schema_version instead:\n" + "\n".join(problems)
    )
