"""A named place (地名): a road (道路), lane (街巷), residential area (居民区) or bridge (桥梁).

Its procedure (地名管理条例 2022): proposed (申报) by the township → first-instance review (初审,
by the township reviewer) → approved (批准, by the county) → published (公布) within
``place_name_publication_days`` of approval. A rejection at either step ends the proposal.

Once approved it has a history of names as intervals ``[from, to)``: a renaming (更名) closes the
current name on its effective date (which may lie in the future) and opens the new one; a
retirement (注销) closes the last one. A name is never deleted, so "what was it called on X" is
always answered. The uniqueness of names across places is the name index's rule (``names.py``),
decided in the same unit as these events.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date
from enum import StrEnum

from minzheng_kernel.errors import Conflict, DomainError, NotFound
from minzheng_kernel.events import DomainEvent

from .names import Interval, checked_name, normalise
from .place_events import (  # the events, read from here as p.PlaceRenamed etc.
    NameRecord,
    PlaceNameApproved,
    PlaceNameProposed,
    PlaceNamePublicationOverdue,
    PlaceNamePublished,
    PlaceNameRecorded,
    PlaceNameRejected,
    PlaceNameRetired,
    PlaceNameReviewed,
    PlaceRenamed,
    RoadExtended,
)


class PlaceKind(StrEnum):
    ROAD = "road"  # 道路
    LANE = "lane"  # 街巷
    RESIDENTIAL_AREA = "residential_area"  # 居民区
    BRIDGE = "bridge"  # 桥梁

    @property
    def numbered(self) -> bool:
        """House numbers run along roads and lanes."""
        return self in (PlaceKind.ROAD, PlaceKind.LANE)


class Status(StrEnum):
    NONE = "none"
    PROPOSED = "proposed"
    REVIEWED = "reviewed"
    APPROVED = "approved"
    REJECTED = "rejected"


@dataclass(frozen=True, slots=True)
class Span:
    name: str
    interval: Interval


@dataclass(frozen=True, slots=True)
class Place:
    place_id: str = ""
    kind: PlaceKind = PlaceKind.ROAD
    division: str = ""
    status: Status = Status.NONE
    proposed_name: str = ""
    effective_from: date | None = None
    homophones: tuple[str, ...] = ()
    spans: tuple[Span, ...] = ()
    """The names in force, oldest first, once approved."""
    approved_on: date | None = None
    publish_by: date | None = None
    published_on: date | None = None
    publication_overdue: bool = False
    length_m: int | None = None
    extensions: int = 0

    @property
    def township(self) -> str:
        return self.division[:9]

    @property
    def retired(self) -> bool:
        return bool(self.spans) and self.spans[-1].interval.end is not None

    @property
    def name(self) -> str:
        """The latest name (the proposed one before approval)."""
        return self.spans[-1].name if self.spans else self.proposed_name

    def name_on(self, day: date) -> str | None:
        for span in self.spans:
            if span.interval.contains(day):
                return span.name
        return None

    def require_name_on(self, day: date) -> str:
        name = self.name_on(day)
        if name is None:
            raise NotFound(
                "place_not_in_force", f"place {self.place_id} has no name in force on {day}", field="on"
            )
        return name


def initial() -> Place:
    return Place()


def _close_last(spans: tuple[Span, ...], end: date) -> tuple[Span, ...]:
    last = spans[-1]
    return (*spans[:-1], Span(last.name, Interval(last.interval.start, end)))


def _span(record: NameRecord) -> Span:
    end = record["valid_to"]
    return Span(
        record["name"],
        Interval(date.fromisoformat(record["valid_from"]), None if end is None else date.fromisoformat(end)),
    )


def evolve(state: Place, event: DomainEvent) -> Place:
    if isinstance(event, PlaceNameRecorded):
        spans = tuple(_span(r) for r in event.names)
        recorded = date.fromisoformat(event.recorded_on)
        return Place(
            place_id=event.place_id,
            kind=PlaceKind(event.kind),
            division=event.division,
            status=Status.APPROVED,
            proposed_name=spans[0].name,
            effective_from=spans[0].interval.start,
            spans=spans,
            publish_by=recorded,
            published_on=recorded,
        )
    if isinstance(event, PlaceNameProposed):
        return Place(
            place_id=event.place_id,
            kind=PlaceKind(event.kind),
            division=event.division,
            status=Status.PROPOSED,
            proposed_name=event.name,
            effective_from=date.fromisoformat(event.effective_from),
            homophones=tuple(event.homophones),
        )
    if isinstance(event, PlaceNameReviewed):
        return replace(state, status=Status.REVIEWED if event.passed else Status.REJECTED)
    if isinstance(event, PlaceNameRejected):
        return replace(state, status=Status.REJECTED)
    if isinstance(event, PlaceNameApproved):
        start = date.fromisoformat(event.effective_from)
        return replace(
            state,
            status=Status.APPROVED,
            effective_from=start,
            spans=(Span(event.name, Interval(start)),),
            approved_on=date.fromisoformat(event.approved_on),
            publish_by=date.fromisoformat(event.publish_by),
        )
    if isinstance(event, PlaceNamePublished):
        return replace(state, published_on=date.fromisoformat(event.published_on))
    if isinstance(event, PlaceNamePublicationOverdue):
        return replace(state, publication_overdue=True)
    if isinstance(event, PlaceRenamed):
        start = date.fromisoformat(event.effective_from)
        spans = (*_close_last(state.spans, start), Span(event.name, Interval(start)))
        return replace(state, spans=spans, homophones=tuple(event.homophones))
    if isinstance(event, RoadExtended):
        return replace(state, length_m=event.length_m, extensions=state.extensions + 1)
    if isinstance(event, PlaceNameRetired):
        return replace(state, spans=_close_last(state.spans, date.fromisoformat(event.valid_to)))
    return state


def _require(state: Place, place_id: str) -> Place:
    if state.status is Status.NONE:
        raise NotFound("place_not_found", f"place {place_id} is not recorded", field="place_id")
    return state


def propose(
    state: Place,
    *,
    place_id: str,
    kind: PlaceKind,
    name: str,
    division: str,
    effective_from: date,
    today: date,
    reason: str,
    homophones: list[str],
    scope_standard: str | None = None,
) -> list[DomainEvent]:
    """申报: a new place's name, to be in force from ``effective_from`` (not before today)."""
    if state.status is not Status.NONE:
        raise Conflict("place_exists", f"place {place_id} is already proposed", field="place_id")
    if effective_from < today:
        raise DomainError(
            "effective_in_past",
            f"a new name comes into force today ({today}) or later",
            field="effective_from",
        )
    text = checked_name(name)
    return [
        PlaceNameProposed(
            place_id,
            kind.value,
            text,
            division,
            effective_from.isoformat(),
            today.isoformat(),
            reason,
            homophones,
            scope_standard,
        )
    ]


def record(
    state: Place,
    *,
    place_id: str,
    kind: PlaceKind,
    division: str,
    names: list[tuple[str, date, date | None]],
    today: date,
    document: str,
) -> list[DomainEvent]:
    """A historical place with its names, oldest first: consecutive intervals (each ends the day
    the next starts), only the last may be open; every one began before today and none ends after
    it (a future name or retirement goes through the procedure); neighbours differ."""
    if state.status is not Status.NONE:
        raise Conflict("place_exists", f"place {place_id} is already recorded", field="place_id")
    if not names:
        raise DomainError("names_missing", "a recorded place has at least one name", field="names")
    records: list[NameRecord] = []
    for i, (name, start, end) in enumerate(names):
        where = f"names[{i}]"
        text = checked_name(name, field=where)
        if end is not None and end <= start:
            raise DomainError("valid_to_not_after_valid_from", f"{where} ends before it starts", field=where)
        if i + 1 < len(names) and end != names[i + 1][1]:
            raise DomainError(
                "names_not_consecutive", f"{where} must end the day {names[i + 1][0]} starts", field=where
            )
        if records and normalise(records[-1]["name"]) == normalise(text):
            raise DomainError("same_name", f"{where} repeats the name before it", field=where)
        records.append(
            NameRecord(
                name=text, valid_from=start.isoformat(), valid_to=None if end is None else end.isoformat()
            )
        )
    for i, (_, start, end) in enumerate(names):
        if start >= today or (end is not None and end > today):
            raise DomainError(
                "not_historical",
                f"names[{i}] is not history: a recorded name came into force before today and ended by "
                "today at the latest; a new name is proposed, a renaming or a retirement approved",
                field=f"names[{i}]",
            )
    return [PlaceNameRecorded(place_id, kind.value, division, records, today.isoformat(), document)]


def review(state: Place, *, place_id: str, passed: bool, opinion: str, today: date) -> list[DomainEvent]:
    """初审 of a proposed name."""
    _require(state, place_id)
    if state.status is not Status.PROPOSED:
        raise Conflict(
            "not_proposed", f"place {place_id} is {state.status.value}, not awaiting review", field="place_id"
        )
    return [PlaceNameReviewed(place_id, passed, opinion, today.isoformat())]


def reject(state: Place, *, place_id: str, reason: str, today: date) -> list[DomainEvent]:
    _require(state, place_id)
    if state.status is not Status.REVIEWED:
        raise Conflict(
            "not_reviewed", f"place {place_id} is {state.status.value}, not reviewed", field="place_id"
        )
    return [PlaceNameRejected(place_id, reason, today.isoformat())]


def approve(
    state: Place,
    *,
    place_id: str,
    today: date,
    publish_by: date,
    standard_id: str,
    document: str,
) -> list[DomainEvent]:
    """批准 of a reviewed name: in force from the proposed date, or today if that has passed."""
    _require(state, place_id)
    if state.status is not Status.REVIEWED:
        raise Conflict(
            "not_reviewed", f"place {place_id} is {state.status.value}, not reviewed", field="place_id"
        )
    assert state.effective_from is not None
    start = max(state.effective_from, today)
    return [
        PlaceNameApproved(
            place_id,
            state.kind.value,
            state.proposed_name,
            state.division,
            start.isoformat(),
            today.isoformat(),
            publish_by.isoformat(),
            standard_id,
            document,
        )
    ]


def publish(state: Place, *, place_id: str, today: date, channel: str) -> list[DomainEvent]:
    """公布 of an approved name (once); ``late`` after ``publish_by``."""
    _require(state, place_id)
    if state.status is not Status.APPROVED:
        raise Conflict(
            "not_approved", f"place {place_id} is {state.status.value}, not approved", field="place_id"
        )
    if state.published_on is not None:
        raise Conflict(
            "already_published", f"place {place_id} was published on {state.published_on}", field="place_id"
        )
    assert state.publish_by is not None
    late = today > state.publish_by
    return [
        PlaceNamePublished(
            place_id, state.spans[0].name, today.isoformat(), state.publish_by.isoformat(), late, channel
        )
    ]


def publication_overdue(state: Place) -> list[DomainEvent]:
    """The publication deadline passed: overdue once, unless published meanwhile."""
    if state.status is not Status.APPROVED or state.published_on is not None or state.publication_overdue:
        return []
    assert state.publish_by is not None
    return [PlaceNamePublicationOverdue(state.place_id, state.spans[0].name, state.publish_by.isoformat())]


def _require_in_force(state: Place, place_id: str) -> Span:
    _require(state, place_id)
    if state.status is not Status.APPROVED:
        raise Conflict(
            "not_approved", f"place {place_id} is {state.status.value}, not approved", field="place_id"
        )
    if state.retired:
        raise Conflict(
            "place_retired",
            f"place {place_id} is retired from {state.spans[-1].interval.end}",
            field="place_id",
        )
    return state.spans[-1]


def _not_in_past(day: date, today: date, field: str) -> None:
    """A change of a name in force takes effect today or later (as a proposal does)."""
    if day < today:
        raise DomainError(
            "effective_in_past",
            f"a change of a name in force takes effect today ({today}) or later",
            field=field,
        )


def rename(
    state: Place,
    *,
    place_id: str,
    name: str,
    effective_from: date,
    today: date,
    document: str,
    homophones: list[str],
    scope_standard: str | None = None,
) -> list[DomainEvent]:
    """更名 from ``effective_from`` (after the current name's first day, not before today: a past
    date would rewrite what the road was called on days already answered and published, and the
    addresses of the numbers issued under the old name; it may be in the future)."""
    last = _require_in_force(state, place_id)
    _not_in_past(effective_from, today, "effective_from")
    text = checked_name(name)
    if normalise(text) == normalise(last.name):
        raise Conflict("same_name", f"place {place_id} is already called {last.name}", field="name")
    if effective_from <= last.interval.start:
        raise DomainError(
            "rename_before_current_name",
            f"the current name {last.name} is in force from {last.interval.start}",
            field="effective_from",
        )
    return [
        PlaceRenamed(
            place_id,
            state.kind.value,
            state.division,
            last.name,
            text,
            effective_from.isoformat(),
            today.isoformat(),
            document,
            homophones,
            scope_standard,
        )
    ]


def extend(state: Place, *, place_id: str, length_m: int, description: str, today: date) -> list[DomainEvent]:
    """延伸 of a road or lane: its new length (longer than before)."""
    _require_in_force(state, place_id)
    if not state.kind.numbered:
        raise DomainError("not_a_road", f"a {state.kind.value} is not extended", field="place_id")
    if state.length_m is not None and length_m <= state.length_m:
        raise DomainError("not_longer", f"the road is already {state.length_m} m long", field="length_m")
    return [RoadExtended(place_id, today.isoformat(), length_m, description)]


def retire(state: Place, *, place_id: str, valid_to: date, reason: str, today: date) -> list[DomainEvent]:
    """注销 from ``valid_to`` (after the last name's first day: a pending renaming is not skipped;
    not before today, as a renaming)."""
    last = _require_in_force(state, place_id)
    _not_in_past(valid_to, today, "valid_to")
    if valid_to <= last.interval.start:
        raise DomainError(
            "retire_before_current_name",
            f"the last name {last.name} is in force from {last.interval.start}",
            field="valid_to",
        )
    return [PlaceNameRetired(place_id, last.name, valid_to.isoformat(), reason)]
