"""A county's statistical return (统计报表), pure: the figures a return states, each total checked
against its breakdown. A mismatch is flagged, never refused: the catalogue's own figures do not
always add up, and a return is a record of what was stated (eldercare-rules, "Fixture figures")."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from minzheng_kernel.errors import Conflict
from minzheng_kernel.events import DomainEvent, EventTypes

CHECKS: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    ("institutions_by_outcome", "institutions", ("rectified", "closed", "in_progress")),
    ("hazards_by_sector", "hazards", ("hazards_public", "hazards_private")),
    ("hazards_by_status", "hazards", ("hazards_fixed", "hazards_in_progress")),
    ("subsidies_by_type", "subsidies_fen", ("construction_fen", "operating_fen", "meals_fen")),
    ("centres_by_age", "centres", ("centres_new", "centres_earlier")),
)
"""(check, total, its parts): each total of a return against the parts that should add up to it."""

FIGURES: tuple[str, ...] = tuple(
    dict.fromkeys(name for _, total, parts in CHECKS for name in (total, *parts))
)
"""Every figure a return may state (each optional: a check runs only when all of its are stated)."""


@dataclass(frozen=True, slots=True)
class Mismatch:
    """A total that does not equal the sum of its breakdown (合计与分项不符)."""

    check: str
    total: str
    stated: int
    parts_sum: int


def mismatches(figures: dict[str, int]) -> list[Mismatch]:
    """The checks of ``figures`` whose total is not the sum of its parts, in ``CHECKS`` order."""
    out = []
    for check, total, parts in CHECKS:
        if total in figures and all(p in figures for p in parts):
            parts_sum = sum(figures[p] for p in parts)
            if parts_sum != figures[total]:
                out.append(Mismatch(check, total, figures[total], parts_sum))
    return out


@dataclass(frozen=True, slots=True)
class StatisticalReturnImported(DomainEvent):
    """A return imported (报表导入), with the checks it fails (``flags``: check names)."""

    return_id: str
    jurisdiction: str
    as_of: str
    source: str
    figures: dict[str, int]
    flags: list[str]


@dataclass(frozen=True, slots=True)
class ElderlyPopulationPosted(DomainEvent):
    """The elderly population (老年人口, aged 60 or more) of a township, posted by the bureau from
    the statistics office, in force from ``effective_from`` until the next posting."""

    township: str
    effective_from: str
    population: int
    source: str


REPORT_EVENTS = EventTypes(StatisticalReturnImported, ElderlyPopulationPosted)


@dataclass(frozen=True, slots=True)
class StatisticalReturn:
    return_id: str | None = None
    imported: StatisticalReturnImported | None = None

    @property
    def exists(self) -> bool:
        return self.return_id is not None


def evolve(state: StatisticalReturn, event: DomainEvent) -> StatisticalReturn:
    if isinstance(event, StatisticalReturnImported):
        return StatisticalReturn(event.return_id, event)
    return state


def import_return(
    state: StatisticalReturn,
    *,
    return_id: str,
    jurisdiction: str,
    as_of: date,
    source: str,
    figures: dict[str, int],
) -> list[DomainEvent]:
    """The return recorded with its flags; the same return again records nothing, another one
    under the same id is 409 ``return_exists``."""
    fact = StatisticalReturnImported(
        return_id=return_id,
        jurisdiction=jurisdiction,
        as_of=as_of.isoformat(),
        source=source,
        figures=dict(sorted(figures.items())),
        flags=[m.check for m in mismatches(figures)],
    )
    if state.imported is not None:
        if state.imported == fact:
            return []
        raise Conflict("return_exists", "another return was imported under this id")
    return [fact]


@dataclass(frozen=True, slots=True)
class Population:
    township: str | None = None
    postings: tuple[ElderlyPopulationPosted, ...] = ()


def evolve_population(state: Population, event: DomainEvent) -> Population:
    if isinstance(event, ElderlyPopulationPosted):
        return Population(event.township, (*state.postings, event))
    return state


def post_population(
    state: Population, *, township: str, effective_from: date, population: int, source: str
) -> list[DomainEvent]:
    """A posting; the same figure from the same day again records nothing, another figure from a
    day already posted is 409 ``population_posted``."""
    fact = ElderlyPopulationPosted(township, effective_from.isoformat(), population, source)
    for earlier in state.postings:
        if earlier.effective_from == fact.effective_from:
            if earlier == fact:
                return []
            raise Conflict("population_posted", "a population is posted from this day already")
    return [fact]
