"""The allowance area's publications: ``AllowanceStarted`` and ``AllowanceEnded`` as the contracts
of the same names (the provincial roll's starts and ends); every other elder event is internal."""

from __future__ import annotations

from minzheng_contracts.eldercare import AllowanceEnded, AllowanceStarted
from minzheng_eventstore import OutgoingMessage, RecordedEvent
from minzheng_eventstore.areas import Publish
from minzheng_eventstore.relay import contract_message

from ... import SERVICE
from ...domain.allowance import events as ev


def _started(event: RecordedEvent) -> OutgoingMessage:
    d = event.data
    keys = ("allowance_id", "person", "residence", "band", "starts", "monthly_fen", "standard_id")
    return contract_message(AllowanceStarted, event, {k: d[k] for k in keys}, producer=SERVICE)


def _ended(event: RecordedEvent) -> OutgoingMessage:
    d = event.data
    keys = ("allowance_id", "person", "residence", "reason", "last_period")
    return contract_message(
        AllowanceEnded, event, {k: d[k] for k in keys} | {"died_on": d.get("died_on")}, producer=SERVICE
    )


PUBLISHERS: dict[str, Publish] = {
    ev.AllowanceStarted.event_type: _started,
    ev.AllowanceEnded.event_type: _ended,
}
