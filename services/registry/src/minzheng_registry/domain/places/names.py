"""The rule of place names (地名管理条例 2022, art. 4 and registry-rules §1): **one normalised name
is in force for at most one place of the scope on any date** — the validity intervals of one
normalised name never overlap. A homophone (same pinyin, tones ignored) on an overlapping interval
is a warning, never a refusal.

**Normalisation** (``normalise``): Unicode NFKC (full-width letters and digits become their
ordinary forms, compatibility characters fold), then every space, punctuation mark, symbol-like
separator (·, -, ., 、) and control character removed, then Latin letters case-folded. Chinese
characters are kept as written: a traditional and a simplified form are different texts (no
conversion table is applied). So ``人民 路``, ``人民路`` and ``人民路`` (full-width space) are one
name; ``人民路`` and ``人民街`` are two.

**Intervals** are half-open: ``[valid_from, valid_to)``, ``valid_to`` the first day the name is
no longer in force (``None``: open). Adjacent intervals (one ends the day the other starts) do not
overlap.

**The name index** (``placename-<hash of the normalised name>``) holds every claim of one
normalised name in the county: the place, its township (for a township-wide scope), its interval.
A unit that names or renames a place loads the index and appends to it in the same transaction as
the place, so two concurrent claims of one name conflict on the index's version and the retry
refuses the second (``name_in_use``, naming the interval). A sound index (``placesound-<hash of
the pinyin>``) holds the same claims by pronunciation, for the warning only.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from datetime import date

from minzheng_kernel.errors import Conflict, DomainError
from minzheng_kernel.events import DomainEvent, EventTypes

MAX_NAME = 50


def normalise(name: str) -> str:
    """The form in which two names are the same name (see the module's docstring)."""
    text = unicodedata.normalize("NFKC", name)
    kept = (ch for ch in text if unicodedata.category(ch)[0] not in "ZPC")
    return "".join(kept).casefold()


def checked_name(name: str, field: str = "name") -> str:
    """The name as written (outer spaces stripped), refused when nothing is left of it."""
    text = name.strip()
    if not normalise(text):
        raise DomainError("name_empty", "a place name needs at least one letter or character", field=field)
    if len(text) > MAX_NAME:
        raise DomainError("name_too_long", f"a place name has at most {MAX_NAME} characters", field=field)
    return text


@dataclass(frozen=True, slots=True)
class Interval:
    start: date
    end: date | None = None
    """The first day out of force; None: open."""

    def overlaps(self, other: Interval) -> bool:
        return (other.end is None or self.start < other.end) and (self.end is None or other.start < self.end)

    def contains(self, day: date) -> bool:
        return self.start <= day and (self.end is None or day < self.end)

    def __str__(self) -> str:
        return f"[{self.start.isoformat()}, {'open' if self.end is None else self.end.isoformat()})"


@dataclass(frozen=True, slots=True)
class NameClaimed(DomainEvent):
    """A place holds ``name`` on ``[valid_from, valid_to)`` (an index's entry)."""

    place_id: str
    name: str
    township: str
    valid_from: str
    valid_to: str | None = None


@dataclass(frozen=True, slots=True)
class NameClosed(DomainEvent):
    """The place's open claim ends: ``valid_to`` is its first day out of force."""

    place_id: str
    valid_to: str


@dataclass(frozen=True, slots=True)
class NameReleased(DomainEvent):
    """A proposal that never came into force (rejected): its open claim is withdrawn."""

    place_id: str


INDEX_EVENTS = EventTypes(NameClaimed, NameClosed, NameReleased)


@dataclass(frozen=True, slots=True)
class Claim:
    place_id: str
    name: str
    township: str
    interval: Interval


@dataclass(frozen=True, slots=True)
class NameIndex:
    claims: tuple[Claim, ...] = ()


def initial() -> NameIndex:
    return NameIndex()


def evolve(state: NameIndex, event: DomainEvent) -> NameIndex:
    if isinstance(event, NameClaimed):
        end = None if event.valid_to is None else date.fromisoformat(event.valid_to)
        claim = Claim(
            event.place_id, event.name, event.township, Interval(date.fromisoformat(event.valid_from), end)
        )
        return NameIndex((*state.claims, claim))
    if isinstance(event, NameClosed):
        end = date.fromisoformat(event.valid_to)
        return NameIndex(
            tuple(
                Claim(c.place_id, c.name, c.township, Interval(c.interval.start, end))
                if c.place_id == event.place_id and c.interval.end is None
                else c
                for c in state.claims
            )
        )
    if isinstance(event, NameReleased):
        return NameIndex(
            tuple(c for c in state.claims if not (c.place_id == event.place_id and c.interval.end is None))
        )
    return state


def in_scope(claim: Claim, township: str, township_scope: bool) -> bool:
    """County scope: every claim counts; township scope: only the same township's."""
    return not township_scope or claim.township == township


def claim(
    index: NameIndex,
    *,
    place_id: str,
    name: str,
    township: str,
    interval: Interval,
    township_scope: bool = False,
) -> list[DomainEvent]:
    """The claim of ``name`` for ``place_id`` on ``interval``; 409 ``name_in_use`` naming the
    interval of the claim it would overlap (any place's, of the scope)."""
    for other in index.claims:
        if in_scope(other, township, township_scope) and other.interval.overlaps(interval):
            raise Conflict(
                "name_in_use",
                f"{other.name} is in force on {other.interval} for place {other.place_id}; "
                f"it cannot also be named on {interval}",
                field="name",
            )
    end = None if interval.end is None else interval.end.isoformat()
    return [NameClaimed(place_id, name, township, interval.start.isoformat(), end)]


def homophones(
    sounds: NameIndex, *, name: str, township: str, interval: Interval, township_scope: bool = False
) -> list[str]:
    """The names of other claims that sound like ``name`` (the same pinyin index) on an
    overlapping interval but are written differently: a warning (应当避免同音)."""
    key = normalise(name)
    found = {
        c.name
        for c in sounds.claims
        if normalise(c.name) != key
        and in_scope(c, township, township_scope)
        and c.interval.overlaps(interval)
    }
    return sorted(found)
