"""What the burial area answers: folded from the streams through the store (``stream_ids``,
``read_stream``), so an answer is never behind a command. Bounded by the caller's division:
a cemetery is read by a caller whose division holds it, holds its location or one of its
service villages; an illegal burial case and a funeral by a caller whose division holds its
village. Lists are filtered, single reads refused (403)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import TypeVar

from minzheng_eventstore import Actor, RecordedEvent
from minzheng_eventstore.errors import StreamNotFoundError
from minzheng_eventstore.store import EventStore
from minzheng_eventstore.uow import Aggregate
from minzheng_kernel.errors import Forbidden, NotFound

from ...domain.burial import cemetery as c
from ...domain.burial import funeral as f
from ...domain.burial import illegal as i
from ...domain.burial import plot as pl
from ..people import DEATH
from .streams import (
    CEMETERY,
    FUNERAL,
    ILLEGAL_BURIAL,
    PLOT,
    cemetery_stream,
    funeral_stream,
    illegal_burial_stream,
    plot_stream,
)

S = TypeVar("S")


async def _events(store: EventStore, stream: str) -> list[RecordedEvent]:
    try:
        return await store.read_stream(stream)
    except StreamNotFoundError:
        return []


async def _fold(store: EventStore, aggregate: Aggregate[S], stream: str) -> S:
    return aggregate.fold(await _events(store, stream))


def _overlaps(actor: Actor, code: str) -> bool:
    division = actor.jurisdiction
    return division is None or code.startswith(division) or division.startswith(code)


def _reaches(actor: Actor, state: c.Cemetery) -> bool:
    return _overlaps(actor, state.location) or any(_overlaps(actor, v) for v in state.villages)


async def cemeteries(
    store: EventStore, actor: Actor, *, kind: str | None, village: str | None
) -> list[c.Cemetery]:
    found = []
    for stream in await store.stream_ids("cemetery-", stream_type=CEMETERY.stream_type):
        state = CEMETERY.fold(await store.read_stream(stream))
        if not _reaches(actor, state) or (kind is not None and state.kind != kind):
            continue
        if village is not None and not state.serves(village):
            continue
        found.append(state)
    return sorted(found, key=lambda s: (s.approved_on, s.name))


async def cemetery(store: EventStore, actor: Actor, cemetery_id: str) -> c.Cemetery:
    state = await _fold(store, CEMETERY, cemetery_stream(cemetery_id))
    if not state.exists:
        raise NotFound("unknown_cemetery", f"no cemetery {cemetery_id}", field="cemetery_id")
    if not _reaches(actor, state):
        raise Forbidden(
            "outside_jurisdiction", "the cemetery is outside the caller's division", field="cemetery_id"
        )
    return state


@dataclass(frozen=True, slots=True)
class PlotView:
    plot: str
    spec: c.PlotSpec
    state: str
    positions: dict[int, pl.Position]


async def plots(store: EventStore, actor: Actor, cemetery_id: str, *, state: str | None) -> list[PlotView]:
    where = await cemetery(store, actor, cemetery_id)
    used = set(await store.stream_ids(plot_stream(cemetery_id, ""), stream_type=PLOT.stream_type))
    views = []
    for number, spec in sorted(where.plots.items()):
        stream = plot_stream(cemetery_id, number)
        folded = PLOT.fold(await store.read_stream(stream)) if stream in used else pl.Plot()
        view = PlotView(number, spec, folded.state(spec.positions), folded.positions)
        if state is None or view.state == state:
            views.append(view)
    return views


async def plot(store: EventStore, actor: Actor, cemetery_id: str, number: str) -> PlotView:
    """One plot of the cemetery (one stream read, not the whole cemetery's); 404 ``unknown_plot``."""
    where = await cemetery(store, actor, cemetery_id)
    spec = where.plots.get(number)
    if spec is None:
        raise NotFound("unknown_plot", f"no plot {number} in this cemetery", field="plot")
    folded = await _fold(store, PLOT, plot_stream(cemetery_id, number))
    return PlotView(number, spec, folded.state(spec.positions), folded.positions)


async def illegal_burials(store: EventStore, actor: Actor, *, state: str | None) -> list[i.IllegalBurialCase]:
    found = []
    for stream in await store.stream_ids("illegal-burial-", stream_type=ILLEGAL_BURIAL.stream_type):
        case = ILLEGAL_BURIAL.fold(await store.read_stream(stream))
        if actor.within(case.village) and (state is None or case.state == state):
            found.append(case)
    return sorted(found, key=lambda s: (s.found_on, s.case_id or ""))


async def illegal_burial(store: EventStore, actor: Actor, case_id: str) -> i.IllegalBurialCase:
    case = await _fold(store, ILLEGAL_BURIAL, illegal_burial_stream(case_id))
    if case.case_id is None:
        raise NotFound("unknown_case", f"no illegal burial case {case_id}", field="case_id")
    actor.require_within(case.village, "case_id")
    return case


@dataclass(frozen=True, slots=True)
class FuneralView:
    case: f.FuneralCase
    deceased: str | None


async def funeral(store: EventStore, actor: Actor, registration_id: str) -> FuneralView:
    events = await _events(store, funeral_stream(registration_id))
    if not events:
        raise NotFound(
            "unknown_funeral", f"no funeral recorded for death {registration_id}", field="registration_id"
        )
    case = FUNERAL.fold(events)
    deceased = next((e.data.get("deceased") for e in events if e.event_type == "CremationRecorded"), None)
    actor.require_within(case.residence or "", "registration_id")
    return FuneralView(case, deceased)


@dataclass(frozen=True, slots=True)
class CremationRate:
    """火化率 of an area over a period: of the registered deaths (not revoked) of its residents
    with a date of death in the period, how many were cremated, how many buried uncremated."""

    deaths: int
    cremated: int
    buried: int

    @property
    def rate(self) -> float | None:
        return None if self.deaths == 0 else self.cremated / self.deaths


async def cremation_rate(store: EventStore, *, division: str, start: date, end: date) -> CremationRate:
    deaths = cremated = buried = 0
    for stream in await store.stream_ids("death-", stream_type=DEATH.stream_type):
        record = DEATH.fold(await store.read_stream(stream))
        if not record.is_dead or record.residence is None or not record.residence.startswith(division):
            continue
        if record.date_of_death is None or not start <= record.date_of_death <= end:
            continue
        deaths += 1
        assert record.registration_id is not None
        case = await _fold(store, FUNERAL, funeral_stream(record.registration_id))
        cremated += case.cremated_on is not None
        buried += case.buried is not None
    return CremationRate(deaths, cremated, buried)
