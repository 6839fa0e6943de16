"""The service's kinds of stream: their store type, typed events and fold; stream names; ids."""

from __future__ import annotations

import uuid

from minzheng_eventstore.pseudonym import Pseudonyms
from minzheng_eventstore.uow import Aggregate

from ..domain import events as ev
from ..domain import household as hh
from ..domain import other_aid as aid

NAMESPACE = uuid.UUID("7c1d5e52-8d44-4b8e-9a57-3c6f2d1e0a11")
"""Of the payment ids (``payment/<case>/<period>``): never change it, payments are found by it."""
HOUSEHOLD_GROUP = "dibao"
TEKUN_GROUP = "tekun"

HOUSEHOLD: Aggregate[hh.Household] = Aggregate("household", ev.HOUSEHOLD_EVENTS, hh.Household, hh.evolve)
TEKUN: Aggregate[aid.TekunSupport] = Aggregate("tekun", ev.TEKUN_EVENTS, aid.TekunSupport, aid.evolve_tekun)
MEDICAL: Aggregate[aid.MedicalYear] = Aggregate(
    "medical", ev.MEDICAL_EVENTS, aid.MedicalYear, aid.evolve_medical
)
TEMPORARY: Aggregate[ev.TemporaryAidGranted | None] = Aggregate(
    "temporary_aid", ev.TEMPORARY_EVENTS, lambda: None, aid.evolve_temporary
)
MEDICAL_PURPOSE = "medical-stream"
"""Of the pseudonym in a medical stream's id: the person, never their resident ID (store errors,
logs and metrics name stream ids)."""


def household_stream(household_id: uuid.UUID | str) -> str:
    return f"household-{household_id}"


def tekun_stream(case_id: uuid.UUID | str) -> str:
    return f"tekun-{case_id}"


def temporary_stream(grant_id: uuid.UUID | str) -> str:
    return f"temporary-{grant_id}"


def medical_stream(pseudonyms: Pseudonyms, beneficiary: str, year: int) -> str:
    """One person's medical aid in one year: ``medical-<keyed pseudonym>-<year>``."""
    return f"medical-{pseudonyms.token(MEDICAL_PURPOSE, beneficiary)}-{year}"
