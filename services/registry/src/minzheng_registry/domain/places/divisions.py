"""The county's divisions (行政区划, GB/T 2260 and its township/village extension): townships
(乡镇街道, 9 digits) and villages (村社区, 12 digits), each with its name history and its validity
(established ``valid_from``, abolished from ``valid_to``: the first day it no longer exists).

All the divisions of a county are one aggregate (``divisions-<county>``): there are a few hundred,
they change rarely, and the rules span them (a village's township must exist on its first day; a
township is not abolished while one of its villages lives on), so one stream keeps every rule
consistent under concurrency without a guard table. The county itself is implied (its code is the
service's county) and is not recorded.

Every event carries the division's whole state after it, so that its publication
(``DivisionRecorded``) needs nothing but the event.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date

from minzheng_kernel.errors import Conflict, DomainError, NotFound
from minzheng_kernel.events import DomainEvent, EventTypes

LEVELS = {9: "township", 12: "village"}


@dataclass(frozen=True, slots=True)
class DivisionFacts(DomainEvent):
    """The division's state after the change (the base of every division event)."""

    code: str
    name: str
    level: str
    parent: str
    valid_from: str
    valid_to: str | None


@dataclass(frozen=True, slots=True)
class DivisionEstablished(DivisionFacts):
    """A township or village recorded (设立), in force from ``valid_from``."""


@dataclass(frozen=True, slots=True)
class DivisionRenamed(DivisionFacts):
    """A division renamed (更名) from ``renamed_on``."""

    former_name: str = ""
    renamed_on: str = ""


@dataclass(frozen=True, slots=True)
class DivisionAbolished(DivisionFacts):
    """A division abolished (撤销): ``valid_to`` is its first day out of existence."""


@dataclass(frozen=True, slots=True)
class DivisionRestated(DivisionFacts):
    """A division's current state stated again (for a new consumer); nothing changes."""


DIVISION_EVENTS = EventTypes(DivisionEstablished, DivisionRenamed, DivisionAbolished, DivisionRestated)


@dataclass(frozen=True, slots=True)
class Division:
    code: str
    level: str
    parent: str
    valid_from: date
    valid_to: date | None
    names: tuple[tuple[date, str], ...]
    """(from, name), oldest first: the name on a day is the last one starting on or before it."""

    @property
    def name(self) -> str:
        return self.names[-1][1]

    def name_on(self, day: date) -> str:
        current = self.names[0][1]
        for start, name in self.names:
            if start <= day:
                current = name
        return current

    def in_force(self, day: date) -> bool:
        return self.valid_from <= day and (self.valid_to is None or day < self.valid_to)

    def facts(self) -> dict[str, str | None]:
        return {
            "code": self.code,
            "name": self.name,
            "level": self.level,
            "parent": self.parent,
            "valid_from": self.valid_from.isoformat(),
            "valid_to": None if self.valid_to is None else self.valid_to.isoformat(),
        }


@dataclass(frozen=True, slots=True)
class Divisions:
    """Every division recorded in the county, by code."""

    by_code: dict[str, Division]

    def get(self, code: str) -> Division | None:
        return self.by_code.get(code)

    def require(self, code: str, field: str = "code") -> Division:
        division = self.by_code.get(code)
        if division is None:
            raise NotFound("division_not_found", f"division {code} is not recorded", field=field)
        return division

    def listed(
        self, *, on: date | None, level: str | None = None, parent: str | None = None
    ) -> list[Division]:
        """The divisions in force on ``on`` (every one when ``on`` is None), by code."""
        return [
            d
            for code, d in sorted(self.by_code.items())
            if (on is None or d.in_force(on))
            and (level is None or d.level == level)
            and (parent is None or d.parent == parent)
        ]


def initial() -> Divisions:
    return Divisions({})


def evolve(state: Divisions, event: DivisionFacts) -> Divisions:
    valid_from = date.fromisoformat(event.valid_from)
    valid_to = None if event.valid_to is None else date.fromisoformat(event.valid_to)
    known = state.by_code.get(event.code)
    if known is None:
        division = Division(
            event.code, event.level, event.parent, valid_from, valid_to, ((valid_from, event.name),)
        )
    elif isinstance(event, DivisionRenamed):
        names = (*known.names, (date.fromisoformat(event.renamed_on), event.name))
        division = replace(known, names=names, valid_to=valid_to)
    else:
        division = replace(known, valid_to=valid_to)
    return Divisions({**state.by_code, event.code: division})


def _check_name(name: str) -> str:
    text = name.strip()
    if not text:
        raise DomainError("name_empty", "a division needs a name", field="name")
    return text


def establish(
    state: Divisions, *, county: str, code: str, name: str, valid_from: date
) -> list[DivisionFacts]:
    """Record a township (9 digits) or a village (12 digits) of ``county``: its level from the
    code's length, its parent from the prefix (the county, or a township recorded and in force on
    ``valid_from``). 409 ``division_exists`` for a code recorded before (even abolished: a code is
    never reused)."""
    level = LEVELS.get(len(code))
    if level is None or not code.isdigit():
        raise DomainError("division_level", "a township has 9 digits, a village 12", field="code")
    if not code.startswith(county):
        raise DomainError("outside_county", f"{code} is not within county {county}", field="code")
    if code in state.by_code:
        raise Conflict("division_exists", f"division {code} is already recorded", field="code")
    parent = code[:9] if level == "village" else county
    if level == "village":
        township = state.by_code.get(parent)
        if township is None:
            raise DomainError("parent_not_found", f"township {parent} is not recorded", field="code")
        if not township.in_force(valid_from):
            raise DomainError(
                "parent_not_in_force", f"township {parent} does not exist on {valid_from}", field="valid_from"
            )
    return [DivisionEstablished(code, _check_name(name), level, parent, valid_from.isoformat(), None)]


def rename(state: Divisions, *, code: str, name: str, on: date) -> list[DivisionFacts]:
    """Rename a division from ``on`` (not before its last name's first day, not once abolished)."""
    division = state.require(code)
    text = _check_name(name)
    if text == division.name:
        raise Conflict("same_name", f"{code} is already called so", field="name")
    if on <= division.names[-1][0]:
        raise DomainError(
            "rename_before_last_name",
            f"{code} has its name since {division.names[-1][0]}",
            field="renamed_on",
        )
    if division.valid_to is not None and on >= division.valid_to:
        raise Conflict(
            "division_abolished", f"{code} is abolished from {division.valid_to}", field="renamed_on"
        )
    after = replace(division, names=(*division.names, (on, text)))
    return [DivisionRenamed(**after.facts(), former_name=division.name, renamed_on=on.isoformat())]  # type: ignore[arg-type]


def abolish(state: Divisions, *, code: str, valid_to: date) -> list[DivisionFacts]:
    """Abolish a division from ``valid_to`` (after its first day); a township only once none of
    its villages exists on or after that day (409 ``division_has_villages``)."""
    division = state.require(code)
    if division.valid_to is not None:
        raise Conflict("division_abolished", f"{code} is abolished from {division.valid_to}", field="code")
    if valid_to <= division.valid_from:
        raise DomainError(
            "valid_to_not_after_valid_from", f"{code} exists from {division.valid_from}", field="valid_to"
        )
    living = [
        d.code
        for d in state.by_code.values()
        if d.parent == code and (d.valid_to is None or d.valid_to > valid_to)
    ]
    if living:
        raise Conflict(
            "division_has_villages",
            f"{code} still has {len(living)} villages on {valid_to} (first {sorted(living)[0]})",
            field="valid_to",
        )
    after = replace(division, valid_to=valid_to)
    return [DivisionAbolished(**after.facts())]  # type: ignore[arg-type]


def restate(state: Divisions) -> list[DivisionFacts]:
    """Every division's current state, townships first (a consumer meets a parent first)."""
    ordered = sorted(state.by_code.values(), key=lambda d: (len(d.code), d.code))
    return [DivisionRestated(**d.facts()) for d in ordered]  # type: ignore[arg-type]
