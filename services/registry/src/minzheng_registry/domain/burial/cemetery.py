"""Cemeteries (公墓) and their plots (墓穴), pure.

A cemetery is approved (``CemeteryApproved``) as 公益性 (``public_interest``: serves only the
residents of its listed villages) or 经营性 (``commercial``). Its plots are created in numbered
runs (``PlotsCreated``: section ``A``, numbers 1..20 → ``A-001``..``A-020``) of one type, area and
number of positions; the area may not exceed the limit in force on the day (民事发〔1998〕10号:
ashes ≤ 1 m², body single ≤ 4 m², body double ≤ 6 m²; standards in dm²).

Its plots, positions and use periods are ``plot.py``.
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


CEMETERY_EVENTS = EventTypes(CemeteryApproved, PlotsCreated)


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
