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

import hashlib
import json
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

TIME_FORMAT_SQL = '\'YYYY-MM-DD"T"HH24:MI:SS.US"Z"\''

FIELDS = (
    "stream_id",
    "stream_type",
    "version",
    "event_id",
    "event_type",
    "schema_version",
    "occurred_at",
    "recorded_at",
    "correlation_id",
    "causation_id",
    "traceparent",
    "actor",
    "jurisdiction",
    "data",
)
"""The canonical array's items, in order."""

_TIMES = frozenset({"occurred_at", "recorded_at"})


def canonical_sql(values: Mapping[str, str]) -> str:
    """The SQL expression of an event's canonical text, from an SQL expression per field."""
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


# ---------------------------------------------------------------- the same, in Python


def _string(text: str) -> str:
    """A JSON string as PostgreSQL writes it (``escape_json``): ``"``, ``\\`` and the control
    characters escaped (``\\b \\f \\n \\r \\t``, others ``\\u00XX``), everything else as is."""
    out = ['"']
    for ch in text:
        code = ord(ch)
        if ch == '"':
            out.append('\\"')
        elif ch == "\\":
            out.append("\\\\")
        elif ch == "\b":
            out.append("\\b")
        elif ch == "\f":
            out.append("\\f")
        elif ch == "\n":
            out.append("\\n")
        elif ch == "\r":
            out.append("\\r")
        elif ch == "\t":
            out.append("\\t")
        elif code < 0x20:
            out.append(f"\\u{code:04x}")
        else:
            out.append(ch)
    out.append('"')
    return "".join(out)


def utc_text(moment: datetime) -> str:
    """A time as the canonical form writes it: UTC, microseconds, ``Z``."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def _item(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, datetime):
        return _string(utc_text(value))
    return _string(str(value))


def canonical_text(event: Mapping[str, Any], data_text: str) -> str:
    """An event's canonical text from its fields (``FIELDS`` but ``data``; times as ``datetime``
    or already as canonical UTC text) and the data's ``jsonb`` text as PostgreSQL wrote it."""
    items = [_item(event[name]) for name in FIELDS[:-1]]
    return "[" + ", ".join([*items, data_text]) + "]"


def link(prev: bytes, canonical: str) -> bytes:
    """``sha256(prev ‖ canonical bytes)``."""
    return hashlib.sha256(prev + canonical.encode("utf-8")).digest()


def data_text(value: Any) -> str:
    """The ``jsonb`` text of a JSON value whose keys and strings need no more than this module
    knows (used by tests and the bundle): objects with keys sorted by length then bytes."""
    if isinstance(value, dict):
        keys = sorted(value, key=lambda k: (len(k.encode("utf-8")), k.encode("utf-8")))
        return "{" + ", ".join(f"{_string(k)}: {data_text(value[k])}" for k in keys) + "}"
    if isinstance(value, list):
        return "[" + ", ".join(data_text(v) for v in value) + "]"
    if isinstance(value, str):
        return _string(value)
    if isinstance(value, float):
        return json.dumps(value)
    return _item(value)


__all__ = [
    "COLUMNS",
    "FIELDS",
    "canonical_sql",
    "canonical_text",
    "data_text",
    "link",
    "link_sql",
    "utc_text",
]


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
