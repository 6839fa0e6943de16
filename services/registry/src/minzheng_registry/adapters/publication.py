"""What the outside world sees: each area maps its internal events to versioned contracts
(``contracts/``); this puts the areas' mappings into the service's one publication.

A mapping that cannot build a valid contract raises, and the store refuses the command before
anything commits (``publication_check``)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from minzheng_contracts import IntegrationEvent
from minzheng_eventstore import OutgoingMessage, RecordedEvent
from minzheng_eventstore.relay import contract_message

from .. import SERVICE
from ..area import Publish


def publication_of(publishers: Mapping[str, Publish]) -> Callable[[RecordedEvent], OutgoingMessage | None]:
    def publication(event: RecordedEvent) -> OutgoingMessage | None:
        publish = publishers.get(event.event_type)
        return None if publish is None else publish(event)

    return publication


def message(
    contract: type[IntegrationEvent[Any]], event: RecordedEvent, data: dict[str, Any]
) -> OutgoingMessage:
    """The registry's message of ``contract`` for a stored event (the envelope from the event)."""
    return contract_message(contract, event, data, producer=SERVICE)
