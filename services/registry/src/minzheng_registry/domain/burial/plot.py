"""Plots (墓穴), pure: one stream per plot of 1 or 2 positions (穴位).

A position is assigned at most once, only to a deceased person with a registered death, of the
service area for a 公益性 cemetery; no resale (a position is never assigned again, also after it
is reclaimed). The use period (使用周期, ``plot_use_years``, 20) runs from assignment; it expires
(``PlotUseExpired``, raised once per period by its deadline), is renewed (``PlotUseRenewed``, a
new period) or, expired and unrenewed, reclaimed (``PlotUseReclaimed``).

**Keeping the second position for the surviving spouse** (``plot_keep_for_spouse`` = 1, [assume]):
once one position of a double plot is assigned, the other is held for the spouse of the first
deceased: it is assigned only when the registrar attests that the deceased is that spouse
(``spouse_of_first``); otherwise 409 ``position_kept_for_spouse``. With 0 the second position is
open to any eligible deceased.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date

from minzheng_kernel.errors import Conflict, DomainError, NotFound
from minzheng_kernel.events import DomainEvent, EventTypes
from minzheng_kernel.standards import StandardsTable

from ..configuration import Parameter
from .cemetery import Cemetery


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


PLOT_EVENTS = EventTypes(PlotAssigned, IntermentRecorded, PlotUseExpired, PlotUseRenewed, PlotUseReclaimed)


@dataclass(frozen=True, slots=True)
class Position:
    """One position of a plot: assigned (to a death registration), interred, its use period."""

    registration_id: str
    deceased: str
    assigned_on: str
    use_until: str
    period: int = 1
    use_from: str = ""
    """The first day of the current period (the assignment's, then each renewal's)."""
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
            pos = Position(
                event.registration_id,
                event.deceased,
                event.assigned_on,
                event.use_until,
                use_from=event.assigned_on,
            )
            return Plot({**state.positions, event.position: pos})
        case IntermentRecorded():
            p = state.positions[event.position]
            return Plot({**state.positions, event.position: replace(p, interred_on=event.interred_on)})
        case PlotUseExpired():
            p = state.positions[event.position]
            return Plot({**state.positions, event.position: replace(p, expired=True)})
        case PlotUseRenewed():
            p = state.positions[event.position]
            renewed = replace(
                p, period=event.period, use_from=event.use_from, use_until=event.use_until, expired=False
            )
            return Plot({**state.positions, event.position: renewed})
        case PlotUseReclaimed():
            p = state.positions[event.position]
            return Plot({**state.positions, event.position: replace(p, reclaimed=True)})
    return state


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
    if p.reclaimed:
        raise Conflict(
            "plot_reclaimed", f"position {position} of plot {plot_no} was reclaimed", field="position"
        )
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
    """A new period: from the end of the current one, or from ``on`` if it has expired already.
    Once per period: a period renewed in advance is not renewed again before it begins (409
    ``renewal_pending``), so a repeated request does not stack periods."""
    p = _assigned(plot, plot_no, position)
    if p.reclaimed:
        raise Conflict(
            "plot_reclaimed", f"position {position} of plot {plot_no} was reclaimed", field="position"
        )
    if p.use_from and date.fromisoformat(p.use_from) > on:
        raise Conflict(
            "renewal_pending",
            f"position {position} of plot {plot_no} is renewed already: period {p.period} runs from "
            f"{p.use_from}",
            field="position",
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
