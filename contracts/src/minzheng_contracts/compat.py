"""Backward-compatibility check of published JSON Schemas (契约兼容性检查).

A published ``(event_type, schema_version)`` must never change incompatibly: consumers written against
the old schema must still understand every new message. :func:`check` reports, with a JSON path:

- a removed field, or a removed contract (:func:`check_catalogue`);
- a changed type (including ``null`` no longer allowed, or a changed ``const``/``format``/``pattern``);
- a newly required field;
- a narrowed enum (values removed) or a narrowed constraint (min/max, lengths, item counts);
- a new ``schema_version`` (after the first) without a recorded reason in :data:`VERSION_REASONS`
  (:func:`unexplained_versions`; ``index.json`` carries the reason of each such version).

``python -m minzheng_contracts.compat OLD_DIR NEW_DIR`` compares two exported schema directories
(e.g. the ``contracts/schemas`` of the main branch and of a change) and exits 1 on a break;
``python -m minzheng_contracts.compat contracts/schemas`` compares the committed schemas with the
models as they are now (``check_models``).
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from types import MappingProxyType
from typing import Any, Final

__all__ = [
    "VERSION_REASONS",
    "WITHDRAWN",
    "check",
    "check_catalogue",
    "check_models",
    "main",
    "unexplained_versions",
]

#: Why each ``(event_type, schema_version)`` after the first exists (契约新版本的理由). A contract
#: version > 1 without an entry here fails :func:`unexplained_versions` and :func:`check_catalogue`.
VERSION_REASONS: Final[Mapping[tuple[str, int], str]] = MappingProxyType(
    {
        ("PaymentIssued", 2): (
            "v1 allows only assistance and disaster as producers and lists only their programmes; "
            "veterans (pensions, conscript family allowance, death one-offs, aid) and eldercare "
            "(old-age allowance, accident insurance, institution and home-care subsidies) pay too, so "
            "v2 allows any paying service on <producer>.payment.issued with the programme list "
            "extended, the same fields otherwise (registry-rules.md §0, issue #15). v1 stays "
            "published and is read as v2 by minzheng_contracts.upcasting."
        ),
    }
)

#: Contract versions taken back, with why: the one case where a published version may disappear
#: (it never reached a consumer). :func:`check_catalogue` does not report their removal.
WITHDRAWN: Final[Mapping[tuple[str, int], str]] = MappingProxyType(
    {
        ("HistoricalMarriageImported", 1): (
            "one record a message; replaced by HistoricalMarriagesImported v1 (1,000 records a message) "
            "eleven minutes after it was first committed (20256bb -> fc593ab), before any service "
            "subscribed to registry.archive.*"
        ),
    }
)

Schema = Mapping[str, Any]

_LOWER_BOUNDS: Final = ("minimum", "exclusiveMinimum", "minLength", "minItems", "minProperties")
_UPPER_BOUNDS: Final = ("maximum", "exclusiveMaximum", "maxLength", "maxItems", "maxProperties")
_EXACT: Final = ("const", "format", "pattern")


class _Walker:
    def __init__(self, old_root: Schema, new_root: Schema) -> None:
        self.roots = (old_root, new_root)
        self.problems: list[str] = []
        self._seen: set[tuple[str, str]] = set()  # also stops recursive schemas

    def resolve(self, schema: Schema, root_index: int) -> Schema:
        for _ in range(32):
            ref = schema.get("$ref")
            if not isinstance(ref, str) or not ref.startswith("#/"):
                return schema
            target: Any = self.roots[root_index]
            for part in ref[2:].split("/"):
                target = target[part.replace("~1", "/").replace("~0", "~")]
            schema = {**target, **{k: v for k, v in schema.items() if k != "$ref"}}
        raise ValueError("$ref chain too deep")

    def compare(self, old: Schema, new: Schema, path: str) -> None:
        key = (json.dumps(old, sort_keys=True), json.dumps(new, sort_keys=True))
        if key in self._seen:
            return
        self._seen.add(key)
        old, new = self.resolve(old, 0), self.resolve(new, 1)
        old_branches, new_branches = _branches(old), _branches(new)
        if len(old_branches) > 1 or len(new_branches) > 1:
            self._compare_unions(old_branches, new_branches, path)
            return
        self._compare_types(old, new, path)
        self._compare_enum(old, new, path)
        self._compare_constraints(old, new, path)
        self._compare_object(old, new, path)
        if isinstance(old.get("items"), Mapping) and isinstance(new.get("items"), Mapping):
            self.compare(old["items"], new["items"], f"{path}[]")

    def _compare_unions(self, old: list[Schema], new: list[Schema], path: str) -> None:
        for index, branch in enumerate(old):
            resolved = self.resolve(branch, 0)
            candidates = [b for b in new if _types(self.resolve(b, 1)) & _types(resolved)] or new
            if not any(_types(self.resolve(b, 1)) >= _types(resolved) for b in candidates):
                self.problems.append(
                    f"{path}: changed type: {sorted(_types(resolved))} is no longer accepted (anyOf[{index}])"
                )
                continue
            self.compare(branch, candidates[0], path)

    def _compare_types(self, old: Schema, new: Schema, path: str) -> None:
        old_types, new_types = _types(old), _types(new)
        if old_types and new_types and not old_types <= new_types:
            self.problems.append(f"{path}: changed type: {sorted(old_types)} -> {sorted(new_types)}")
        for keyword in _EXACT:
            if keyword in new and old.get(keyword) != new[keyword]:
                self.problems.append(f"{path}: changed {keyword}: {old.get(keyword)!r} -> {new[keyword]!r}")

    def _compare_enum(self, old: Schema, new: Schema, path: str) -> None:
        if "enum" not in new:
            return
        if "enum" not in old:
            self.problems.append(f"{path}: narrowed enum: now restricted to {new['enum']!r}")
            return
        removed = [value for value in old["enum"] if value not in new["enum"]]
        if removed:
            self.problems.append(f"{path}: narrowed enum: removed {removed!r}")

    def _compare_constraints(self, old: Schema, new: Schema, path: str) -> None:
        for keyword in _LOWER_BOUNDS:
            if keyword in new and (keyword not in old or new[keyword] > old[keyword]):
                self.problems.append(f"{path}: narrowed {keyword}: {old.get(keyword)!r} -> {new[keyword]!r}")
        for keyword in _UPPER_BOUNDS:
            if keyword in new and (keyword not in old or new[keyword] < old[keyword]):
                self.problems.append(f"{path}: narrowed {keyword}: {old.get(keyword)!r} -> {new[keyword]!r}")
        if old.get("additionalProperties", True) is not False and new.get("additionalProperties") is False:
            self.problems.append(f"{path}: additional properties are no longer allowed")

    def _compare_object(self, old: Schema, new: Schema, path: str) -> None:
        old_props: Mapping[str, Any] = old.get("properties", {})
        new_props: Mapping[str, Any] = new.get("properties", {})
        for name in old_props:
            if name not in new_props:
                self.problems.append(f"{path}.{name}: removed field")
        old_required, new_required = set(old.get("required", ())), set(new.get("required", ()))
        for name in sorted(new_required - old_required):
            self.problems.append(f"{path}.{name}: newly required field")
        for name, old_prop in old_props.items():
            if name in new_props:
                self.compare(old_prop, new_props[name], f"{path}.{name}")


def _branches(schema: Schema) -> list[Schema]:
    for keyword in ("anyOf", "oneOf"):
        if isinstance(schema.get(keyword), list):
            return list(schema[keyword])
    return [schema]


def _types(schema: Schema) -> set[str]:
    declared = schema.get("type")
    if isinstance(declared, str):
        types = {declared}
    elif isinstance(declared, list):
        types = set(declared)
    elif "const" in schema or "enum" in schema:
        values = [schema["const"]] if "const" in schema else list(schema["enum"])
        types = {_json_type(value) for value in values}
    elif "properties" in schema:
        types = {"object"}
    else:
        return set()
    if "number" in types:
        types.add("integer")  # an integer is a number: integer -> number is a widening
    return types


def _json_type(value: object) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, float):
        return "number"
    if isinstance(value, str):
        return "string"
    return "array" if isinstance(value, list) else "object"


def check(old_schema: Schema, new_schema: Schema) -> list[str]:
    """Backward-incompatible changes from ``old_schema`` to ``new_schema``; empty if compatible."""
    walker = _Walker(old_schema, new_schema)
    walker.compare(old_schema, new_schema, "$")
    return walker.problems


def unexplained_versions(keys: Iterable[tuple[str, int]]) -> list[str]:
    """The contract versions after the first that have no recorded reason in :data:`VERSION_REASONS`."""
    return [
        f"{event_type} v{version}: new schema_version without a recorded reason (compat.VERSION_REASONS)"
        for event_type, version in sorted(keys)
        if version > 1 and not VERSION_REASONS.get((event_type, version), "").strip()
    ]


def _load(path: Path) -> Any:
    return json.loads(path.read_text(encoding="utf-8"))


def check_catalogue(old_dir: Path, new_dir: Path) -> list[str]:
    """Compare two exported schema directories (with ``index.json``): breaks of every published contract,
    and each version after the first in ``new_dir`` whose entry records no ``reason``."""
    new_entries = _load(new_dir / "index.json")["contracts"]
    new_files = {(e["event_type"], e["schema_version"]): e["file"] for e in new_entries}
    problems: list[str] = [
        f"{e['event_type']} v{e['schema_version']}: new schema_version without a recorded reason"
        for e in new_entries
        if e["schema_version"] > 1 and not str(e.get("reason", "")).strip()
    ]
    for entry in _load(old_dir / "index.json")["contracts"]:
        key = (entry["event_type"], entry["schema_version"])
        label = f"{key[0]} v{key[1]}"
        if key not in new_files:
            if key not in WITHDRAWN:
                problems.append(f"{label}: removed contract")
            continue
        old_schema, new_schema = _load(old_dir / entry["file"]), _load(new_dir / new_files[key])
        problems.extend(f"{label}: {problem}" for problem in check(old_schema, new_schema))
    return problems


def check_models(published_dir: Path) -> list[str]:
    """Breaks of the contract models as they are now against the published schemas in
    ``published_dir`` (the committed ``contracts/schemas``): a field removed or a type narrowed in a
    published ``(event_type, schema_version)`` is reported even before ``make schemas`` rewrites the
    files. A new version is no break, an explained one (``VERSION_REASONS``)."""
    import tempfile

    from .schema_export import generate

    with tempfile.TemporaryDirectory() as tmp:
        for name, content in generate().items():
            (Path(tmp) / name).write_text(content, encoding="utf-8")
        return check_catalogue(published_dir, Path(tmp))


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m minzheng_contracts.compat", description=__doc__)
    parser.add_argument("old_dir", type=Path, help="published schemas (e.g. from the main branch)")
    parser.add_argument(
        "new_dir", type=Path, nargs="?", help="schemas of the change (none: the models as they are now)"
    )
    args = parser.parse_args(argv)
    if args.new_dir is None:
        problems = check_models(args.old_dir)
    else:
        problems = check_catalogue(args.old_dir, args.new_dir)
    for problem in problems:
        print(problem, file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    raise SystemExit(main())
