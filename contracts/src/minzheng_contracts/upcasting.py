"""Reading an old contract version as the newest one (契约升级读取).

A consumer written against the newest version of a contract reads older messages through
:func:`to_latest` (or :func:`parse_latest`): each registered step turns the wire form of version N into
the wire form of version N+1, and the result is validated against the newer contract. A consumer of
the old version keeps reading the old messages as they are (:func:`parse_integration_event`).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from types import MappingProxyType
from typing import Any

from minzheng_contracts.catalogue import contract_for, parse_integration_event
from minzheng_contracts.envelope import IntegrationEvent

__all__ = ["STEPS", "Message", "latest_version", "parse_latest", "payment_issued_v1_to_v2", "to_latest"]

Message = dict[str, Any]
Step = Callable[[Message], Message]


def payment_issued_v1_to_v2(message: Message) -> Message:
    """``PaymentIssued`` v1 → v2: the same fields; v1's producers and programmes are all in v2's lists."""
    return {**message, "schema_version": 2}


#: ``(event_type, from_version) -> step`` on the JSON form of a message.
STEPS: Mapping[tuple[str, int], Step] = MappingProxyType({("PaymentIssued", 1): payment_issued_v1_to_v2})


def latest_version(event_type: str, version: int) -> int:
    """The version a message of ``(event_type, version)`` is read as by :func:`to_latest`."""
    while (event_type, version) in STEPS:
        version += 1
    return version


def to_latest(event: IntegrationEvent[Any]) -> IntegrationEvent[Any]:
    """``event`` as the newest version of its contract (itself if it is the newest)."""
    event_type, version = event.contract_key()
    if (event_type, version) not in STEPS:
        return event
    message: Message = event.model_dump(mode="json")
    while (step := STEPS.get((event_type, version))) is not None:
        message = step(message)
        version += 1
    return contract_for(event_type, version).model_validate(message)


def parse_latest(raw: bytes | bytearray | str | Mapping[str, Any]) -> IntegrationEvent[Any]:
    """Validate a message against its own contract (:func:`parse_integration_event`), then upcast it."""
    return to_latest(parse_integration_event(raw))
