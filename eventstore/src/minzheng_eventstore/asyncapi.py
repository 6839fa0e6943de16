"""A service's own AsyncAPI document, from its declaration (服务的 AsyncAPI 文档).

What a service publishes is what its contracts let it publish: every catalogued contract that
names it among its ``PRODUCERS`` (the envelope refuses a message from any other producer, so the
relay can put nothing else on the wire), each on ``<service>.<aggregate>.<event>``. What it
consumes is its ``subscriptions``: each one's subject filter and the contracts it reads.

``python -m minzheng_eventstore.asyncapi DIR module:DEFINITION...`` writes
``DIR/services/<service>.asyncapi.json`` for each definition (``make schemas``); ``--check`` writes
nothing and exits 1 when a file differs.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from minzheng_contracts.catalogue import CONTRACTS, ContractClass
from minzheng_contracts.schema_export import render, service_asyncapi_document

from .kit import ServiceDefinition

SUBDIRECTORY = "services"


def published_by(service: str) -> list[ContractClass]:
    """The catalogued contracts ``service`` may publish, in (event type, version) order."""
    return sorted((c for c in CONTRACTS.values() if service in c.PRODUCERS), key=lambda c: c.contract_key())


def service_document(definition: ServiceDefinition) -> dict[str, Any]:
    consumed = [(s.subject, tuple(s.contracts)) for s in definition.subscriptions]
    published = published_by(definition.name) if definition.publication is not None else []
    return service_asyncapi_document(definition.name, published, consumed)


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
