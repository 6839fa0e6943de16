"""The name indexes of a unit that names or renames a place: which streams, which scope, the
pinyin key of the homophone warning (pypinyin, kept out of the pure domain)."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date

from pypinyin import Style, lazy_pinyin

from minzheng_eventstore import Aggregate
from minzheng_eventstore.uow import UnitOfWork
from minzheng_kernel.errors import DomainError

from ...domain.configuration import Parameter
from ...domain.places import names as n
from ..configuration import standards_table

NAME_INDEX = Aggregate("placename", n.INDEX_EVENTS, n.initial, n.evolve)
SOUND_INDEX = Aggregate("placesound", n.INDEX_EVENTS, n.initial, n.evolve)


def pinyin_key(name: str) -> str:
    """The name's sound: its normalised text in pinyin without tones (同音), syllables joined."""
    return " ".join(lazy_pinyin(n.normalise(name), style=Style.NORMAL))


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:32]


def name_stream(name: str) -> str:
    """``placename-<hash of the normalised name>``: one per name in the county."""
    return f"placename-{_digest(n.normalise(name))}"


def sound_stream(name: str) -> str:
    return f"placesound-{_digest(pinyin_key(name))}"


@dataclass(frozen=True, slots=True)
class Scope:
    township_scope: bool
    standard_id: str | None
    """The standard that set it (None: no standard, the county by default)."""


async def scope(uow: UnitOfWork, place: str, on: date) -> Scope:
    """The uniqueness scope in force for ``place`` on ``on``: the county unless a
    ``place_name_uniqueness_scope`` standard of 1 says the township."""
    table = await standards_table(uow)
    try:
        standard = table.in_force(Parameter.PLACE_NAME_UNIQUENESS_SCOPE.value, place, on)
    except DomainError:
        return Scope(False, None)
    return Scope(standard.value == 1, standard.standard_id)


async def claim(
    uow: UnitOfWork, *, place_id: str, name: str, township: str, interval: n.Interval, scope: Scope
) -> list[str]:
    """Claim ``name`` on ``interval`` in both indexes (refused ``name_in_use`` on an overlap of the
    scope); the homophones found (a warning)."""
    index_stream = name_stream(name)
    index = await uow.load(NAME_INDEX, index_stream)
    facts = n.claim(
        index,
        place_id=place_id,
        name=name,
        township=township,
        interval=interval,
        township_scope=scope.township_scope,
    )
    await uow.record(NAME_INDEX, index_stream, facts)
    sounds_stream = sound_stream(name)
    sounds = await uow.load(SOUND_INDEX, sounds_stream)
    found = n.homophones(
        sounds, name=name, township=township, interval=interval, township_scope=scope.township_scope
    )
    await uow.record(SOUND_INDEX, sounds_stream, facts)
    return found


async def close(uow: UnitOfWork, *, place_id: str, name: str, end: date) -> None:
    """End the place's open claim of ``name`` at ``end`` in both indexes."""
    for aggregate, stream in ((NAME_INDEX, name_stream(name)), (SOUND_INDEX, sound_stream(name))):
        await uow.load(aggregate, stream)
        await uow.record(aggregate, stream, [n.NameClosed(place_id, end.isoformat())])


async def release(uow: UnitOfWork, *, place_id: str, name: str) -> None:
    """Withdraw a rejected proposal's claim from both indexes."""
    for aggregate, stream in ((NAME_INDEX, name_stream(name)), (SOUND_INDEX, sound_stream(name))):
        await uow.load(aggregate, stream)
        await uow.record(aggregate, stream, [n.NameReleased(place_id)])
