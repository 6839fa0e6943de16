"""The entitlement area's aggregate and ids: an entitlement's id is the pseudonym of (person,
category) as a UUID, so two recognitions of one person and category name the same stream; the
person's key is their pseudonym (never the resident ID, in a stream id, a guard row or a log)."""

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
ID_PURPOSE = "veterans-entitlement"


def person_token(pseudonyms: Pseudonyms, resident: ResidentId) -> str:
    return pseudonyms.token(PERSON_PURPOSE, resident.reveal())


def entitlement_id(pseudonyms: Pseudonyms, person: str, category: str) -> str:
    """The entitlement of ``person`` (a token) first recognised in ``category``."""
    return str(pseudonyms.uuid(ID_PURPOSE, f"{person}\x00{category}"))


def entitlement_stream(entitlement_id: str) -> str:
    return f"entitlement-{entitlement_id}"
