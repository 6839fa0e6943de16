"""The bulk path for the bureau's files (no HTTP, no request bound): a CSV of digitised rows,
imported in units of ``imports.BATCH``.

    python -m minzheng_registry.adapters.archive.files ARCHIVE.csv

The CSV (UTF-8, a BOM allowed) has a header row naming the columns ``certificate_number``,
``party_a``, ``party_b``, ``registered_on``, ``office`` and ``kind`` (or their Chinese names
证书编号, 男方/一方, 女方/另一方, 登记日期, 登记机关, 类别), in any order; other columns are ignored.
The settings are the service's (``REGISTRY_DATABASE_URL`` …). The summary is printed as JSON, with
the report's path; no ID is ever printed."""

from __future__ import annotations

import asyncio
import csv
import json
import sys
from collections.abc import Iterable, Iterator
from pathlib import Path

from minzheng_eventstore import Actor
from minzheng_eventstore.host import ServiceSettings
from minzheng_eventstore.observability import configure_logging

from ...application.archive import imports
from ...domain.archive.records import MAX_TEXT, ArchiveRow

COLUMNS: dict[str, str] = {
    "certificate_number": "certificate_number",
    "证书编号": "certificate_number",
    "party_a": "party_a",
    "男方": "party_a",
    "一方": "party_a",
    "party_b": "party_b",
    "女方": "party_b",
    "另一方": "party_b",
    "registered_on": "registered_on",
    "登记日期": "registered_on",
    "office": "office",
    "登记机关": "office",
    "kind": "kind",
    "类别": "kind",
}


class FileError(ValueError):
    """The file is not an archive CSV (its header names no column of a row)."""


def read_rows(lines: Iterable[str]) -> Iterator[ArchiveRow]:
    """The rows of a CSV with a header (empty cells are missing fields; every cell is cut to
    ``MAX_TEXT`` characters, as the HTTP bounds would)."""
    reader = csv.reader(lines)
    header = next(reader, None)
    if header is None:
        raise FileError("the file is empty")
    names = [COLUMNS.get(h.strip().lstrip("\ufeff")) for h in header]
    missing = set(COLUMNS.values()) - set(n for n in names if n)
    if missing:
        raise FileError(f"the header names no column {', '.join(sorted(missing))}")
    for cells in reader:
        if not any(c.strip() for c in cells):
            continue
        row = {n: (c[:MAX_TEXT] or None) for n, c in zip(names, cells, strict=False) if n}
        yield ArchiveRow(
            row.get("certificate_number"),
            row.get("party_a"),
            row.get("party_b"),
            row.get("registered_on"),
            row.get("office"),
            row.get("kind"),
        )


async def import_file(path: Path, settings: ServiceSettings) -> imports.ImportSummary:
    from ...entrypoints.app import Registry

    with path.open(encoding="utf-8", newline="") as f:
        rows = list(read_rows(f))
    service = Registry(settings, scheduler=False)
    async with service.host.running(consume=False, relay=False, project=False):
        return await imports.import_rows(
            service.context(), Actor("archive-file-import"), rows, source=path.name
        )


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        print("usage: python -m minzheng_registry.adapters.archive.files ARCHIVE.csv", file=sys.stderr)
        return 2
    configure_logging("registry")
    summary = asyncio.run(import_file(Path(argv[0]), ServiceSettings.from_env("registry")))
    out = {k: str(v) if k == "import_id" else v for k, v in summary.__dict__.items()}
    print(json.dumps({**out, "report": f"/archive/imports/{summary.import_id}/report"}))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
