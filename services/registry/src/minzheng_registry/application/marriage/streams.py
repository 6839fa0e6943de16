"""The marriage area's streams and deadlines: ``person-<token>`` (PersonMaritalStatus, the
consistency boundary), ``marriage-<uuid>`` (the marriage and its divorce applications) and the
durable deadline ``divorce-lapse`` of an open application."""

from __future__ import annotations

from minzheng_eventstore.uow import Aggregate

from ...domain.marriage import marriage, person

PERSON: Aggregate[person.PersonStatus] = Aggregate(
    "person", person.PERSON_EVENTS, person.PersonStatus, person.evolve
)
MARRIAGE: Aggregate[marriage.Marriage] = Aggregate(
    "marriage", marriage.MARRIAGE_EVENTS, marriage.Marriage, marriage.evolve
)

LAPSE = "divorce-lapse"
"""The deadline kind: an open divorce application lapses at 00:00 +08:00 after its deadline."""


def marriage_stream(marriage_id: str) -> str:
    return f"marriage-{marriage_id}"


def lapse_subject(marriage_id: str, application_id: str) -> str:
    """The deadline's subject: the marriage stream and the application (one row per application,
    so a new application after a withdrawal or lapse gets its own)."""
    return f"{marriage_stream(marriage_id)}/divorce-{application_id}"


def parse_lapse_subject(subject: str) -> tuple[str, str]:
    """(marriage stream, application id) of a deadline subject."""
    stream, _, application = subject.partition("/divorce-")
    return stream, application
