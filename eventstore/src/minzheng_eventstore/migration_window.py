"""Both versions of a contract on the wire during its migration window (契约迁移窗口).

When a contract gets a new version (``PaymentIssued`` v2), consumers move to it one by one. Until
the last has moved, the producer publishes each such event **twice**: the version its mapping
builds (v1) and the same message upcast to the new version (``minzheng_contracts.upcasting``),
validated against the new contract before it leaves. A consumer reads the version it names and
acknowledges the other (the kit's rule for a known contract it does not use), so each is served
once.

The second message has a ``Nats-Msg-Id`` of its own, ``uuid5(event id, "<type>.v<N>")``: JetStream
de-duplicates on that id within a stream, so the same id would drop the second version as a repeat
of the first. It is derived, so a re-publication (``republish``, a relay's retry) gives the same id
again and is dropped downstream as any repeat is. The envelope's ``event_id`` stays the event's.

The window is data: ``MigrationWindow("PaymentIssued", 1, 2)``, optionally ``until`` a time (events
recorded from then on go out in the mapped version only), or the setting
``<SERVICE>_CONTRACT_WINDOWS="PaymentIssued:1>2[@2026-06-30T00:00+08:00],..."``
(``windows_from_env``). ``with_windows(publication, windows)`` is the publication the relay uses.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import orjson

from minzheng_contracts.catalogue import contract_for
from minzheng_contracts.upcasting import STEPS

from .model import RecordedEvent
from .relay import MSG_ID, OutgoingMessage, Publication, each_message


@dataclass(frozen=True, slots=True)
class MigrationWindow:
    """While open, an event published as ``event_type`` v``old`` also goes out as v``new``."""

    event_type: str
    old: int
    new: int
    until: datetime | None = None
    """Events recorded at or after this go out in the mapped version only (None: open-ended)."""

    def __post_init__(self) -> None:
        if self.new <= self.old:
            raise ValueError("a migration window goes from an older version to a newer one")
        for version in range(self.old, self.new):
            if (self.event_type, version) not in STEPS:
                raise ValueError(f"{self.event_type} v{version} has no upcasting step to v{version + 1}")
        contract_for(self.event_type, self.new)  # raises for an unknown contract version
        if self.until is not None and self.until.utcoffset() is None:
            raise ValueError("until must be timezone-aware")

    def open_for(self, event: RecordedEvent) -> bool:
        return self.until is None or event.recorded_at < self.until

    @classmethod
    def parse(cls, text: str) -> MigrationWindow:
        """``PaymentIssued:1>2`` or ``PaymentIssued:1>2@2026-06-30T00:00:00+08:00``."""
        spec, _, until = text.strip().partition("@")
        event_type, _, versions = spec.partition(":")
        old, _, new = versions.partition(">")
        try:
            return cls(
                event_type.strip(),
                int(old),
                int(new),
                datetime.fromisoformat(until) if until else None,
            )
        except ValueError as exc:
            raise ValueError(f"contract window {text!r}: {exc} (form: Type:1>2[@ISO time])") from None


def windows_from_env(service: str, environ: Mapping[str, str] | None = None) -> list[MigrationWindow]:
    """The windows of ``<SERVICE>_CONTRACT_WINDOWS`` (comma-separated; none when unset)."""
    raw = (os.environ if environ is None else environ).get(f"{service.upper()}_CONTRACT_WINDOWS", "")
    return [MigrationWindow.parse(part) for part in raw.split(",") if part.strip()]


def version_message_id(event_id: uuid.UUID, event_type: str, version: int) -> str:
    """The ``Nats-Msg-Id`` of an event's message in another version of its contract."""
    return str(uuid.uuid5(event_id, f"{event_type}.v{version}"))


def upcast_message(message: OutgoingMessage, event: RecordedEvent, new: int) -> OutgoingMessage:
    """``message`` (a contract's wire form) as version ``new`` of its contract, validated."""
    body: dict[str, Any] = orjson.loads(message.payload)
    event_type, version = body["event_type"], body["schema_version"]
    while version < new:
        body = STEPS[(event_type, version)](body)
        version += 1
    contract = contract_for(event_type, new)
    validated = contract.model_validate(body)
    payload: bytes = contract.__pydantic_serializer__.to_json(validated)
    headers = {
        **message.headers,
        MSG_ID: version_message_id(event.event_id, event_type, new),
        "Mz-Schema-Version": str(new),
    }
    return OutgoingMessage(contract.subject_for(validated.producer), payload, headers)


def with_windows(publication: Publication, windows: Sequence[MigrationWindow]) -> Publication:
    """``publication`` plus, for each message of a contract version in an open window, the same
    message in the window's newer version (after it, in one tuple)."""
    if not windows:
        return publication
    by_key = {(w.event_type, w.old): w for w in windows}

    def publish(event: RecordedEvent) -> OutgoingMessage | tuple[OutgoingMessage, ...] | None:
        built = publication(event)
        if built is None:
            return None
        messages = each_message(built)
        extra = []
        for message in messages:
            head = orjson.loads(message.payload)
            window = by_key.get((head.get("event_type"), head.get("schema_version")))
            if window is not None and window.open_for(event):
                extra.append(upcast_message(message, event, window.new))
        return built if not extra else (*messages, *extra)

    return publish


__all__ = [
    "MigrationWindow",
    "upcast_message",
    "version_message_id",
    "windows_from_env",
    "with_windows",
]
