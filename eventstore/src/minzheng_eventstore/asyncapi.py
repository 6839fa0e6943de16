"""A service's own AsyncAPI document, from its declaration (服务的 AsyncAPI 文档).

What a service publishes is read from its publication: the contract classes its mapping functions
name (followed through the helpers, mapping tables and closures they use, within the service's and
the kit's modules), kept to those that allow it as a producer (the envelope refuses any other), each
on ``<service>.<aggregate>.<event>``. So assistance lists ``PaymentIssued`` v1, the version its
mapping builds, and veterans v2. What it consumes is its ``subscriptions``: each one's subject
filter and the contracts it reads.

``python -m minzheng_eventstore.asyncapi DIR module:DEFINITION...`` writes
``DIR/services/<service>.asyncapi.json`` for each definition (``make schemas``); ``--check`` writes
nothing and exits 1 when a file differs.
"""

from __future__ import annotations

import argparse
import functools
import importlib
import inspect
import sys
import types
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from minzheng_contracts.catalogue import CONTRACTS, ContractClass, contract_for
from minzheng_contracts.envelope import IntegrationEvent
from minzheng_contracts.schema_export import render, service_asyncapi_document

from .kit import ServiceDefinition
from .migration_window import MigrationWindow

SUBDIRECTORY = "services"


def allowed_for(service: str) -> list[ContractClass]:
    """The catalogued contracts ``service`` may publish (its name among their producers)."""
    return sorted((c for c in CONTRACTS.values() if service in c.PRODUCERS), key=lambda c: c.contract_key())


def referenced_contracts(root: object, *, within: tuple[str, ...] = ("minzheng_",)) -> set[ContractClass]:
    """The concrete contract classes ``root`` (a publication) names: through the globals its code
    reads (and their attributes it reads, for a module), the cells it closes over, and the
    mappings, sequences and functions those hold, in modules whose name starts with ``within``."""
    found: set[ContractClass] = set()
    seen: set[int] = set()
    todo: list[object] = [root]
    while todo:
        item = todo.pop()
        if id(item) in seen:
            continue
        seen.add(id(item))
        if isinstance(item, type):
            if issubclass(item, IntegrationEvent) and item.is_concrete():
                found.add(item)
            continue
        if isinstance(item, Mapping):
            todo.extend(item.values())
        elif isinstance(item, list | tuple | frozenset | set):
            todo.extend(item)
        elif isinstance(item, functools.partial):
            todo.extend([item.func, *item.args, *item.keywords.values()])
        elif inspect.isfunction(item) and (item.__module__ or "").startswith(within):
            code_globals, names = item.__globals__, _names(item.__code__)
            named = [code_globals[n] for n in names if n in code_globals]
            todo.extend(named)
            for module in (m for m in named if isinstance(m, types.ModuleType)):  # ``c.Contract``
                todo.extend(getattr(module, n) for n in names if hasattr(module, n))
            todo.extend(c.cell_contents for c in item.__closure__ or () if _filled(c))
            todo.extend(item.__defaults__ or ())
    return found


def _names(code: types.CodeType) -> set[str]:
    names = set(code.co_names)
    for const in code.co_consts:
        if isinstance(const, types.CodeType):
            names |= _names(const)
    return names


def _filled(cell: types.CellType) -> bool:
    try:
        cell.cell_contents  # noqa: B018 (an empty cell raises)
    except ValueError:
        return False
    return True


def published_by(
    definition: ServiceDefinition, windows: Sequence[MigrationWindow] = ()
) -> list[ContractClass]:
    """The contracts ``definition``'s publication builds and its name may publish, in order; with
    the migration ``windows`` it publishes in (``migration_window``), their newer versions too."""
    if definition.publication is None:
        return []
    allowed = set(allowed_for(definition.name))
    found = referenced_contracts(definition.publication) & allowed
    keys = {c.contract_key() for c in found}
    found |= {contract_for(w.event_type, w.new) for w in windows if (w.event_type, w.old) in keys}
    return sorted(found, key=lambda c: c.contract_key())


def service_document(
    definition: ServiceDefinition, windows: Sequence[MigrationWindow] = ()
) -> dict[str, Any]:
    consumed = [(s.subject, tuple(s.contracts)) for s in definition.subscriptions]
    return service_asyncapi_document(definition.name, published_by(definition, windows), consumed)


def file_name(definition: ServiceDefinition) -> str:
    return f"{SUBDIRECTORY}/{definition.name}.asyncapi.json"


def _definition(spec: str) -> ServiceDefinition:
    module, _, attribute = spec.partition(":")
    found = getattr(importlib.import_module(module), attribute)
    if not isinstance(found, ServiceDefinition):
        raise SystemExit(f"{spec} is not a ServiceDefinition")
    return found


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m minzheng_eventstore.asyncapi", description=__doc__)
    parser.add_argument("directory", type=Path)
    parser.add_argument("definitions", nargs="+", help="module:ATTRIBUTE of each ServiceDefinition")
    parser.add_argument("--check", action="store_true")
    args = parser.parse_args(argv)
    stale = []
    for spec in args.definitions:
        definition = _definition(spec)
        path = args.directory / file_name(definition)
        content = render(service_document(definition))
        if args.check:
            if not path.is_file() or path.read_text(encoding="utf-8") != content:
                stale.append(path)
            continue
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(content, encoding="utf-8")
        print(path)
    for path in stale:
        print(f"out of date: {path} (run `make schemas`)", file=sys.stderr)
    return 1 if stale else 0


if __name__ == "__main__":
    raise SystemExit(main())
