"""Cemeteries and plots (公墓, 墓穴) over HTTP: approval, plot runs, assignment, interment,
renewal, reclamation, the lists."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Annotated, Literal

from fastapi import APIRouter, Query
from pydantic import BaseModel, Field

from minzheng_contracts import DivisionCode, ResidentId
from minzheng_eventstore import Actor
from minzheng_eventstore.deps import Ctx
from minzheng_eventstore.errors_api import refusals

from ...application.burial import cemeteries as cem
from ...application.burial import queries as q
from ...domain.burial import cemetery as c
from ..common import shown, strict
from .common import (
    EXAMPLE_DECEASED,
    Approver,
    Assigner,
    CemeteryPath,
    CemeteryReader,
    Day,
    Keeper,
    LongText,
    PlotMaker,
    PlotNo,
    Section,
    Text,
    day,
)

router = APIRouter(responses=refusals(401, 403, 422))


class CemeteryIn(BaseModel):
    model_config = strict(
        {
            "cemetery_id": "c0e7e700-0000-4000-8000-0000000000a2",
            "name": "尖山镇公益性公墓",
            "kind": "public_interest",
            "location": "330727101",
            "villages": ["330727101201", "330727101202"],
            "document": "磐民〔2026〕12号",
        }
    )
    cemetery_id: uuid.UUID | None = Field(default=None, description="your id for it (default: a new one)")
    name: Text
    kind: c.CemeteryKind = Field(
        description="public_interest 公益性 (for listed villages) | commercial 经营性"
    )
    location: DivisionCode = Field(description="the township or village where it lies")
    villages: list[DivisionCode] = Field(
        default_factory=list, max_length=200, description="公益性: the 12-digit villages it serves"
    )
    document: Text = Field(description="the approval document (批准文号)")


class PlotsIn(BaseModel):
    model_config = strict(
        {"section": "C", "first": 1, "count": 10, "plot_type": "ashes_double", "area_dm2": 80, "positions": 2}
    )
    section: Section = Field(description="the section letter(s): plots are numbered C-001, C-002, …")
    first: int = Field(ge=1, le=99_999, strict=True)
    count: int = Field(ge=1, le=c.MAX_RUN, strict=True)
    plot_type: c.PlotType
    area_dm2: int = Field(ge=1, le=10_000, strict=True, description="area in dm² (100 dm² = 1 m²)")
    positions: int = Field(ge=1, le=2, strict=True, description="1 (single) or 2 (double, 合葬)")


class AssignmentIn(BaseModel):
    model_config = strict({"position": 1, "deceased": EXAMPLE_DECEASED})
    position: int = Field(ge=1, le=2, strict=True)
    deceased: ResidentId = Field(description="the deceased's resident ID: a registered death")
    spouse_of_first: bool = Field(
        default=False,
        description="the registrar attests the deceased is the spouse of the plot's first deceased "
        "(needed for the second position while plot_keep_for_spouse is 1)",
    )


class IntermentIn(BaseModel):
    model_config = strict({"position": 1, "interred_on": "2026-03-02"})
    position: int = Field(ge=1, le=2, strict=True)
    interred_on: Day


class RenewalIn(BaseModel):
    model_config = strict({"position": 1})
    position: int = Field(ge=1, le=2, strict=True)


class ReclamationIn(BaseModel):
    model_config = strict({"position": 1, "reason": "期满未续, 公告 90 日无人认领"})
    position: int = Field(ge=1, le=2, strict=True)
    reason: LongText


class CemeteryOut(BaseModel):
    cemetery_id: str
    name: str
    kind: str
    location: str
    villages: list[str]
    approved_on: date
    plots: int


class PositionOut(BaseModel):
    position: int
    registration_id: str
    deceased: str = Field(description="full for the registrar, county approver and auditor; masked otherwise")
    assigned_on: date
    use_until: date = Field(description="the first day after the use period")
    period: int
    interred_on: date | None
    expired: bool
    reclaimed: bool


class PlotOut(BaseModel):
    plot: str
    plot_type: str
    area_dm2: int
    capacity: int
    state: Literal["available", "assigned", "interred", "use_expired", "reclaimed"]
    positions: list[PositionOut]


class AssignmentOut(BaseModel):
    cemetery_id: str
    plot: str
    position: int
    registration_id: str
    assigned_on: date
    use_until: date
    standard_id: str


class RenewalOut(BaseModel):
    plot: str
    position: int
    period: int
    use_from: date
    use_until: date
    standard_id: str


def cemetery_out(s: c.Cemetery) -> CemeteryOut:
    return CemeteryOut(
        cemetery_id=s.cemetery_id or "",
        name=s.name,
        kind=s.kind,
        location=s.location,
        villages=list(s.villages),
        approved_on=date.fromisoformat(s.approved_on),
        plots=len(s.plots),
    )


def plot_out(actor: Actor, v: q.PlotView) -> PlotOut:
    return PlotOut(
        plot=v.plot,
        plot_type=v.spec.plot_type,
        area_dm2=v.spec.area_dm2,
        capacity=v.spec.positions,
        state=v.state,
        positions=[
            PositionOut(
                position=n,
                registration_id=p.registration_id,
                deceased=shown(actor, p.deceased) or "",
                assigned_on=date.fromisoformat(p.assigned_on),
                use_until=date.fromisoformat(p.use_until),
                period=p.period,
                interred_on=day(p.interred_on),
                expired=p.expired,
                reclaimed=p.reclaimed,
            )
            for n, p in sorted(v.positions.items())
        ],
    )


@router.post(
    "/cemeteries",
    status_code=201,
    tags=["cemeteries"],
    summary="Approve a cemetery (公墓审批)",
    response_model=CemeteryOut,
    responses=refusals(409),
)
async def approve(body: CemeteryIn, ctx: Ctx, actor: Approver) -> CemeteryOut:
    """A 公益性 cemetery (`public_interest`) serves only the residents of the villages it lists
    (12-digit codes of the county); a 经营性 one (`commercial`) lists none. 409 `cemetery_exists`
    for an id taken; 422 `service_villages_required`, `invalid_service_village`."""
    state = await cem.approve_cemetery(
        ctx,
        actor,
        cemetery_id=str(body.cemetery_id or uuid.uuid4()),
        name=body.name,
        kind=body.kind,
        location=body.location,
        villages=[str(v) for v in body.villages],
        document=body.document,
    )
    return cemetery_out(state)


@router.get("/cemeteries", tags=["cemeteries"], summary="List cemeteries", response_model=list[CemeteryOut])
async def list_cemeteries(
    ctx: Ctx,
    actor: CemeteryReader,
    kind: Annotated[c.CemeteryKind | None, Query(description="public_interest or commercial")] = None,
    village: Annotated[
        str | None, Query(pattern=r"^[1-9]\d{11}$", description="only the cemeteries serving this village")
    ] = None,
) -> list[CemeteryOut]:
    """The cemeteries that concern the caller's division (lying in it, or serving one of its
    villages), by approval date."""
    found = await q.cemeteries(ctx.store, actor, kind=None if kind is None else kind.value, village=village)
    return [cemetery_out(s) for s in found]


@router.get(
    "/cemeteries/{cemetery_id}",
    tags=["cemeteries"],
    summary="One cemetery",
    response_model=CemeteryOut,
    responses=refusals(404),
)
async def get_cemetery(cemetery_id: CemeteryPath, ctx: Ctx, actor: CemeteryReader) -> CemeteryOut:
    """The cemetery, its service villages and how many plots it has."""
    return cemetery_out(await q.cemetery(ctx.store, actor, str(cemetery_id)))


@router.post(
    "/cemeteries/{cemetery_id}/plots",
    status_code=201,
    tags=["cemeteries"],
    summary="Create plots (墓穴)",
    response_model=CemeteryOut,
    responses=refusals(404, 409),
)
async def create_plots(cemetery_id: CemeteryPath, body: PlotsIn, ctx: Ctx, actor: PlotMaker) -> CemeteryOut:
    """A run of plots of one type and area: `section`-`first` … numbered with three digits. The
    area may not exceed the limit in force today (`plot_area_max_ashes` for single and double
    ashes plots, `plot_area_max_body_single`, `plot_area_max_body_double`): 422
    `plot_area_over_limit` naming `area_dm2` and the standard. 409 `plots_exist` for a number taken."""
    state = await cem.create_plots(
        ctx,
        actor,
        str(cemetery_id),
        section=body.section,
        first=body.first,
        count=body.count,
        plot_type=body.plot_type,
        area_dm2=body.area_dm2,
        positions=body.positions,
    )
    return cemetery_out(state)


@router.get(
    "/cemeteries/{cemetery_id}/plots",
    tags=["cemeteries"],
    summary="A cemetery's plots",
    response_model=list[PlotOut],
    responses=refusals(404),
)
async def list_plots(
    cemetery_id: CemeteryPath,
    ctx: Ctx,
    actor: CemeteryReader,
    state: Annotated[
        Literal["available", "assigned", "interred", "use_expired", "reclaimed"] | None,
        Query(description="filter"),
    ] = None,
) -> list[PlotOut]:
    """Every plot, by number, with its state (available, assigned, interred, use_expired,
    reclaimed) and its assigned positions."""
    views = await q.plots(ctx.store, actor, str(cemetery_id), state=state)
    return [plot_out(actor, v) for v in views]


@router.post(
    "/cemeteries/{cemetery_id}/plots/{plot}/assignment",
    status_code=201,
    tags=["cemeteries"],
    summary="Assign a plot position (墓穴分配)",
    response_model=AssignmentOut,
    responses=refusals(404, 409),
)
async def assign(
    cemetery_id: CemeteryPath, plot: PlotNo, body: AssignmentIn, ctx: Ctx, actor: Assigner
) -> AssignmentOut:
    """A position goes to a deceased person with a registered death (422 `not_deceased`), of a
    village the 公益性 cemetery serves (422 `outside_service_area`), once: 409 `position_taken`,
    and one grave per deceased: 409 `already_has_grave` (also under concurrency). No resale.
    With `plot_keep_for_spouse` 1, the second position of a double plot is kept for the first
    deceased's spouse (409 `position_kept_for_spouse` unless `spouse_of_first`). The use period
    (`plot_use_years`) runs from today; its end is a durable deadline."""
    fact = await cem.assign_plot(
        ctx,
        actor,
        str(cemetery_id),
        plot,
        position=body.position,
        deceased=body.deceased,
        spouse_of_first=body.spouse_of_first,
    )
    return AssignmentOut(
        cemetery_id=fact.cemetery_id,
        plot=fact.plot,
        position=fact.position,
        registration_id=fact.registration_id,
        assigned_on=date.fromisoformat(fact.assigned_on),
        use_until=date.fromisoformat(fact.use_until),
        standard_id=fact.standard_id,
    )


@router.post(
    "/cemeteries/{cemetery_id}/plots/{plot}/interment",
    status_code=201,
    tags=["cemeteries"],
    summary="Record an interment (安葬)",
    response_model=PlotOut,
    responses=refusals(404, 409),
)
async def inter(
    cemetery_id: CemeteryPath, plot: PlotNo, body: IntermentIn, ctx: Ctx, actor: Keeper
) -> PlotOut:
    """The ashes or body laid in an assigned position (409 `position_not_assigned`,
    `already_interred`, `plot_reclaimed`), on a day not in the future and not before the
    assignment."""
    await cem.record_interment(
        ctx, actor, str(cemetery_id), plot, position=body.position, interred_on=body.interred_on
    )
    return plot_out(actor, await q.plot(ctx.store, actor, str(cemetery_id), plot))


@router.post(
    "/cemeteries/{cemetery_id}/plots/{plot}/renewal",
    status_code=201,
    tags=["cemeteries"],
    summary="Renew a position's use (续期)",
    response_model=RenewalOut,
    responses=refusals(404, 409),
)
async def renew(
    cemetery_id: CemeteryPath, plot: PlotNo, body: RenewalIn, ctx: Ctx, actor: Keeper
) -> RenewalOut:
    """A new use period of `plot_use_years` (in force today): from the end of the current one,
    or from today if it has expired. The current period's deadline is closed, the new one's set.
    Once per period: a period renewed in advance is not renewed again before it begins (409
    `renewal_pending`: a repeated request does not stack periods)."""
    fact = await cem.renew_plot_use(ctx, actor, str(cemetery_id), plot, position=body.position)
    return RenewalOut(
        plot=fact.plot,
        position=fact.position,
        period=fact.period,
        use_from=date.fromisoformat(fact.use_from),
        use_until=date.fromisoformat(fact.use_until),
        standard_id=fact.standard_id,
    )


@router.post(
    "/cemeteries/{cemetery_id}/plots/{plot}/reclamation",
    status_code=201,
    tags=["cemeteries"],
    summary="Reclaim an expired position (收回)",
    response_model=PlotOut,
    responses=refusals(404, 409),
)
async def reclaim(
    cemetery_id: CemeteryPath, plot: PlotNo, body: ReclamationIn, ctx: Ctx, actor: Keeper
) -> PlotOut:
    """A position whose use expired without renewal (409 `use_not_expired`) is taken back, once
    (409 `already_reclaimed`); it is never assigned again (no resale) nor renewed (409
    `plot_reclaimed`)."""
    await cem.reclaim_plot_use(ctx, actor, str(cemetery_id), plot, position=body.position, reason=body.reason)
    return plot_out(actor, await q.plot(ctx.store, actor, str(cemetery_id), plot))
