"""The import of historical marriage records (历史婚姻档案补录 1950–2003), in bulk.

Rows are validated in memory (``domain.archive.records``: the plain ``ResidentId``, no pydantic on
the hot path), then entered in units of ``BATCH`` rows (``units``: each in one transaction holding
the archive's lock, so imports run one at a time and the ledger a unit decides on is the whole
archive; unit k+1 is decided while unit k writes and commits). Each unit:

1. finds which records exist already (``registry_archive_record``, by the record id) and reads the
   ledger of every party of the new ones (``registry_archive_person``);
2. decides the flags (``domain.archive.ledger.enter``);
3. writes the new records in events of up to 1,000 (``HistoricalRecordsImported``, each the only
   event of its stream ``archive-<import_id>-<chunk>``, with a deterministic id, by
   ``create_streams_once``; each is published as one message), and the record and ledger rows
   (COPY; their primary keys are the backstop: a violation retries the unit, which then finds the
   records there).

A record id is a keyed pseudonym of the row's business key (office, certificate number, both IDs,
date), so a re-import, or a row given twice, adds nothing. An import's own id is the pseudonym of
its rows' content: the same batch again returns the first import's report. The report (the
rejected rows, IDs masked, and the counts) is the stream ``archive-import-<import_id>``.

Why records go 1,000 to an event and a message: the relay's cost is per message (read, contract
validation, publish, ack: ~190 µs of CPU each on the benchmark machine), so one message per record
would cap an import at ~5,000 rows/s whatever the database does.

A unit of an import that fails midway leaves the units before it committed; importing the same
rows again completes it (nothing is written twice).
"""

from __future__ import annotations

import gc
import hashlib
import json
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from json.encoder import encode_basestring
from uuid import UUID

import structlog

from minzheng_eventstore import Actor
from minzheng_eventstore.context import ServiceContext
from minzheng_eventstore.errors import StreamNotFoundError
from minzheng_eventstore.uow import UnitOfWork
from minzheng_kernel.errors import NotFound

from ...domain.archive.records import (
    RECORDS_PER_EVENT,
    REPORT_CHUNK,
    ArchivedRecord,
    ArchiveRow,
    HistoricalImportCompleted,
    HistoricalRowsRejected,
    Kind,
    RejectedRow,
    Rejection,
    ValidRow,
    validate,
)
from .units import Tokens, enter_parts, records_stream

log = structlog.get_logger("minzheng.registry.archive")

BATCH = 5000
"""Rows per unit of work: large enough for the batching to pay (each unit takes the lock, reads
the standards and runs its statements once), small enough that a unit stays well under a second."""
MAX_ROWS_PER_REQUEST = 5_000
"""Rows per HTTP request: 5,000 typical rows are ~0.9 MB, under the edge's 1 MiB body limit (a
bigger body is refused 413 ``body_too_large`` before it is read); files go through the bulk path
(``import_rows`` from the CLI or a tool), any size, in units of ``BATCH``."""
IMPORT_STREAM_TYPE = "archive_import"
IMPORT_PURPOSE = "registry-archive-import"


def import_stream(import_id: UUID | str) -> str:
    return f"archive-import-{import_id}"


@dataclass(frozen=True)
class ImportSummary:
    """What an import did (or, for a batch imported before, what its first import did)."""

    import_id: UUID
    rows: int
    imported: int
    already_present: int
    rejected: int
    flagged: int
    repeated: bool = False
    """The same batch was imported before: this is that import's report, nothing was written."""


_FIELDS = json.JSONEncoder(ensure_ascii=False)
"""What ``json.dumps(fields, ensure_ascii=False)`` uses, made once (``dumps`` makes one per call)."""
_quote = encode_basestring
"""What that encoder writes for a ``str`` (the C function where there is one)."""


def _content_line(row: ArchiveRow) -> str:
    """``json.dumps([the row's six fields], ensure_ascii=False)``: for six strings (every row of an
    import but the rejected ones) written directly, a third of the encoder's time."""
    c, a, b, on, office, kind = (
        row.certificate_number,
        row.party_a,
        row.party_b,
        row.registered_on,
        row.office,
        row.kind,
    )
    if (
        type(c) is str
        and type(a) is str
        and type(b) is str
        and type(on) is str
        and type(office) is str
        and type(kind) is str
    ):
        q = _quote
        return f"[{q(c)}, {q(a)}, {q(b)}, {q(on)}, {q(office)}, {q(kind)}]"
    return _FIELDS.encode([c, a, b, on, office, kind])


_paused = 0
_resume = False


@contextmanager
def collector_paused() -> Iterator[None]:
    """Python's cycle collector off for a span of the import (and on again after, if it was on).

    An import allocates ~20 objects a row (rows, IDs, records, their dicts and tuples), none in a
    reference cycle: refcounting frees them all, and each collection the allocations trigger
    would only walk the process's whole heap (measured: ~30% of the service's CPU per row). Spans
    nest (a counter) and stay short (the validation of the rows: ~1 s for 100,000; the units,
    pipelined: a fraction of a second for an HTTP request's 5,000 rows, several seconds for a file
    of 100,000), so cyclic garbage of other tasks of the process waits that long at most before the collector
    runs again."""
    global _paused, _resume
    if _paused == 0:
        _resume = gc.isenabled()
        gc.disable()
    _paused += 1
    try:
        yield
    finally:
        _paused -= 1
        if _paused == 0 and _resume:
            gc.enable()


def content_digest(rows: Sequence[ArchiveRow]) -> str:
    """The rows' content (sha-256 of their fields in order, each row's as the JSON array of its
    fields and a newline): what names an import."""
    lines = [_content_line(row) for row in rows]
    lines.append("")
    return hashlib.sha256("\n".join(lines).encode()).hexdigest()


async def import_rows(
    ctx: ServiceContext,
    actor: Actor,
    rows: Sequence[ArchiveRow],
    *,
    source: str = "api",
    batch: int = BATCH,
) -> ImportSummary:
    """Validate ``rows``, enter the valid ones (flagged where they break the rules of their own
    time) and write the report; lines are numbered from 1 in the order given."""
    pseudonyms = ctx.pseudonyms
    import_id = pseudonyms.uuid(IMPORT_PURPOSE, content_digest(rows))
    earlier = await read_summary(ctx, import_id)
    if earlier is not None:
        return ImportSummary(**{**earlier.__dict__, "repeated": True})
    rejections: list[Rejection] = []
    candidates: list[tuple[ValidRow, str]] = []
    seen: set[str] = set()
    duplicates = 0
    county = ctx.county
    with collector_paused():  # no await in here
        for line, row in enumerate(rows, start=1):
            checked = validate(line, row, county)
            if isinstance(checked, Rejection):
                rejections.append(checked)
                continue
            key = checked.business_key  # the same key, the same record id (its keyed pseudonym)
            if key in seen:
                duplicates += 1
                continue
            seen.add(key)
            candidates.append((checked, key))
        # oldest first across the batches: a divorce finds its marriage wherever the rows list it
        candidates.sort(key=lambda c: (c[0].registered_on, c[0].kind is Kind.MARRIAGE, c[0].line))
    per_unit = -(-batch // RECORDS_PER_EVENT)  # the chunk numbers a unit may use
    with collector_paused():  # the units: a few seconds for 100,000 rows (see enter_parts)
        batches = [
            (candidates[start : start + batch], unit_no * per_unit)
            for unit_no, start in enumerate(range(0, len(candidates), batch))
        ]
        counts = await enter_parts(ctx, actor, import_id, batches, Tokens(ctx))
    counts.already_present += duplicates
    summary = ImportSummary(
        import_id, len(rows), counts.imported, counts.already_present, len(rejections), counts.flagged
    )
    written = await ctx.run(actor, lambda uow: _report(uow, summary, source, rejections))
    log.info(
        "archive.imported",
        import_id=str(import_id),
        rows=summary.rows,
        imported=written.imported,
        already_present=written.already_present,
        rejected=written.rejected,
        flagged=written.flagged,
    )
    return written


async def _report(
    uow: UnitOfWork, summary: ImportSummary, source: str, rejections: Sequence[Rejection]
) -> ImportSummary:
    stream = import_stream(summary.import_id)
    found = await _summary_on(uow, summary.import_id)
    if found is not None:  # a concurrent import of the same batch wrote it first
        return ImportSummary(**{**found.__dict__, "repeated": True})
    iid = str(summary.import_id)
    facts: list[HistoricalRowsRejected | HistoricalImportCompleted] = [
        HistoricalRowsRejected(iid, [r.report() for r in rejections[i : i + REPORT_CHUNK]])
        for i in range(0, len(rejections), REPORT_CHUNK)
    ]
    facts.append(
        HistoricalImportCompleted(
            import_id=iid,
            source=source,
            rows=summary.rows,
            imported=summary.imported,
            already_present=summary.already_present,
            rejected=summary.rejected,
            flagged=summary.flagged,
        )
    )
    events = uow.builder.build(facts)
    await uow.append(stream, IMPORT_STREAM_TYPE, events, expected_version=0)
    return summary


async def _summary_on(uow: UnitOfWork, import_id: UUID) -> ImportSummary | None:
    try:
        events = await uow.store.read_stream(import_stream(import_id), conn=uow.conn)
    except StreamNotFoundError:
        return None
    for event in events:
        if event.event_type == HistoricalImportCompleted.event_type:
            d = event.data
            return ImportSummary(
                import_id, d["rows"], d["imported"], d["already_present"], d["rejected"], d["flagged"]
            )
    return None


async def read_summary(ctx: ServiceContext, import_id: UUID) -> ImportSummary | None:
    """The import's counts, or ``None`` if there is no such import."""
    async with ctx.store.pool.acquire() as conn:
        uow = UnitOfWork(ctx.store, conn, ctx.builder(Actor("archive-reader")))
        return await _summary_on(uow, import_id)


@dataclass(frozen=True)
class Report:
    summary: ImportSummary
    source: str
    imported_at: str
    rejected: list[RejectedRow]


async def read_report(ctx: ServiceContext, import_id: UUID) -> Report:
    """The import's report: its counts and every rejected row (IDs masked); 404 ``no_such_import``."""
    try:
        events = await ctx.store.read_stream(import_stream(import_id))
    except StreamNotFoundError:
        events = []
    rejected: list[RejectedRow] = []
    for event in events:
        if event.event_type == HistoricalRowsRejected.event_type:
            rejected.extend(event.data["rows"])
        elif event.event_type == HistoricalImportCompleted.event_type:
            d = event.data
            summary = ImportSummary(
                import_id, d["rows"], d["imported"], d["already_present"], d["rejected"], d["flagged"]
            )
            return Report(summary, d["source"], event.occurred_at.isoformat(), rejected)
    raise NotFound("no_such_import", "no import has this id", field="import_id")


async def read_record(ctx: ServiceContext, record_id: UUID) -> ArchivedRecord:
    """A record of the archive; 404 ``no_such_record``."""
    async with ctx.store.pool.acquire() as conn:
        where = await conn.fetchrow(
            "SELECT import_id, chunk FROM registry_archive_record WHERE record_id = $1", record_id
        )
    if where is not None:
        wanted = str(record_id)
        for event in await ctx.store.read_stream(records_stream(where["import_id"], where["chunk"])):
            for record in event.data.get("records", ()):
                if record["record_id"] == wanted:
                    found: ArchivedRecord = record
                    return found
    raise NotFound("no_such_record", "the archive holds no record with this id", field="record_id")
