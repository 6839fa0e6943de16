"""The entitlement area's aggregate and ids: an entitlement has a random id (it keeps it through a
category change); the person's key is their pseudonym (never the resident ID, in a stream id, a
guard row or a log), and the guard table ``veterans_entitlements`` maps it and a category to the
one entitlement."""

from __future__ import annotations

from minzheng_contracts import ResidentId
from minzheng_eventstore.pseudonym import Pseudonyms
from minzheng_eventstore.uow import Aggregate

from ...domain.entitlement import entitlement as e

ENTITLEMENT: Aggregate[e.Entitlement] = Aggregate(
    "entitlement", e.ENTITLEMENT_EVENTS, e.Entitlement, e.evolve
)
PERSON_PURPOSE = "veterans-person"
"""Of the pseudonym naming a person in the entitlements and the guard table."""


def person_token(pseudonyms: Pseudonyms, resident: ResidentId) -> str:
    return pseudonyms.token(PERSON_PURPOSE, resident.reveal())


def entitlement_stream(entitlement_id: str) -> str:
    return f"entitlement-{entitlement_id}"
