"""The events of a named place (地名): its procedure (申报, 初审, 批准, 公布), its renamings,
extensions and retirement, and the historical places entered from the census. The place's state
and decisions are ``place.py``."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TypedDict

from minzheng_kernel.events import DomainEvent, EventTypes


class NameRecord(TypedDict):
    name: str
    valid_from: str
    valid_to: str | None


@dataclass(frozen=True, slots=True)
class PlaceNameRecorded(DomainEvent):
    """A place named before this register (地名普查 or the archive), entered with its names and
    their intervals: in force as approved and published long ago."""

    place_id: str
    kind: str
    division: str
    names: list[NameRecord]
    recorded_on: str
    document: str


@dataclass(frozen=True, slots=True)
class PlaceNameProposed(DomainEvent):
    place_id: str
    kind: str
    name: str
    division: str
    effective_from: str
    proposed_on: str
    reason: str
    homophones: list[str]
    scope_standard: str | None = None
    """The standard that set the uniqueness scope (None: the county, by default)."""


@dataclass(frozen=True, slots=True)
class PlaceNameReviewed(DomainEvent):
    """初审: ``passed`` sends it on to the county; otherwise the proposal ends."""

    place_id: str
    passed: bool
    opinion: str
    reviewed_on: str


@dataclass(frozen=True, slots=True)
class PlaceNameRejected(DomainEvent):
    """The county refuses the name; the proposal ends."""

    place_id: str
    reason: str
    rejected_on: str


@dataclass(frozen=True, slots=True)
class PlaceNameApproved(DomainEvent):
    """批准: the name is in force from ``effective_from`` (the proposed date, or the approval day
    if that is later); to be published by ``publish_by``."""

    place_id: str
    kind: str
    name: str
    division: str
    effective_from: str
    approved_on: str
    publish_by: str
    standard_id: str
    document: str


@dataclass(frozen=True, slots=True)
class PlaceNamePublished(DomainEvent):
    place_id: str
    name: str
    published_on: str
    publish_by: str
    late: bool
    channel: str


@dataclass(frozen=True, slots=True)
class PlaceNamePublicationOverdue(DomainEvent):
    """Not published by ``publish_by`` (raised once, at 00:00 +08:00 after it)."""

    place_id: str
    name: str
    publish_by: str


@dataclass(frozen=True, slots=True)
class PlaceRenamed(DomainEvent):
    """更名: ``former_name`` is in force until the day before ``effective_from``."""

    place_id: str
    kind: str
    division: str
    former_name: str
    name: str
    effective_from: str
    renamed_on: str
    document: str
    homophones: list[str]
    scope_standard: str | None = None
    """The standard that set the uniqueness scope (None: the county, by default)."""


@dataclass(frozen=True, slots=True)
class RoadExtended(DomainEvent):
    """A road or lane lengthened (延伸): its name covers the new stretch."""

    place_id: str
    extended_on: str
    length_m: int
    description: str


@dataclass(frozen=True, slots=True)
class PlaceNameRetired(DomainEvent):
    """注销: the last name is out of force from ``valid_to``; the record stays."""

    place_id: str
    name: str
    valid_to: str
    reason: str


PLACE_EVENTS = EventTypes(
    PlaceNameRecorded,
    PlaceNameProposed,
    PlaceNameReviewed,
    PlaceNameRejected,
    PlaceNameApproved,
    PlaceNamePublished,
    PlaceNamePublicationOverdue,
    PlaceRenamed,
    RoadExtended,
    PlaceNameRetired,
)
