"""Cemeteries (公墓) and their plots (墓穴), pure.

A cemetery is approved (``CemeteryApproved``) as 公益性 (``public_interest``: serves only the
residents of its listed villages) or 经营性 (``commercial``). Its plots are created in numbered
runs (``PlotsCreated``: section ``A``, numbers 1..20 → ``A-001``..``A-020``) of one type, area and
number of positions; the area may not exceed the limit in force on the day (民事发〔1998〕10号:
ashes ≤ 1 m², body single ≤ 4 m², body double ≤ 6 m²; standards in dm²).

A plot (one stream per plot) has 1 or 2 positions (穴位). A position is assigned at most once, only
to a deceased person with a registered death, of the service area for a 公益性 cemetery; no resale
(a position is never assigned again). The use period (使用周期, 20 years) runs from assignment; it
expires (``PlotUseExpired``) and is renewed (``PlotUseRenewed``) for a new period.

**Keeping the second position for the surviving spouse** (``plot_keep_for_spouse`` = 1, [assume]):
once one position of a double plot is assigned, the other is held for the spouse of the first
deceased: it is assigned only when the registrar attests that the deceased is that spouse
(``spouse_of_first``); otherwise 409 ``position_kept_for_spouse``. With 0 the second position is
open to any eligible deceased.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date
from enum import StrEnum

from minzheng_kernel.errors import Conflict, DomainError, NotFound
from minzheng_kernel.events import DomainEvent, EventTypes
from minzheng_kernel.standards import StandardsTable

from ..configuration import Parameter

MAX_RUN = 500
"""Plots created by one command."""
MAX_NUMBER = 99_999
"""The highest plot number in a section (five digits)."""


class CemeteryKind(StrEnum):
    PUBLIC_INTEREST = "public_interest"  # 公益性公墓: for the listed villages' residents
    COMMERCIAL = "commercial"  # 经营性公墓


class PlotType(StrEnum):
    ASHES_SINGLE = "ashes_single"  # 骨灰单穴
    ASHES_DOUBLE = "ashes_double"  # 骨灰双穴
    BODY_SINGLE = "body_single"  # 遗体单人墓穴 (土葬改革区外)
    BODY_DOUBLE = "body_double"  # 遗体双人合葬墓穴

    @property
    def area_limit(self) -> Parameter:
        return _LIMIT[self]


_LIMIT = {
    PlotType.ASHES_SINGLE: Parameter.PLOT_AREA_MAX_ASHES,
    PlotType.ASHES_DOUBLE: Parameter.PLOT_AREA_MAX_ASHES,
    PlotType.BODY_SINGLE: Parameter.PLOT_AREA_MAX_BODY_SINGLE,
    PlotType.BODY_DOUBLE: Parameter.PLOT_AREA_MAX_BODY_DOUBLE,
}


def plot_number(section: str, n: int) -> str:
    return f"{section}-{n:03d}"


# --------------------------------------------------------------------------------------- events


@dataclass(frozen=True, slots=True)
class CemeteryApproved(DomainEvent):
    """A cemetery approved (公墓审批) by the county."""

    cemetery_id: str
    name: str
    kind: str
    location: str
    """The township or village code where it lies (its jurisdiction)."""
    villages: list[str]
    """For a 公益性 cemetery: the 12-digit codes of the villages it serves."""
    approved_on: str
    document: str


@dataclass(frozen=True, slots=True)
class PlotsCreated(DomainEvent):
    """A run of plots laid out (墓穴建设): ``section``-``first`` … ``section``-``first+count-1``."""

    cemetery_id: str
    section: str
    first: int
    count: int
    plot_type: str
    area_dm2: int
    positions: int
    standard_id: str
    """The area limit in force on ``created_on``."""
    created_on: str


@dataclass(frozen=True, slots=True)
class PlotAssigned(DomainEvent):
    """A position of a plot assigned to a deceased person (墓穴安葬权分配): once, never resold."""

    cemetery_id: str
    plot: str
    position: int
    registration_id: str
    """The death registration of the deceased."""
    deceased: str
    residence: str
    assigned_on: str
    use_until: str
    """The first day after the use period (the anniversary of ``assigned_on``)."""
    standard_id: str
    """``plot_use_years`` in force on ``assigned_on``."""
    spouse_of_first: bool = False


@dataclass(frozen=True, slots=True)
class IntermentRecorded(DomainEvent):
    """The ashes or body laid in the position (安葬)."""

    cemetery_id: str
    plot: str
    position: int
    registration_id: str
    interred_on: str


@dataclass(frozen=True, slots=True)
class PlotUseExpired(DomainEvent):
    """The use period of a position ended (使用期满): raised once per period by its deadline."""

    cemetery_id: str
    plot: str
    position: int
    period: int
    expired_on: str


@dataclass(frozen=True, slots=True)
class PlotUseRenewed(DomainEvent):
    """A new use period (续期): ``period`` counts from 1 (the assignment's)."""

    cemetery_id: str
    plot: str
    position: int
    period: int
    renewed_on: str
    use_from: str
    use_until: str
    standard_id: str


@dataclass(frozen=True, slots=True)
class PlotUseReclaimed(DomainEvent):
    """An expired position taken back by the cemetery (收回), not renewed: never assigned again
    (no resale), and no more renewal."""

    cemetery_id: str
    plot: str
    position: int
    reclaimed_on: str
    reason: str


CEMETERY_EVENTS = EventTypes(CemeteryApproved, PlotsCreated)
PLOT_EVENTS = EventTypes(PlotAssigned, IntermentRecorded, PlotUseExpired, PlotUseRenewed, PlotUseReclaimed)


# --------------------------------------------------------------------------------------- states


@dataclass(frozen=True, slots=True)
class PlotSpec:
    plot_type: str
    area_dm2: int
    positions: int


@dataclass(frozen=True, slots=True)
class Cemetery:
    cemetery_id: str | None = None
    name: str = ""
    kind: str = ""
    location: str = ""
    villages: tuple[str, ...] = ()
    approved_on: str = ""
    plots: dict[str, PlotSpec] = field(default_factory=dict)

    @property
    def exists(self) -> bool:
        return self.cemetery_id is not None

    def serves(self, village: str) -> bool:
        return self.kind != CemeteryKind.PUBLIC_INTEREST or village in self.villages


def evolve_cemetery(state: Cemetery, event: DomainEvent) -> Cemetery:
    match event:
        case CemeteryApproved():
            return Cemetery(
                event.cemetery_id,
                event.name,
                event.kind,
                event.location,
                tuple(event.villages),
                event.approved_on,
            )
        case PlotsCreated():
            spec = PlotSpec(event.plot_type, event.area_dm2, event.positions)
            added = {
                plot_number(event.section, n): spec for n in range(event.first, event.first + event.count)
            }
            return replace(state, plots={**state.plots, **added})
    return state


@dataclass(frozen=True, slots=True)
class Position:
    """One position of a plot: assigned (to a death registration), interred, its use period."""

    registration_id: str
    deceased: str
    assigned_on: str
    use_until: str
    period: int = 1
    interred_on: str | None = None
    expired: bool = False
    reclaimed: bool = False


@dataclass(frozen=True, slots=True)
class Plot:
    positions: dict[int, Position] = field(default_factory=dict)

    def state(self, capacity: int) -> str:
        """available | assigned | interred | use_expired | reclaimed (the plot's most advanced
        position)."""
        if not self.positions:
            return "available"
        if any(p.reclaimed for p in self.positions.values()):
            return "reclaimed"
        if any(p.expired for p in self.positions.values()):
            return "use_expired"
        if len(self.positions) < capacity:
            return "assigned" if all(p.interred_on is None for p in self.positions.values()) else "interred"
        return "interred" if all(p.interred_on for p in self.positions.values()) else "assigned"


def evolve_plot(state: Plot, event: DomainEvent) -> Plot:
    match event:
        case PlotAssigned():
            pos = Position(event.registration_id, event.deceased, event.assigned_on, event.use_until)
            return Plot({**state.positions, event.position: pos})
        case IntermentRecorded():
            p = state.positions[event.position]
            return Plot({**state.positions, event.position: replace(p, interred_on=event.interred_on)})
        case PlotUseExpired():
            p = state.positions[event.position]
            return Plot({**state.positions, event.position: replace(p, expired=True)})
        case PlotUseRenewed():
            p = state.positions[event.position]
            renewed = replace(p, period=event.period, use_until=event.use_until, expired=False)
            return Plot({**state.positions, event.position: renewed})
        case PlotUseReclaimed():
            p = state.positions[event.position]
            return Plot({**state.positions, event.position: replace(p, reclaimed=True)})
    return state


# ------------------------------------------------------------------------------------ decisions


def approve(
    state: Cemetery,
    *,
    cemetery_id: str,
    name: str,
    kind: CemeteryKind,
    location: str,
    villages: list[str],
    county: str,
    approved_on: date,
    document: str,
) -> list[DomainEvent]:
    if state.exists:
        raise Conflict("cemetery_exists", f"cemetery {cemetery_id} is already approved", field="cemetery_id")
    if not location.startswith(county) or len(location) not in (9, 12):
        raise DomainError(
            "outside_county", f"the location must be a township or village of {county}", field="location"
        )
    for village in villages:
        if len(village) != 12 or not village.startswith(county):
            raise DomainError(
                "invalid_service_village", f"{village} is not a village of county {county}", field="villages"
            )
    if len(set(villages)) != len(villages):
        raise DomainError("duplicate_village", "a village is listed twice", field="villages")
    if kind is CemeteryKind.PUBLIC_INTEREST and not villages:
        raise DomainError(
            "service_villages_required", "a 公益性 cemetery lists the villages it serves", field="villages"
        )
    if kind is CemeteryKind.COMMERCIAL and villages:
        raise DomainError(
            "service_villages_not_allowed", "a 经营性 cemetery has no service villages", field="villages"
        )
    return [
        CemeteryApproved(
            cemetery_id, name, kind.value, location, sorted(villages), approved_on.isoformat(), document
        )
    ]


def create_plots(
    state: Cemetery,
    standards: StandardsTable,
    *,
    section: str,
    first: int,
    count: int,
    plot_type: PlotType,
    area_dm2: int,
    positions: int,
    on: date,
) -> list[DomainEvent]:
    if not state.exists:
        raise NotFound("unknown_cemetery", "no such cemetery", field="cemetery_id")
    if not 1 <= count <= MAX_RUN or first < 1 or first + count - 1 > MAX_NUMBER:
        raise DomainError("invalid_run", f"1..{MAX_RUN} plots numbered from 1 to {MAX_NUMBER}", field="count")
    expected = 2 if plot_type in (PlotType.ASHES_DOUBLE, PlotType.BODY_DOUBLE) else 1
    if positions != expected:
        raise DomainError(
            "positions_do_not_match_type",
            f"a {plot_type.value} plot has {expected} position(s)",
            field="positions",
        )
    limit = standards.in_force(plot_type.area_limit.value, state.location, on)
    if area_dm2 > limit.value:
        raise DomainError(
            "plot_area_over_limit",
            f"{area_dm2} dm² is over the {limit.value} dm² limit in force ({limit.standard_id})",
            field="area_dm2",
        )
    taken = [
        plot_number(section, n) for n in range(first, first + count) if plot_number(section, n) in state.plots
    ]
    if taken:
        raise Conflict("plots_exist", f"plot {taken[0]} already exists", field="first")
    return [
        PlotsCreated(
            state.cemetery_id or "",
            section,
            first,
            count,
            plot_type.value,
            area_dm2,
            positions,
            limit.standard_id,
            on.isoformat(),
        )
    ]


def anniversary(day: date, years: int) -> date:
    """The same day ``years`` later (29 Feb → 28 Feb in a common year, Civil Code art. 202)."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


@dataclass(frozen=True, slots=True)
class Deceased:
    """What the assignment needs of the death registration (``application/people.registered_death``)."""

    registration_id: str
    deceased: str
    residence: str


def assign(
    cemetery: Cemetery,
    plot: Plot,
    standards: StandardsTable,
    *,
    plot_no: str,
    position: int,
    deceased: Deceased | None,
    spouse_of_first: bool,
    on: date,
) -> list[DomainEvent]:
    """Assign ``position`` of the plot to a registered deceased of the service area."""
    if not cemetery.exists:
        raise NotFound("unknown_cemetery", "no such cemetery", field="cemetery_id")
    spec = cemetery.plots.get(plot_no)
    if spec is None:
        raise NotFound("unknown_plot", f"no plot {plot_no} in this cemetery", field="plot")
    if not 1 <= position <= spec.positions:
        raise DomainError(
            "invalid_position", f"plot {plot_no} has {spec.positions} position(s)", field="position"
        )
    if deceased is None:
        raise DomainError(
            "not_deceased", "a plot is assigned only to a person whose death is registered", field="deceased"
        )
    if not cemetery.serves(deceased.residence):
        raise DomainError(
            "outside_service_area",
            "the deceased's residence is not a village this 公益性 cemetery serves",
            field="deceased",
        )
    if position in plot.positions:
        raise Conflict(
            "position_taken", f"position {position} of plot {plot_no} is assigned", field="position"
        )
    keep = standards.value_or(Parameter.PLOT_KEEP_FOR_SPOUSE.value, cemetery.location, on, 0)
    if keep and plot.positions and not spouse_of_first:
        raise Conflict(
            "position_kept_for_spouse",
            f"the other position of plot {plot_no} is kept for the surviving spouse (plot_keep_for_spouse)",
            field="position",
        )
    years = standards.in_force(Parameter.PLOT_USE_YEARS.value, cemetery.location, on)
    return [
        PlotAssigned(
            cemetery.cemetery_id or "",
            plot_no,
            position,
            deceased.registration_id,
            deceased.deceased,
            deceased.residence,
            on.isoformat(),
            anniversary(on, years.value).isoformat(),
            years.standard_id,
            spouse_of_first and bool(plot.positions),
        )
    ]


def _assigned(plot: Plot, plot_no: str, position: int) -> Position:
    found = plot.positions.get(position)
    if found is None:
        raise Conflict(
            "position_not_assigned",
            f"position {position} of plot {plot_no} is not assigned",
            field="position",
        )
    return found


def inter(
    cemetery_id: str, plot: Plot, *, plot_no: str, position: int, on: date, today: date
) -> list[DomainEvent]:
    p = _assigned(plot, plot_no, position)
    if p.interred_on is not None:
        raise Conflict(
            "already_interred", f"position {position} of plot {plot_no} is interred", field="position"
        )
    if on > today:
        raise DomainError(
            "interred_in_future", "the interment date is not in the future", field="interred_on"
        )
    if on < date.fromisoformat(p.assigned_on):
        raise DomainError(
            "interred_before_assignment", "the interment is after the assignment", field="interred_on"
        )
    return [IntermentRecorded(cemetery_id, plot_no, position, p.registration_id, on.isoformat())]


def expire(cemetery_id: str, plot: Plot, *, plot_no: str, position: int, period: int) -> list[DomainEvent]:
    """The deadline of ``period`` came: expired once (nothing if renewed meanwhile or raised)."""
    p = plot.positions.get(position)
    if p is None or p.period != period or p.expired or p.reclaimed:
        return []
    return [PlotUseExpired(cemetery_id, plot_no, position, period, p.use_until)]


def renew(
    cemetery: Cemetery, plot: Plot, standards: StandardsTable, *, plot_no: str, position: int, on: date
) -> list[DomainEvent]:
    """A new period: from the end of the current one, or from ``on`` if it has expired already."""
    p = _assigned(plot, plot_no, position)
    if p.reclaimed:
        raise Conflict(
            "plot_reclaimed", f"position {position} of plot {plot_no} was reclaimed", field="position"
        )
    start = max(date.fromisoformat(p.use_until), on)
    years = standards.in_force(Parameter.PLOT_USE_YEARS.value, cemetery.location, on)
    return [
        PlotUseRenewed(
            cemetery.cemetery_id or "",
            plot_no,
            position,
            p.period + 1,
            on.isoformat(),
            start.isoformat(),
            anniversary(start, years.value).isoformat(),
            years.standard_id,
        )
    ]


def reclaim(
    cemetery_id: str, plot: Plot, *, plot_no: str, position: int, on: date, reason: str
) -> list[DomainEvent]:
    """Take back a position whose use expired without renewal."""
    p = _assigned(plot, plot_no, position)
    if p.reclaimed:
        raise Conflict(
            "already_reclaimed", f"position {position} of plot {plot_no} was reclaimed", field="position"
        )
    if not p.expired:
        raise Conflict(
            "use_not_expired",
            f"the use of position {position} of plot {plot_no} runs until {p.use_until}",
            field="position",
        )
    return [PlotUseReclaimed(cemetery_id, plot_no, position, on.isoformat(), reason)]
