"""What the pages show, shaped from the services' answers (pure functions, no I/O): the SLA board
ordered and cut for the screen, the deadlines of every service merged, and a case's timeline and
path across services."""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

from .client import Answer

CST = timezone(timedelta(hours=8))
"""The county's time: what the pages show."""

OUTCOME_ORDER = {"breached": 0, "pending": 1, "met": 2}


def parse_time(text: object) -> datetime | None:
    if not isinstance(text, str) or not text:
        return None
    try:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def local_time(text: object, seconds: bool = True) -> str:
    """An ISO time as the county reads it (UTC+8), or the text as it came."""
    moment = parse_time(text)
    if moment is None:
        return "" if text is None else str(text)
    return moment.astimezone(CST).strftime("%Y-%m-%d %H:%M:%S" if seconds else "%Y-%m-%d %H:%M")


def hms(seconds: object) -> str:
    """Seconds as HH:MM:SS (hours may pass 24); a negative count with a minus sign."""
    if not isinstance(seconds, int | float):
        return ""
    total = int(seconds)
    sign = "-" if total < 0 else ""
    total = abs(total)
    return f"{sign}{total // 3600:02d}:{total % 3600 // 60:02d}:{total % 60:02d}"


def duration(seconds: float | None) -> str:
    """A wait for a person: 0.042 s, 3.2 s, 4 min 05 s, 2 h 03 min."""
    if seconds is None:
        return "?"
    if abs(seconds) < 10:
        return f"{seconds:.3f} s"
    if abs(seconds) < 60:
        return f"{seconds:.1f} s"
    whole = int(seconds)
    if abs(whole) < 3600:
        return f"{whole // 60} min {whole % 60:02d} s"
    return f"{whole // 3600} h {whole % 3600 // 60:02d} min"


# -------------------------------------------------------------------------------------- SLA board


def _household_key(h: Mapping[str, Any]) -> tuple[int, int, str]:
    return (OUTCOME_ORDER.get(str(h.get("outcome")), 3), 0 if h.get("at_risk") else 1, str(h.get("deadline")))


_SEARCHED = ("head_name", "head_id", "village", "household")


def _matches(h: Mapping[str, Any], needle: str) -> bool:
    return any(
        needle in str(h.get(k) or "").lower() for k in ("head_name", "head_id", "village", "household")
    )


@dataclass
class TownshipView:
    key: str
    township: str
    name: str | None
    counts: dict[str, int]
    total: int
    households: list[dict[str, Any]]
    expanded: bool

    @property
    def hidden(self) -> int:
        return self.total - len(self.households)


@dataclass
class IncidentView:
    incident_id: str
    title: str
    reported_at: str | None
    counts: dict[str, int]
    townships: list[TownshipView] = field(default_factory=list)


def shape_board(
    board: Mapping[str, Any], *, rows: int, query: str | None = None, expand: Iterable[str] = ()
) -> list[IncidentView]:
    """Every incident (those with breaches, then those with households at risk, the nearest
    deadline first) and its townships (likewise); within a township the
    households breached, at risk, pending by deadline, then met; the first ``rows`` of each unless
    the township is expanded (``incident:township`` in ``expand``). ``query`` keeps the
    households whose head, masked ID, village or stream id contains it."""
    opened = set(expand)
    needle = (query or "").strip().lower()
    shaped: list[IncidentView] = []
    for incident in board.get("incidents") or []:
        iid = str(incident.get("incident_id"))
        view = IncidentView(
            incident_id=iid,
            title=str(incident.get("title") or iid),
            reported_at=incident.get("reported_at"),
            counts={k: int(v) for k, v in (incident.get("counts") or {}).items() if isinstance(v, int)},
        )
        townships: list[TownshipView] = []
        for township in incident.get("townships") or []:
            households = [h for h in township.get("households") or [] if not needle or _matches(h, needle)]
            if needle and not households:
                continue
            households.sort(key=_household_key)
            counts = {"breached": 0, "at_risk": 0, "pending": 0, "met": 0}
            given = township.get("counts")
            total = len(households)
            if isinstance(given, dict) and not needle:
                # the service's counts of all the township's households (it may have sent only
                # the most urgent: per_township)
                counts = {k: int(given.get(k) or 0) for k in counts}
                total = int(township.get("total") or sum(counts[k] for k in ("pending", "breached", "met")))
            else:
                for h in households:
                    outcome = str(h.get("outcome"))
                    if outcome in counts:
                        counts[outcome] += 1
                    if h.get("at_risk") and outcome == "pending":
                        counts["at_risk"] += 1
            key = f"{iid}:{township.get('township')}"
            expanded = key in opened or bool(needle)
            townships.append(
                TownshipView(
                    key=key,
                    township=str(township.get("township")),
                    name=township.get("name"),
                    counts=counts,
                    total=max(total, len(households)),
                    households=households if expanded else households[:rows],
                    expanded=key in opened,
                )
            )
        townships.sort(
            key=lambda t: (-t.counts["breached"], not t.counts["at_risk"], _soonest(t), t.township)
        )
        view.townships = townships
        shaped.append(view)
    # the incidents with breaches first, then those with households at risk (else as the service
    # ordered them: newest report first)
    shaped.sort(
        key=lambda i: (
            -_sum(i, "breached"),
            not _sum(i, "at_risk"),
            min((_soonest(t) for t in i.townships), default=_NEVER),
        )
    )
    return shaped


_NEVER = "9999"


def _sum(incident: IncidentView, key: str) -> int:
    return sum(t.counts[key] for t in incident.townships)


def _soonest(township: TownshipView) -> str:
    """The nearest deadline of a pending household shown (ISO text of one service: comparable)."""
    return min(
        (str(h.get("deadline")) for h in township.households if h.get("outcome") == "pending"), default=_NEVER
    )


# -------------------------------------------------------------------------------------- deadlines

_STATE_ORDER = {"overdue": 0, "pending": 1}


def merge_deadlines(answers: Sequence[Answer]) -> list[dict[str, Any]]:
    """Every service's deadlines in one list: overdue first, then at risk, then pending, by due
    time; each item with its service."""
    merged: dict[tuple[str, str, str, str], dict[str, Any]] = {}
    for answer in answers:
        if not answer.ok or not isinstance(answer.data, dict):
            continue
        for item in answer.data.get("items") or []:
            row = {**item, "service": answer.service}
            merged[
                (answer.service, str(item.get("kind")), str(item.get("subject")), str(item.get("due_at")))
            ] = row

    def key(row: dict[str, Any]) -> tuple[int, int, datetime]:
        due = parse_time(row.get("due_at")) or datetime.max.replace(tzinfo=UTC)
        return (_STATE_ORDER.get(str(row.get("state")), 2), 0 if row.get("at_risk") else 1, due)

    return sorted(merged.values(), key=key)


# ---------------------------------------------------------------------------------- case timeline


STREAM_ID = re.compile(r"^[A-Za-z][A-Za-z0-9_.:-]{0,199}$")
"""What the services take as a stream id (a correlation id, a UUID, may start with a digit)."""


def is_stream_id(text: str) -> bool:
    return STREAM_ID.match(text) is not None


def is_uuid(text: str) -> bool:
    try:
        uuid.UUID(text)
    except ValueError:
        return False
    return True


@dataclass
class Entry:
    service: str
    event_type: str
    recorded_at: str
    stream_id: str | None
    event_id: str | None
    correlation_id: str | None
    causation_id: str | None

    @property
    def moment(self) -> datetime:
        return parse_time(self.recorded_at) or datetime.min.replace(tzinfo=UTC)


@dataclass
class Hop:
    """A message of one service applied by another's consumer, in one correlation."""

    correlation_id: str
    producer: Entry | None
    message_event_id: str
    subject: str
    consumer_service: str
    consumer: str
    consumed_at: str
    caused: list[Entry]

    @property
    def wait_seconds(self) -> float | None:
        consumed = parse_time(self.consumed_at)
        if self.producer is None or consumed is None:
            return None
        return (consumed - self.producer.moment).total_seconds()


def entries_of(answer: Answer) -> list[Entry]:
    """The events of an /audit/history or /operations/trace answer."""
    if not answer.ok or not isinstance(answer.data, dict):
        return []
    found = []
    for e in answer.data.get("events") or []:
        found.append(
            Entry(
                service=answer.service,
                event_type=str(e.get("event_type")),
                recorded_at=str(e.get("recorded_at")),
                stream_id=e.get("stream_id"),
                event_id=None if e.get("event_id") is None else str(e.get("event_id")),
                correlation_id=None if e.get("correlation_id") is None else str(e.get("correlation_id")),
                causation_id=None if e.get("causation_id") is None else str(e.get("causation_id")),
            )
        )
    return found


def timeline(groups: Iterable[Iterable[Entry]]) -> list[Entry]:
    """One list across services, each event once, in the order of time."""
    seen: dict[tuple[str, str], Entry] = {}
    anonymous: list[Entry] = []
    for group in groups:
        for entry in group:
            if entry.event_id is None:
                anonymous.append(entry)
            else:
                seen.setdefault((entry.service, entry.event_id), entry)
    return sorted([*seen.values(), *anonymous], key=lambda e: (e.moment, e.service))


def path(correlation_id: str, traces: Sequence[Answer]) -> list[Hop]:
    """The hops of one correlation: each consumed message with its producer's event (from any
    service's trace), the wait, and the events it caused; ordered by consumption time."""
    events: dict[str, Entry] = {}
    for answer in traces:
        for entry in entries_of(answer):
            if entry.event_id is not None:
                events[entry.event_id] = entry
    hops = []
    for answer in traces:
        if not answer.ok or not isinstance(answer.data, dict):
            continue
        for c in answer.data.get("consumed") or []:
            message = str(c.get("message_event_id"))
            hops.append(
                Hop(
                    correlation_id=correlation_id,
                    producer=events.get(message),
                    message_event_id=message,
                    subject=str(c.get("subject") or ""),
                    consumer_service=answer.service,
                    consumer=str(c.get("consumer") or ""),
                    consumed_at=str(c.get("consumed_at") or ""),
                    caused=[events[str(x)] for x in c.get("caused") or [] if str(x) in events],
                )
            )
    return sorted(hops, key=lambda h: parse_time(h.consumed_at) or datetime.min.replace(tzinfo=UTC))


def failures(answers: Iterable[Answer], *, skip: Iterable[str] = ("not_found",)) -> list[Answer]:
    """The answers to name as failed (404 left out by default: the service simply has no such case)."""
    left_out = set(skip)
    return [a for a in answers if not a.ok and a.problem not in left_out]
