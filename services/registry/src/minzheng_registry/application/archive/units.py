"""The units of work of an import, pipelined: unit k+1 is decided while unit k writes and commits.

Each unit enters up to ``BATCH`` rows in one transaction holding the archive's lock
(``pg_advisory_xact_lock``: imports run one at a time, and a registration's monogamy check waits
for a unit in flight). What a unit decides on is the archive as it is when the unit takes the lock:
which of its records exist already (``registry_archive_record``) and the ledger of its parties
(``registry_archive_person``). Two ways to get there:

- *in the unit* (the first unit of an import, and any unit whose early decision did not hold):
  lock, read, decide, write, commit: nothing overlaps;
- *decided early*: unit k, holding the lock, reads what unit k+1 needs of the archive before it
  writes (its records' rows, its parties' ledger, the standards), and k+1 is decided on that with
  unit k's own ledger laid over it (what the archive holds once k commits) while k writes and
  commits. Unit k+1 then writes its events, takes the lock (after k's commit), and checks that the
  archive is still what it decided on: the count of units entered
  (``registry_archive_writes.units``, raised by every unit under the lock) is the one unit k left,
  so no other import entered anything in between. If another did, the unit is rolled back whole
  (its events with it) and runs again *in the unit*.

A unit takes the lock only after the unit before it committed (it waits for it, and stops if it
failed; it never holds the lock the one before may need for a retry), so an import that fails
midway leaves the units before it committed, and importing the same rows again completes it.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING
from uuid import UUID, uuid5

import asyncpg

from minzheng_eventstore import Actor, NewEvent
from minzheng_eventstore.context import ServiceContext
from minzheng_eventstore.errors import ConcurrencyError
from minzheng_eventstore.uow import UnitOfWork

from ...domain.archive.ledger import Archived, Candidate, Entry, Ledger, MarriageAges, enter
from ...domain.archive.records import (
    RECORDS_PER_EVENT,
    ArchivedRecord,
    HistoricalRecordsImported,
    Kind,
    ValidRow,
)
from ..configuration import standards_table
from ..people import ARCHIVE_LOCK, PERSON_PURPOSE

if TYPE_CHECKING:
    from minzheng_contracts.resident_id import ResidentId

RECORD_STREAM_TYPE = "archive"
_RecordRow = tuple[UUID, UUID, int, str, object, list[str]]
"""A row of ``registry_archive_record``: record id, import id, chunk, kind, date, flags."""


def records_stream(import_id: UUID | str, chunk: int) -> str:
    """The stream of one chunk of an import's records (one event, one published message)."""
    return f"archive-{import_id}-{chunk}"


@dataclass
class Counts:
    imported: int = 0
    already_present: int = 0
    flagged: int = 0


RECORD_PURPOSE = "registry-archive-record"
"""Of the keyed pseudonym of a record's business key: its record id."""


class Tokens:
    """The parties' person tokens (``people.person_token``), each computed once per import (a
    couple's divorce names the same two people as their marriage), and the record ids."""

    def __init__(self, ctx: ServiceContext) -> None:
        self._token = ctx.pseudonyms.token
        self._uuid = ctx.pseudonyms.uuid
        self._known: dict[str, str] = {}

    def of(self, person: ResidentId) -> str:
        """``people.person_token(pseudonyms, person)``."""
        value = person.reveal()
        token = self._known.get(value)
        if token is None:
            token = self._known[value] = self._token(PERSON_PURPOSE, value)
        return token

    def candidates(self, rows: Sequence[tuple[ValidRow, str]]) -> list[Candidate]:
        """The rows (each with its business key) with their record ids and the parties' tokens
        (``of`` for each party, inlined: two a row)."""
        known, token, record_uuid = self._known, self._token, self._uuid
        out: list[Candidate] = []
        for row, key in rows:
            husband, wife = row.husband.reveal(), row.wife.reveal()
            his = known.get(husband)
            if his is None:
                his = known[husband] = token(PERSON_PURPOSE, husband)
            hers = known.get(wife)
            if hers is None:
                hers = known[wife] = token(PERSON_PURPOSE, wife)
            rid = record_uuid(RECORD_PURPOSE, key)
            out.append(Candidate(row, str(rid), his, hers, rid))
        return out


@dataclass
class Part:
    """The rows of one unit (their parties' tokens computed), and the first chunk number it uses."""

    candidates: list[Candidate]
    first_chunk: int

    def people(self) -> list[str]:
        return list({t for c in self.candidates for t in (c.husband, c.wife)})


@dataclass
class Seen:
    """What a unit read of the archive for a part: the part's records that exist already, its
    parties' ledger rows and the standards."""

    existing: set[UUID]
    ledger: list[tuple[str, Entry]]
    ages: MarriageAges


@dataclass
class Decision:
    """A part decided: its new records entered (with their flags) into ``ledger``, which holds
    every party's marriages after them; ``stored_open`` are the ledger's marriages the archive
    holds open before (a dissolution of one is an update, not a new row)."""

    part: Part
    seen: Seen
    new: list[Candidate]
    entered: list[Archived]
    ledger: Ledger
    stored_open: set[tuple[str, str]]


def decide(part: Part, seen: Seen, before: Ledger | None = None) -> Decision:
    """Enter the part's new records on what the archive holds (``seen``, with the ledger of the
    unit before, ``before``, laid over it: its parties' marriages once it commits; copied, so that
    this decision changes nothing the unit before writes)."""
    existing = seen.existing
    new = [c for c in part.candidates if c.uuid not in existing]
    people: dict[str, list[Entry]] = {}
    carried = before.people if before is not None else {}
    for token, entry in seen.ledger:
        if token not in carried:
            people.setdefault(token, []).append(entry)
    if carried:
        for c in new:
            for token in (c.husband, c.wife):
                entries = carried.get(token)
                if entries is not None and token not in people:
                    people[token] = [
                        Entry(e.record_id, e.spouse, e.registered_on, e.dissolved_on, e.dissolved_by)
                        for e in entries
                    ]
    stored = {(t, e.record_id) for t, entries in people.items() for e in entries if e.dissolved_on is None}
    ledger = Ledger(people)
    entered = enter(new, ledger, seen.ages) if new else []
    return Decision(part, seen, new, entered, ledger, stored)


_EXISTING = "SELECT record_id FROM registry_archive_record WHERE record_id = ANY($1::uuid[])"
_LEDGER = """
SELECT person_token, record_id::text AS record_id, spouse_token, registered_on, dissolved_on,
       dissolved_by::text AS dissolved_by
FROM registry_archive_person WHERE person_token = ANY($1::text[])
"""
_DISSOLVE = """
UPDATE registry_archive_person p SET dissolved_on = u.day, dissolved_by = u.divorce
FROM unnest($1::text[], $2::uuid[], $3::date[], $4::uuid[]) AS u(token, record_id, day, divorce)
WHERE p.person_token = u.token AND p.record_id = u.record_id
"""
_ENTERED = "UPDATE registry_archive_writes SET units = units + 1 RETURNING units"


async def read(uow: UnitOfWork, part: Part, ages: MarriageAges | None = None) -> Seen:
    """What the archive holds for ``part``, read in the unit's transaction (``ages``: those of the
    unit before, kept if the standards are still the same)."""
    conn = uow.conn
    ids = [c.uuid for c in part.candidates]
    existing = {r[0] for r in await conn.fetch(_EXISTING, ids)}
    people = list({t for c in part.candidates if c.uuid not in existing for t in (c.husband, c.wife)})
    rows = await conn.fetch(_LEDGER, people) if people else []
    ledger = [
        (
            r["person_token"],
            Entry(
                r["record_id"], r["spouse_token"], r["registered_on"], r["dissolved_on"], r["dissolved_by"]
            ),
        )
        for r in rows
    ]
    standards = await standards_table(uow)
    if ages is None or not ages.same_standards(standards):
        ages = MarriageAges(standards)
    return Seen(existing, ledger, ages)


class PreviousUnitFailed(Exception):
    """The unit before failed: this one must not commit (it decided on the other's records)."""


@dataclass
class Unit:
    """One unit's work in the pipeline and what it tells the next one."""

    part: Part
    decision: Decision | None
    """Decided early (on the unit before's reading, ``decision.seen``), or ``None``: in the unit."""
    before: Unit | None
    next_part: Part | None
    done: asyncio.Future[Counts] | None = None
    units_entered: int | None = None
    """The count of units entered once this unit commits (what the next one expects)."""
    next_seen: Seen | None = None
    """What this unit read for the next part (set before this unit writes)."""
    read_next: asyncio.Event = field(default_factory=asyncio.Event)


async def enter_unit(uow: UnitOfWork, unit: Unit, import_id: UUID) -> Counts:
    """One attempt of the unit's transaction (``run_unit`` retries it whole)."""
    try:
        return await _enter_unit(uow, unit, import_id)
    except asyncpg.DeadlockDetectedError:
        # an import of the same rows is writing the same streams: decide again, in the unit
        unit.decision = None
        raise ConcurrencyError("(archive)", -1, -1) from None


async def _enter_unit(uow: UnitOfWork, unit: Unit, import_id: UUID) -> Counts:
    conn = uow.conn
    unit.next_seen = None
    decision = unit.decision
    records: list[_RecordRow] = []
    if decision is not None and decision.entered:
        records = await _write_events(uow, import_id, decision)  # before the lock: overlaps unit k-1
    before = unit.before
    if before is not None:  # before the lock: the unit before may need it again (a retry)
        assert before.done is not None
        try:
            await asyncio.shield(before.done)
        except BaseException:
            raise PreviousUnitFailed from None
    await conn.execute("SELECT pg_advisory_xact_lock($1)", ARCHIVE_LOCK)
    units_entered = int(await conn.fetchval(_ENTERED))
    if decision is not None:
        held = (
            before is not None
            and units_entered - 1 == before.units_entered
            and before.next_seen is decision.seen
        )
        if not held:  # another import entered records in between: decide again, in the unit
            unit.decision = None
            raise ConcurrencyError("(archive)", units_entered - 1, -1)
    else:
        known = before.decision.seen.ages if before is not None and before.decision is not None else None
        decision = unit.decision = decide(unit.part, await read(uow, unit.part, known))
        if decision.entered:
            records = await _write_events(uow, import_id, decision)
    if unit.next_part is not None:
        unit.next_seen = await read(uow, unit.next_part, decision.seen.ages)
    unit.units_entered = units_entered
    unit.read_next.set()
    await _write_rows(uow, decision, records)
    new = len(decision.new)
    return Counts(new, len(unit.part.candidates) - new, sum(1 for a in decision.entered if a.flags))


async def _write_events(uow: UnitOfWork, import_id: UUID, decision: Decision) -> list[_RecordRow]:
    """The part's records as events of up to 1,000 (each the only event of its stream, with a
    deterministic id), created once, one statement each: the store's check and encoding of one
    (~30 ms) and its insert alternate, so the other unit's statements go in between; returns the
    record rows to copy."""
    builder = uow.builder
    at = builder.clock.now()
    meta = builder.metadata()
    iid = str(import_id)
    entered = decision.entered
    records: list[_RecordRow] = []
    kinds = {kind: kind.value for kind in Kind}
    for n, start in enumerate(range(0, len(entered), RECORDS_PER_EVENT)):
        chunk = decision.part.first_chunk + n
        part: list[ArchivedRecord] = []
        for item in entered[start : start + RECORDS_PER_EVENT]:
            c = item.candidate
            row = c.row
            kind = kinds[row.kind]
            flags = [f.value for f in item.flags] if item.flags else []
            record: ArchivedRecord = {  # a literal: the TypedDict's call costs a call per record
                "record_id": c.record_id,
                "kind": kind,
                "certificate_number": row.certificate_number,
                "husband": row.husband.reveal(),
                "wife": row.wife.reveal(),
                "registered_on": row.registered_on.isoformat(),
                "office": row.office,
                "flags": flags,
                "standard_ids": list(item.standard_ids),
                "dissolves": item.dissolves,
            }
            part.append(record)
            records.append((c.uuid or UUID(c.record_id), import_id, chunk, kind, row.registered_on, flags))
        fact = HistoricalRecordsImported(iid, chunk, part)
        event_id = uuid5(import_id, f"records/{chunk}")
        stream: tuple[str, Sequence[NewEvent]] = (
            records_stream(import_id, chunk),
            [builder.one(fact, meta=meta, at=at, event_id=event_id)],
        )
        await uow.store.create_streams_once(RECORD_STREAM_TYPE, [stream], conn=uow.conn)
    return records


async def _write_rows(uow: UnitOfWork, decision: Decision, records: list[_RecordRow]) -> None:
    """The record rows, the new marriages' ledger rows and the dissolutions of stored ones."""
    if not decision.entered:
        return
    conn = uow.conn
    await conn.copy_records_to_table(
        "registry_archive_record",
        records=records,
        columns=("record_id", "import_id", "chunk", "kind", "registered_on", "flags"),
    )
    uuids = {c.record_id: c.uuid or UUID(c.record_id) for c in decision.new}
    new_ids = {a.candidate.record_id for a in decision.entered if a.candidate.row.kind is Kind.MARRIAGE}
    stored_open = decision.stored_open
    people: list[tuple[str, UUID, str, object, object, UUID | None]] = []
    dissolved: list[tuple[str, str, object, str]] = []
    for token, entries in decision.ledger.people.items():
        for e in entries:
            if e.record_id in new_ids:
                by = None if e.dissolved_by is None else uuids[e.dissolved_by]
                people.append((token, uuids[e.record_id], e.spouse, e.registered_on, e.dissolved_on, by))
            elif e.dissolved_on is not None and (token, e.record_id) in stored_open:
                assert e.dissolved_by is not None
                dissolved.append((token, e.record_id, e.dissolved_on, e.dissolved_by))
    if people:
        await conn.copy_records_to_table(
            "registry_archive_person",
            records=people,
            columns=(
                "person_token",
                "record_id",
                "spouse_token",
                "registered_on",
                "dissolved_on",
                "dissolved_by",
            ),
        )
    if dissolved:
        await conn.execute(
            _DISSOLVE,
            [d[0] for d in dissolved],
            [d[1] for d in dissolved],
            [d[2] for d in dissolved],
            [d[3] for d in dissolved],
        )


Batch = tuple[Sequence[tuple[ValidRow, str]], int]
"""The valid rows of one unit with their business keys, and the first chunk number it uses."""


async def enter_parts(
    ctx: ServiceContext, actor: Actor, import_id: UUID, batches: Sequence[Batch], tokens: Tokens
) -> Counts:
    """Enter the batches in order, unit k+1 decided while unit k writes and commits (at most two
    transactions open); the counts of every unit, or the first failure. A batch's tokens and
    record ids are computed two units ahead (the unit before a batch reads the archive for them),
    a slice at a time while the units' statements run."""
    counts = Counts()
    loop = asyncio.get_running_loop()
    units: list[Unit] = []
    tasks: list[asyncio.Task[Counts]] = []
    decision: Decision | None = None
    parts = [Part([], first) for _, first in batches]
    for rows, part in list(zip(batches, parts, strict=True))[:2]:
        part.candidates.extend(tokens.candidates(rows[0]))
    try:
        for k, part in enumerate(parts):
            following = parts[k + 1] if k + 1 < len(parts) else None
            unit = Unit(part, decision, units[-1] if units else None, following)
            unit.done = loop.create_future()
            units.append(unit)
            task = asyncio.create_task(_run(ctx, actor, unit, import_id))
            tasks.append(task)
            decision = None
            if following is None:
                break
            if k + 2 < len(parts):  # while unit k writes its events and reads for unit k+1
                await _fill(parts[k + 2], batches[k + 2][0], tokens)
            read_next = asyncio.create_task(unit.read_next.wait())
            await asyncio.wait({task, read_next}, return_when=asyncio.FIRST_COMPLETED)
            read_next.cancel()
            if task.done() and (task.cancelled() or task.exception() is not None):
                break
            seen, before = unit.next_seen, unit.decision
            if seen is not None and before is not None:  # else (unit k retried): in the unit
                decision = decide(following, seen, before.ledger)
        for task in tasks:
            done = await task
            counts.imported += done.imported
            counts.already_present += done.already_present
            counts.flagged += done.flagged
    finally:
        for task in tasks:
            if not task.done():
                task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        for unit in units:  # each outcome is the task's too, raised above
            if unit.done is not None and unit.done.done() and not unit.done.cancelled():
                unit.done.exception()
    return counts


_SLICE = 500
"""Rows of a batch given their tokens between two turns of the other tasks (~3 ms)."""


async def _fill(part: Part, rows: Sequence[tuple[ValidRow, str]], tokens: Tokens) -> None:
    """The part's candidates, a slice at a time, letting the units' statements go in between."""
    for start in range(0, len(rows), _SLICE):
        part.candidates.extend(tokens.candidates(rows[start : start + _SLICE]))
        await asyncio.sleep(0)


async def _run(ctx: ServiceContext, actor: Actor, unit: Unit, import_id: UUID) -> Counts:
    """The unit, retried whole on a conflict; its outcome is also ``unit.done`` (for the next)."""
    assert unit.done is not None
    try:
        result = await ctx.run(actor, lambda uow: enter_unit(uow, unit, import_id))
    except BaseException as exc:
        if not unit.done.done():
            unit.done.set_exception(exc)
        raise
    unit.done.set_result(result)
    return result
