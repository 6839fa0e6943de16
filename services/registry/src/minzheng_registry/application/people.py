"""What the registry's areas share about a person: the pseudonym in their stream ids, and their
death registration.

Stream ids name people by a keyed pseudonym, never by resident ID (store errors, logs and metrics
print stream ids): ``person-<token>`` (marital status, the marriage area's consistency boundary)
and ``death-<token>`` (the death registration, one per person).
"""

from __future__ import annotations

from minzheng_contracts import ResidentId
from minzheng_eventstore.errors import StreamNotFoundError
from minzheng_eventstore.pseudonym import Pseudonyms
from minzheng_eventstore.uow import Aggregate, UnitOfWork

from ..domain import death

PERSON_PURPOSE = "registry-person"
"""Of the pseudonym naming a person in the registry's stream ids and guard rows."""

DEATH: Aggregate[death.DeathRecord] = Aggregate("death", death.DEATH_EVENTS, death.DeathRecord, death.evolve)


def person_token(pseudonyms: Pseudonyms, resident: ResidentId | str) -> str:
    value = resident.reveal() if isinstance(resident, ResidentId) else ResidentId(resident).reveal()
    return pseudonyms.token(PERSON_PURPOSE, value)


def person_stream(pseudonyms: Pseudonyms, resident: ResidentId | str) -> str:
    return f"person-{person_token(pseudonyms, resident)}"


def death_stream(pseudonyms: Pseudonyms, resident: ResidentId | str) -> str:
    return f"death-{person_token(pseudonyms, resident)}"


async def registered_death(
    uow: UnitOfWork, pseudonyms: Pseudonyms, resident: ResidentId | str
) -> death.DeathRecord:
    """The person's death registration as this unit sees it (``is_dead`` false when there is none,
    or it was revoked); loaded once per unit, so a unit that also writes it appends at its version."""
    return await uow.load(DEATH, death_stream(pseudonyms, resident))


async def open_historical_marriage(uow: UnitOfWork, token: str) -> str | None:
    """The archive's record of a marriage of the person (by ``person_token``) that the archive shows
    as not dissolved, if any: the marriage area refuses a new registration on it (``already_married``,
    ground: the historical record).

    One indexed query (the archive's ledger ``registry_archive_person``, by its primary key) for
    the person with no open historical marriage, the common case. The archive knows divorces, not
    deaths: for an open record the former spouse's death registration is read too, and a marriage
    ended by the spouse's death (the person is widowed) does not count."""
    # an import in flight holds the archive's lock: wait for it, so that a record it is committing
    # for this person is seen (and an import starting now waits for this unit)
    await uow.conn.execute("SELECT pg_advisory_xact_lock_shared($1)", ARCHIVE_LOCK)
    rows = await uow.conn.fetch(_OPEN_HISTORICAL, token)
    for row in rows:
        spouse = await _death_of(uow, row["spouse_token"])
        if not spouse.is_dead:
            return str(row["record_id"])
    return None


async def historical_marriage_on_record(uow: UnitOfWork, token: str) -> str | None:
    """Any marriage of the person (by ``person_token``) on the archive's record, open, dissolved or
    ended by a death alike (the certificate of no marriage record is refused on it), if any; taken
    under the archive's lock, as ``open_historical_marriage``."""
    await uow.conn.execute("SELECT pg_advisory_xact_lock_shared($1)", ARCHIVE_LOCK)
    found = await uow.conn.fetchval(_ANY_HISTORICAL, token)
    return None if found is None else str(found)


ARCHIVE_LOCK = 0x7265_6769_6172_6368
"""The archive's advisory lock ('regiarch'): an import holds it exclusively for its transaction."""

_OPEN_HISTORICAL = """
SELECT record_id, spouse_token FROM registry_archive_person
WHERE person_token = $1 AND dissolved_on IS NULL ORDER BY registered_on DESC
"""

_ANY_HISTORICAL = "SELECT record_id FROM registry_archive_person WHERE person_token = $1 LIMIT 1"


async def _death_of(uow: UnitOfWork, token: str) -> death.DeathRecord:
    try:
        events = await uow.store.read_stream(f"death-{token}", conn=uow.conn)
    except StreamNotFoundError:
        return death.DeathRecord()
    return DEATH.fold(events)
