"""Publish the contracts as JSON Schema files and one AsyncAPI 3.0 document.

``python -m minzheng_contracts.schema_export <dir>`` writes, for every contract in the catalogue,
``<dir>/<event_type>.v<N>.json``, plus ``index.json`` and ``asyncapi.json``. ``--check`` writes
nothing and exits 1 if the files on disk differ from the models (CI: "run make schemas").
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterable, Sequence
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any, Final

from pydantic.json_schema import models_json_schema

from minzheng_contracts.catalogue import CONTRACTS, ContractClass
from minzheng_contracts.compat import VERSION_REASONS

__all__ = [
    "asyncapi_document",
    "contract_schema",
    "file_name",
    "generate",
    "index_document",
    "main",
    "render",
    "service_asyncapi_document",
    "write",
]

JSON_SCHEMA_DIALECT: Final = "https://json-schema.org/draft/2020-12/schema"
INDEX_FILE: Final = "index.json"
ASYNCAPI_FILE: Final = "asyncapi.json"


def file_name(contract: ContractClass) -> str:
    """``<event_type>.v<N>.json``."""
    event_type, schema_version = contract.contract_key()
    return f"{event_type}.v{schema_version}.json"


def _message_key(contract: ContractClass) -> str:
    event_type, schema_version = contract.contract_key()
    return f"{event_type}.v{schema_version}"


def _summary(contract: ContractClass) -> str:
    return (contract.__doc__ or contract.__name__).strip().splitlines()[0]


def contract_schema(contract: ContractClass) -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of a contract's messages, as they appear on the wire."""
    event_type, schema_version = contract.contract_key()
    schema = contract.model_json_schema(mode="serialization")
    return {
        "$schema": JSON_SCHEMA_DIALECT,
        "$id": f"urn:minzheng:contract:{event_type}:v{schema_version}",
        **schema,
    }


def index_document(contracts: Iterable[ContractClass]) -> dict[str, Any]:
    """``index.json``: one entry per contract; a version after the first names its ``reason``."""
    entries = []
    for contract in contracts:
        event_type, schema_version = contract.contract_key()
        entry: dict[str, Any] = {
            "event_type": event_type,
            "schema_version": schema_version,
            "subject": contract.SUBJECT,
            "subjects": contract.subjects(),
            "producers": sorted(contract.PRODUCERS),
            "file": file_name(contract),
            "summary": _summary(contract),
        }
        if (event_type, schema_version) in VERSION_REASONS:
            entry["reason"] = VERSION_REASONS[(event_type, schema_version)]
        entries.append(entry)
    entries.sort(key=lambda e: (e["event_type"], e["schema_version"]))
    return {"contracts": entries}


def _package_version() -> str:
    try:
        return version("minzheng-contracts")
    except PackageNotFoundError:  # pragma: no cover - only when run from a source tree
        return "0.0.0"


def asyncapi_document(contracts: Sequence[ContractClass]) -> dict[str, Any]:
    """An AsyncAPI 3.0 document: one channel per subject, one message per contract version."""
    ordered = sorted(contracts, key=lambda c: c.contract_key())
    refs, definitions = models_json_schema(
        [(contract, "serialization") for contract in ordered], ref_template="#/components/schemas/{model}"
    )
    channels: dict[str, Any] = {}
    operations: dict[str, Any] = {}
    messages: dict[str, Any] = {}
    for contract in ordered:
        key = _message_key(contract)
        messages[key] = {
            "name": contract.contract_key()[0],
            "title": f"{contract.contract_key()[0]} v{contract.contract_key()[1]}",
            "summary": _summary(contract),
            "contentType": "application/json",
            "headers": {
                "type": "object",
                "properties": {
                    "Nats-Msg-Id": {
                        "type": "string",
                        "format": "uuid",
                        "description": "Equals event_id: JetStream de-duplicates on it.",
                    }
                },
            },
            "correlationId": {"location": "$message.payload#/correlation_id"},
            "payload": refs[(contract, "serialization")],
        }
        for subject in contract.subjects():
            channel_key = subject.replace(".", "_")
            channel = channels.setdefault(channel_key, {"address": subject, "messages": {}})
            channel["messages"][key] = {"$ref": f"#/components/messages/{key}"}
            operations[f"publish_{channel_key}"] = {
                "action": "send",
                "summary": f"{subject.split('.', 1)[0]} publishes on {subject}",
                "channel": {"$ref": f"#/channels/{channel_key}"},
                "messages": [
                    {"$ref": f"#/channels/{channel_key}/messages/{m}"} for m in sorted(channel["messages"])
                ],
            }
    return {
        "asyncapi": "3.0.0",
        "info": {
            "title": "minzheng integration events (民政 集成事件)",
            "version": _package_version(),
            "description": "Events published by the minzheng services on NATS JetStream, one stream per "
            "producing service. Subjects are <service>.<aggregate>.<event>. Every message is a JSON "
            "envelope (event_id, event_type, schema_version, occurred_at, producer, correlation_id, "
            "causation_id, jurisdiction, data); dispatch on (event_type, schema_version). Amounts are "
            "integer fen (分), times are ISO 8601 with an offset, resident IDs are GB 11643-1999.",
        },
        "defaultContentType": "application/json",
        "channels": channels,
        "operations": operations,
        "components": {"messages": messages, "schemas": definitions.get("$defs", {})},
    }


def _message(contract: ContractClass, payload: Any) -> dict[str, Any]:
    event_type, schema_version = contract.contract_key()
    return {
        "name": event_type,
        "title": f"{event_type} v{schema_version}",
        "summary": _summary(contract),
        "contentType": "application/json",
        "headers": {
            "type": "object",
            "properties": {
                "Nats-Msg-Id": {
                    "type": "string",
                    "description": "The event id (a contract's second version in a migration window: "
                    "<event id>:v<N>): JetStream de-duplicates on it, inboxes too.",
                }
            },
        },
        "correlationId": {"location": "$message.payload#/correlation_id"},
        "payload": payload,
    }


def service_asyncapi_document(
    service: str,
    published: Sequence[ContractClass],
    consumed: Sequence[tuple[str, Sequence[ContractClass]]],
) -> dict[str, Any]:
    """The AsyncAPI 3.0 document of one service (服务的 AsyncAPI): a ``send`` operation per subject
    it publishes (each ``published`` contract on ``<service>.<aggregate>.<event>``) and a
    ``receive`` operation per subscription (its subject filter and the contracts it reads)."""
    every = sorted(
        {*published, *(c for _, contracts in consumed for c in contracts)}, key=lambda c: c.contract_key()
    )
    refs, definitions = models_json_schema(
        [(c, "serialization") for c in every], ref_template="#/components/schemas/{model}"
    )
    messages = {_message_key(c): _message(c, refs[(c, "serialization")]) for c in every}
    channels: dict[str, Any] = {}
    operations: dict[str, Any] = {}

    def channel(subject: str, contracts: Iterable[ContractClass], action: str) -> None:
        key = subject.replace(".", "_").replace(">", "all").replace("*", "any")
        entry = channels.setdefault(key, {"address": subject, "messages": {}})
        for c in contracts:
            entry["messages"][_message_key(c)] = {"$ref": f"#/components/messages/{_message_key(c)}"}
        operations[f"{action}_{key}"] = {
            "action": action,
            "summary": f"{service} {'publishes on' if action == 'send' else 'consumes'} {subject}",
            "channel": {"$ref": f"#/channels/{key}"},
            "messages": [{"$ref": f"#/channels/{key}/messages/{m}"} for m in sorted(entry["messages"])],
        }

    by_subject: dict[str, list[ContractClass]] = {}
    for c in published:
        by_subject.setdefault(c.subject_for(service), []).append(c)
    for subject, contracts in sorted(by_subject.items()):
        channel(subject, contracts, "send")
    for filter_subject, read in consumed:
        channel(filter_subject, read, "receive")
    return {
        "asyncapi": "3.0.0",
        "info": {
            "title": f"minzheng {service}: what it publishes and consumes",
            "version": _package_version(),
            "description": f"The integration events the {service} service publishes on NATS JetStream "
            "and the ones its durable consumers read (the catalogue of all of them: asyncapi.json).",
        },
        "defaultContentType": "application/json",
        "channels": channels,
        "operations": operations,
        "components": {"messages": messages, "schemas": definitions.get("$defs", {})},
    }


def render(document: Any) -> str:
    """Stable JSON text: sorted keys, indent 2, UTF-8 characters kept, trailing newline."""
    return json.dumps(document, sort_keys=True, indent=2, ensure_ascii=False) + "\n"


def generate(contracts: Sequence[ContractClass] | None = None) -> dict[str, str]:
    """File name → content of every file to publish."""
    selected = list(CONTRACTS.values()) if contracts is None else list(contracts)
    files = {file_name(c): render(contract_schema(c)) for c in selected}
    files[INDEX_FILE] = render(index_document(selected))
    files[ASYNCAPI_FILE] = render(asyncapi_document(selected))
    return files


def _stale(directory: Path, files: dict[str, str]) -> list[Path]:
    return sorted(p for p in directory.glob("*.v*.json") if p.name not in files)


def write(directory: Path) -> list[Path]:
    """Write the files into ``directory`` and delete schema files of contracts no longer catalogued."""
    directory.mkdir(parents=True, exist_ok=True)
    files = generate()
    for stale in _stale(directory, files):
        stale.unlink()
    written = []
    for name, content in sorted(files.items()):
        path = directory / name
        path.write_text(content, encoding="utf-8")
        written.append(path)
    return written


def differences(directory: Path) -> list[str]:
    """Names of the files in ``directory`` that are missing, stale or differ from the models."""
    files = generate()
    changed = [
        name
        for name, content in sorted(files.items())
        if not (directory / name).is_file() or (directory / name).read_text(encoding="utf-8") != content
    ]
    return changed + [p.name for p in _stale(directory, files)]


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m minzheng_contracts.schema_export", description=__doc__)
    parser.add_argument("directory", type=Path, help="output directory, e.g. contracts/schemas")
    parser.add_argument("--check", action="store_true", help="only compare; exit 1 on a difference")
    args = parser.parse_args(argv)
    if args.check:
        changed = differences(args.directory)
        for name in changed:
            print(f"out of date: {args.directory / name}", file=sys.stderr)
        if changed:
            print("run `make schemas` and commit the result", file=sys.stderr)
        return 1 if changed else 0
    for path in write(args.directory):
        print(path)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
