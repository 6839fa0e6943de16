"""What the outside world sees: each area maps its internal events to versioned contracts
(``contracts/``); the kit (``minzheng_eventstore.areas.compose``) puts the areas' mappings into the
service's one publication.

A mapping that cannot build a valid contract raises, and the store refuses the command before
anything commits (``publication_check``)."""

from __future__ import annotations

from typing import Any

from minzheng_contracts import IntegrationEvent
from minzheng_eventstore import OutgoingMessage, RecordedEvent
from minzheng_eventstore.relay import contract_message

from .. import SERVICE


def message(
    contract: type[IntegrationEvent[Any]], event: RecordedEvent, data: dict[str, Any]
) -> OutgoingMessage:
    """The veterans service's message of ``contract`` for a stored event (the envelope from the event)."""
    return contract_message(contract, event, data, producer=SERVICE)
