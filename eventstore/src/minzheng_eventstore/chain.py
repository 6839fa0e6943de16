"""The hash chain of every stream (防篡改链): each event's ``hash`` is
``sha256(prev_hash ‖ canonical bytes of the event)``, its ``prev_hash`` the hash of the event
before it in the stream (empty for version 1).

**The canonical bytes** of an event are the UTF-8 text PostgreSQL's ``jsonb`` writes for the array

    [stream_id, stream_type, version, event_id, event_type, schema_version,
     occurred_at, recorded_at, correlation_id, causation_id, traceparent, actor, jurisdiction,
     data]

with both times in UTC as ``YYYY-MM-DDTHH:MM:SS.ffffffZ``, the ids as lowercase UUID text, absent
values as ``null`` and ``data`` as the stored ``jsonb`` value. ``jsonb`` text is canonical by
construction (keys sorted by length, then bytes; ``", "`` and ``": "`` between items; no
duplicate keys), so the bytes do not depend on how a writer spelt its JSON. ``canonical_text``
writes the same text from the values and the stored data text, with nothing but the standard
library: the bundle's standalone verifier uses it, and a test holds it to PostgreSQL's.

The store computes the hashes **in the append's own statement** (``append_chain_sql``): no extra
round trip, and the time hashed is the ``recorded_at`` written (the transaction's ``now()``).
"""

from __future__ import annotations

from collections.abc import Mapping

from . import standalone

TIME_FORMAT_SQL = '\'YYYY-MM-DD"T"HH24:MI:SS.US"Z"\''

FIELDS = standalone.FIELDS


_TIMES = frozenset({"occurred_at", "recorded_at"})
_INTEGERS = frozenset({"version", "schema_version"})
_UUIDS = frozenset({"event_id", "correlation_id", "causation_id"})


def _item_sql(name: str, expr: str) -> str:
    """One item of the canonical array as the text ``jsonb`` writes for it."""
    if name in _TIMES:
        return f"('\"' || to_char(({expr}) AT TIME ZONE 'UTC', {TIME_FORMAT_SQL}) || '\"')"
    if name in _INTEGERS:
        return f"(({expr})::text)"
    if name in _UUIDS:  # a UUID's text needs no escaping
        return f"coalesce('\"' || ({expr})::text || '\"', 'null')"
    if name == "data":
        return f"(({expr})::text)"
    return f"coalesce(to_json(({expr})::text)::text, 'null')"


def canonical_sql(values: Mapping[str, str]) -> str:
    """The SQL expression of an event's canonical text, from an SQL expression per field: the
    text ``jsonb_build_array(<the fields>)::text`` writes, put together item by item (the same
    text at half the cost: no jsonb value is built; ``test_chain`` holds the two equal)."""
    items = " || ', ' || ".join(_item_sql(name, values[name]) for name in FIELDS)
    return f"('[' || {items} || ']')"


def canonical_sql_by_jsonb(values: Mapping[str, str]) -> str:
    """The definition: ``jsonb_build_array`` over the fields, as text (used by the tests)."""
    items = []
    for name in FIELDS:
        expr = values[name]
        if name in _TIMES:
            expr = f"to_char(({expr}) AT TIME ZONE 'UTC', {TIME_FORMAT_SQL})"
        items.append(expr)
    return f"jsonb_build_array({', '.join(items)})::text"


def link_sql(prev: str, values: Mapping[str, str]) -> str:
    """The SQL expression of an event's hash: ``sha256(prev ‖ canonical bytes)``."""
    return f"sha256(({prev}) || convert_to({canonical_sql(values)}, 'UTF8'))"


COLUMNS = {name: name for name in FIELDS}
"""The fields as the ``events`` table's own columns (verification recomputes from a row)."""


# The same in Python (``canonical_text``, ``link``, ``data_text``, ``utc_text``) lives in
# ``standalone``: one copy, which an auditor's standalone verifier runs as it is.


# ---------------------------------------------------------------- the back-fill of older events

BACKFILL_SQL = f"""
WITH RECURSIVE todo AS (
    SELECT stream_id, version, convert_to({canonical_sql(COLUMNS)}, 'UTF8') AS canonical
    FROM events WHERE hash IS NULL
), links AS (
    SELECT t.stream_id, t.version, coalesce(p.hash, ''::bytea) AS prev,
           sha256(coalesce(p.hash, ''::bytea) || t.canonical) AS h
    FROM todo t LEFT JOIN events p ON p.stream_id = t.stream_id AND p.version = t.version - 1
    WHERE t.version = 1 OR p.hash IS NOT NULL
    UNION ALL
    SELECT t.stream_id, t.version, l.h, sha256(l.h || t.canonical)
    FROM links l JOIN todo t ON t.stream_id = l.stream_id AND t.version = l.version + 1
), done AS (
    UPDATE events e SET prev_hash = links.prev, hash = links.h
    FROM links WHERE e.stream_id = links.stream_id AND e.version = links.version
    RETURNING 1
)
INSERT INTO chain_backfills (events)
SELECT count(*) FROM done HAVING count(*) > 0
"""
"""The one-time migration (``install`` runs it; a no-op once every event has a hash): hash, in
each stream's order, the events written before the chain existed, and record how many in
``chain_backfills``. A stream's run of unhashed events starts at version 1 or after a hashed
one; one recursion step per version."""
