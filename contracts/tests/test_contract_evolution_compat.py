"""The compatibility check fails the build on an incompatible change of a published contract
without a new version: against the committed ``contracts/schemas`` (and every earlier committed
form of each published version), and an edit that removes a field or narrows a type is caught,
while the same change made as a new, explained version passes."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

from minzheng_contracts.compat import WITHDRAWN, check, check_catalogue, check_models, main
from minzheng_contracts.schema_export import generate

SCHEMAS = Path(__file__).resolve().parents[1] / "schemas"
REPO = SCHEMAS.parents[1]


def test_the_models_are_compatible_with_the_committed_schemas() -> None:
    assert check_models(SCHEMAS) == []
    assert main([str(SCHEMAS)]) == 0


def _git(*args: str) -> str | None:
    try:
        done = subprocess.run(
            ["git", *args], cwd=REPO, capture_output=True, text=True, timeout=60, check=False
        )
    except (OSError, subprocess.SubprocessError):
        return None
    return done.stdout if done.returncode == 0 else None


def test_every_committed_form_of_a_published_version_is_still_served() -> None:
    """A version once committed may only widen afterwards: each of its earlier forms in the history
    of contracts/schemas is compared with the models as they are now."""
    commits = _git("log", "--format=%H", "--", "contracts/schemas")
    if not commits:
        pytest.skip("no git history of contracts/schemas here")
    current = generate()
    problems: list[str] = []
    compared = 0
    for commit in commits.split():
        names = _git("show", "--name-only", "--format=", commit, "--", "contracts/schemas") or ""
        for path in names.split():
            name = Path(path).name
            if path.count("/") != 2 or ".v" not in name or name.startswith(("index", "asyncapi")):
                continue
            old = _git("show", f"{commit}:{path}")
            if old is None:  # deleted in that commit
                continue
            event_type, _, version = name.removesuffix(".json").rpartition(".v")
            if name not in current:
                if (event_type, int(version)) not in WITHDRAWN:
                    problems.append(f"{name}: published, then removed (not in compat.WITHDRAWN)")
                continue
            compared += 1
            problems += [
                f"{name} as of {commit[:10]}: {p}" for p in check(json.loads(old), json.loads(current[name]))
            ]
    assert compared > 0
    assert not problems, "\n".join(problems)


def _edited(tmp_path: Path, edit: Any) -> Path:
    changed = tmp_path / "changed"
    shutil.copytree(SCHEMAS, changed, ignore=shutil.ignore_patterns("services"))
    path = changed / "PaymentIssued.v1.json"
    schema = json.loads(path.read_text(encoding="utf-8"))
    edit(schema["$defs"]["PaymentIssuedData"])
    path.write_text(json.dumps(schema), encoding="utf-8")
    return changed


def _remove_beneficiary(data: dict[str, Any]) -> None:
    del data["properties"]["beneficiary"]


def _period_not_null(data: dict[str, Any]) -> None:
    data["properties"]["period"] = data["properties"]["period"]["anyOf"][0]


def _amount_as_string(data: dict[str, Any]) -> None:
    data["properties"]["amount_fen"]["type"] = "string"


def _amount_capped(data: dict[str, Any]) -> None:
    data["properties"]["amount_fen"]["maximum"] = 100_000


@pytest.mark.parametrize(
    ("edit", "expected"),
    [
        (_remove_beneficiary, "PaymentIssued v1: $.data.beneficiary: removed field"),
        (_period_not_null, "PaymentIssued v1: $.data.period: changed type"),
        (_amount_as_string, "PaymentIssued v1: $.data.amount_fen: changed type"),
        (_amount_capped, "PaymentIssued v1: $.data.amount_fen: narrowed maximum"),
    ],
)
def test_an_incompatible_edit_of_a_published_version_fails_the_check(
    tmp_path: Path, edit: Any, expected: str, capsys: pytest.CaptureFixture[str]
) -> None:
    changed = _edited(tmp_path, edit)
    problems = check_catalogue(SCHEMAS, changed)
    assert any(p.startswith(expected) for p in problems), problems
    assert main([str(SCHEMAS), str(changed)]) == 1
    assert expected in capsys.readouterr().err


def test_the_same_change_as_a_new_explained_version_passes(tmp_path: Path) -> None:
    """Removing a field is allowed in a new version: v1 stays as it was, the index names v3 with
    its reason; a v3 without a reason fails."""
    changed = tmp_path / "changed"
    shutil.copytree(SCHEMAS, changed, ignore=shutil.ignore_patterns("services"))
    v3 = json.loads((changed / "PaymentIssued.v2.json").read_text(encoding="utf-8"))
    for definition in v3["$defs"].values():
        definition.get("properties", {}).pop("beneficiary", None)
    (changed / "PaymentIssued.v3.json").write_text(json.dumps(v3), encoding="utf-8")
    index = json.loads((changed / "index.json").read_text(encoding="utf-8"))
    entry = {**next(e for e in index["contracts"] if e["file"] == "PaymentIssued.v2.json")}
    entry.update(file="PaymentIssued.v3.json", schema_version=3, reason="")
    index["contracts"].append(entry)
    (changed / "index.json").write_text(json.dumps(index), encoding="utf-8")
    assert check_catalogue(SCHEMAS, changed) == [
        "PaymentIssued v3: new schema_version without a recorded reason"
    ]
    entry["reason"] = "the beneficiary moves to a contract of its own (example)"
    (changed / "index.json").write_text(json.dumps(index), encoding="utf-8")
    assert check_catalogue(SCHEMAS, changed) == []
