"""The typed answers of the auditor's routes (``audit_http``): what ``history``, ``asof`` and
``explain`` give in their JSON form, documented in each service's OpenAPI."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field


class EventOut(BaseModel):
    stream_id: str
    stream_type: str
    version: int
    position: str = Field(description="the place in the global order, tx:position")
    event_id: str
    event_type: str
    schema_version: int
    occurred_at: str
    recorded_at: str
    actor: str | None
    correlation_id: str | None
    causation_id: str | None
    jurisdiction: str | None
    data: dict[str, Any] | None = Field(default=None, description="resident IDs whole: the auditor's read")


class HistoryOut(BaseModel):
    service: str
    streams: list[str] = Field(description="the streams the events came from")
    truncated: bool = Field(description="more streams or events matched than one answer holds")
    events: list[EventOut] = Field(description="in the order recorded")


class SideOut(BaseModel):
    version: int
    events: list[EventOut]
    state: Any = Field(description="the stream folded with its aggregate (null when it declares none)")


class StateOut(BaseModel):
    service: str
    stream_id: str
    stream_type: str
    as_of: str
    at: str | None = Field(description="the moment's time (a position: its last event's recorded time)")
    folded: bool
    known_then: SideOut = Field(description="the events recorded up to the moment, folded")
    known_now: SideOut = Field(description="the events that occurred by the moment, whenever recorded")
    late: list[EventOut] = Field(description="recorded since, about then: late facts and corrections")
    ahead: list[EventOut] = Field(description="known then, taking effect after the moment")
    same: bool


class StandardOut(BaseModel):
    standard_id: str
    parameter: str
    jurisdiction: str
    effective_from: str
    value_then: int | None
    source: str = Field(description="event (its StandardSet), table (loaded without an event) or unknown")
    set_by: EventOut | None
    since: list[EventOut] = Field(description="StandardSet of the same parameter and place recorded after")


class ExplainOut(BaseModel):
    service: str
    payment: EventOut
    amount_fen: int | None
    declared: bool = Field(description="explained by the service's declared rule (false: by a heuristic)")
    formula: str | None = Field(description="the declared rule, in words")
    recomputed_fen: int | None = Field(
        description="the amount by the declared rule from the inputs and the standards' values then"
    )
    standards: list[StandardOut]
    inputs: dict[str, Any] = Field(description="members, income, band, grade…: the last value of each")
    input_events: dict[str, str] = Field(description="of each input, the id of the event it came from")
    causes: list[EventOut] = Field(description="the causation chain, nearest first")
    decisions: list[EventOut] = Field(description="the events of the payment's subjects before it")
