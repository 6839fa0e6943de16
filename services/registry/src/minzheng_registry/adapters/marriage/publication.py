"""What the marriage area publishes (for the national marriage database and every benefit
system): marriages, divorces, reissued certificates, deaths and their corrections. The rest
(person streams, divorce applications and their clocks, a marriage ended by death) is internal."""

from __future__ import annotations

from minzheng_contracts import registry as c
from minzheng_eventstore import OutgoingMessage, RecordedEvent
from minzheng_eventstore.areas import Publish

from ..publication import message


def _marriage(event: RecordedEvent) -> OutgoingMessage:
    d = event.data
    return message(
        c.MarriageRegistered,
        event,
        {
            k: d[k]
            for k in ("marriage_id", "certificate_number", "husband", "wife", "registered_on", "office")
        },
    )


def _divorce(event: RecordedEvent) -> OutgoingMessage:
    d = event.data
    keys = (
        "marriage_id",
        "application_id",
        "certificate_number",
        "husband",
        "wife",
        "registered_on",
        "office",
    )
    return message(c.DivorceRegistered, event, {k: d[k] for k in keys})


def _reissued(event: RecordedEvent) -> OutgoingMessage:
    d = event.data
    keys = ("old_number", "new_number", "kind", "husband", "wife", "reissued_on", "office")
    return message(c.CertificateReissued, event, {k: d[k] for k in keys})


def _death(event: RecordedEvent) -> OutgoingMessage:
    d = event.data
    keys = ("registration_id", "deceased", "date_of_death", "place", "registered_at")
    return message(c.DeathRegistered, event, {k: d[k] for k in keys})


def _corrected(event: RecordedEvent) -> OutgoingMessage | None:
    d = event.data
    if not d.get("deceased"):
        return None  # none stored without the deceased (the field came with the contract)
    keys = ("registration_id", "deceased", "date_of_death", "place", "reason")
    return message(c.DeathRegistrationCorrected, event, {k: d[k] for k in keys})


PUBLISHERS: dict[str, Publish] = {
    "MarriageRegistered": _marriage,
    "DivorceRegistered": _divorce,
    "CertificateReissued": _reissued,
    "DeathRegistered": _death,
    "DeathRegistrationCorrected": _corrected,
}
