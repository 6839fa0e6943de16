"""The elder stream and its id: ``elder-<pseudonym>`` (stream type ``elder``), the pseudonym of
the resident ID keyed by the deployment's secret (``minzheng_eventstore.pseudonym``). The id is
deterministic, so one person is one elder: a second registration loads the first one's stream
(and two at once append at version 0, the second retrying onto the first)."""

from __future__ import annotations

from minzheng_contracts import ResidentId
from minzheng_eventstore.pseudonym import Pseudonyms
from minzheng_eventstore.uow import Aggregate

from ...domain.allowance import elder as d
from ...domain.allowance.events import ELDER_EVENTS

ELDER: Aggregate[d.Elder] = Aggregate("elder", ELDER_EVENTS, d.Elder, d.evolve)
PERSON_PURPOSE = "eldercare-elder"
"""Of the pseudonym naming an elder (never the resident ID in a stream id, a row or a log)."""


def elder_id(pseudonyms: Pseudonyms, resident: ResidentId) -> str:
    return pseudonyms.token(PERSON_PURPOSE, resident.reveal())


def elder_stream(eid: str) -> str:
    return f"elder-{eid}"
