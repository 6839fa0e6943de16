"""A marriage registration and an archive import of the same person at the same moment: the
registration waits for the import's transaction (the archive's lock, shared by the monogamy check)
and then sees its record, so the live register and the archive never both show the person married
without one having seen the other."""

from __future__ import annotations

import asyncio
import uuid
from datetime import date
from typing import TYPE_CHECKING

from minzheng_contracts import make_resident_id
from minzheng_eventstore.testing import refused
from minzheng_registry.application.people import ARCHIVE_LOCK, person_token

if TYPE_CHECKING:
    from conftest import Running


async def test_a_registration_waits_for_an_import_in_flight_and_sees_its_record(registry: Running) -> None:
    man = make_resident_id("330727", date(1950, 3, 3), 11)
    wife_then = make_resident_id("330727", date(1952, 4, 4), 22)
    bride = make_resident_id("330727", date(1960, 1, 5), 44)
    pseudonyms = registry.service.context().pseudonyms
    async with registry.service.host.store.pool.acquire() as conn:
        importing = conn.transaction()
        await importing.start()
        await conn.execute("SELECT pg_advisory_xact_lock($1)", ARCHIVE_LOCK)  # as an import does
        await conn.execute(
            "INSERT INTO registry_archive_person (person_token, record_id, spouse_token, registered_on) "
            "VALUES ($1, $2, $3, $4)",
            person_token(pseudonyms, man),
            uuid.uuid4(),
            person_token(pseudonyms, wife_then),
            date(1975, 5, 1),
        )
        body = {"party_a": man.reveal(), "party_b": bride.reveal(), "office": "330727", "both_present": True}
        registering = asyncio.create_task(registry.post("/marriages", body))
        await asyncio.sleep(0.5)
        assert not registering.done(), "the registration must wait for the import's transaction"
        await importing.commit()
    refused(await registering, 409, "already_married", "party_a")
