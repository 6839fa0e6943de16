"""The burial area's HTTP API (殡葬): cemeteries and plots, funeral records, illegal burial cases.

Every input is bounded; refusals come from the domain (422 naming the field and rule, 409 for the
state, 404) and the guard table, never a 500. Every route declares one permission (``AREA.permissions``);
the caller's division bounds every command and read (403 ``outside_jurisdiction``, lists filtered).
Resident IDs are shown in full only to the registrar, the county approver and the auditor.

The examples are one story, consistent with the demo data (``AREA.seed_demo``): the 公益性
cemetery ``DEMO_CEMETERY`` of villages 330727101201 and 330727101202, its plots ``A-001``…"""

from __future__ import annotations

import uuid
from datetime import date
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Path, Query
from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from minzheng_contracts import DivisionCode, ResidentId, make_resident_id
from minzheng_eventstore import Actor
from minzheng_eventstore.access import permit
from minzheng_eventstore.deps import Ctx
from minzheng_eventstore.errors_api import refusals
from minzheng_eventstore.identity import Role
from minzheng_kernel.errors import DomainError

from ...application.burial import cemeteries as cem
from ...application.burial import funerals as fun
from ...application.burial import illegal as ill
from ...application.burial import queries as q
from ...domain.burial import cemetery as c
from ...domain.burial import funeral as f
from ...domain.burial import illegal as i

FULL_ID_ROLES = frozenset({Role.REGISTRAR, Role.COUNTY_APPROVER, Role.AUDITOR})

DEMO_CEMETERY = "c0e7e700-0000-4000-8000-000000000001"
EXAMPLE_DECEASED = make_resident_id("330727", date(1940, 3, 1), 11).reveal()
"""The deceased of the ``POST /deaths`` example (the marriage area's), died 2026-02-27 in 330727101201."""
EXAMPLE_BURIED = make_resident_id("330727", date(1936, 9, 20), 33).reveal()
"""The deceased of the body burial example (土葬), holding the demo's body plot D-001."""
EXAMPLE_CASE = "b1a1b2c3-0000-4000-8000-0000000000e1"

Text = Annotated[str, StringConstraints(min_length=1, max_length=200, pattern=r"^[^\x00-\x1f\x7f]+$")]
LongText = Annotated[
    str, StringConstraints(min_length=1, max_length=2000, pattern=r"^[^\x00-\x08\x0b-\x1f\x7f]+$")
]
Section = Annotated[str, StringConstraints(pattern=r"^[A-Z0-9]{1,4}$")]
PlotNo = Annotated[
    str, Path(pattern=r"^[A-Z0-9]{1,4}-\d{3,5}$", description="plot number", examples=["A-001"])
]
CemeteryPath = Annotated[uuid.UUID, Path(description="the cemetery's id", examples=[DEMO_CEMETERY])]
CasePath = Annotated[uuid.UUID, Path(description="the case's id", examples=[EXAMPLE_CASE])]
Day = Annotated[date, Field(ge=date(1900, 1, 1), le=date(2199, 12, 31))]

router = APIRouter(responses=refusals(401, 403, 422))

Approver = Annotated[Actor, permit("cemetery.approve")]
PlotMaker = Annotated[Actor, permit("cemetery.plots.create")]
CemeteryReader = Annotated[Actor, permit("cemetery.read")]
Assigner = Annotated[Actor, permit("cemetery.plot.assign")]
Keeper = Annotated[Actor, permit("cemetery.plot.record")]
Cremation = Annotated[Actor, permit("burial.funeral.record")]
Waiver = Annotated[Actor, permit("burial.fees.waive")]
FuneralReader = Annotated[Actor, permit("burial.funeral.read")]
CaseOpener = Annotated[Actor, permit("burial.illegal.open")]
CaseOrderer = Annotated[Actor, permit("burial.illegal.order")]
CaseResolver = Annotated[Actor, permit("burial.illegal.resolve")]
CaseReader = Annotated[Actor, permit("burial.illegal.read")]
StatisticsReader = Annotated[Actor, permit("burial.statistics.read")]


def strict(*examples: dict[str, Any]) -> ConfigDict:
    return ConfigDict(extra="forbid", json_schema_extra={"examples": list(examples)})


def shown(actor: Actor, resident: str | None) -> str | None:
    """The full ID for the roles that need it, masked for the others."""
    if resident is None:
        return None
    return resident if actor.roles & FULL_ID_ROLES else str(ResidentId(resident))


# ------------------------------------------------------------------------------------- requests


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


class CremationIn(BaseModel):
    model_config = strict(
        {"deceased": EXAMPLE_DECEASED, "cremated_on": "2026-03-01", "funeral_home": "磐安县殡仪馆"}
    )
    deceased: ResidentId
    cremated_on: Day
    funeral_home: Text


class WaiverIn(BaseModel):
    model_config = strict(
        {
            "deceased": EXAMPLE_DECEASED,
            "services": ["transport", "storage", "cremation", "urn_storage"],
            "assistance_certificate": "磐低保字2025第0123号",
        }
    )
    deceased: ResidentId
    services: list[Literal["transport", "storage", "cremation", "urn_storage"]] = Field(
        min_length=1, max_length=4, description="遗体接运, 暂存, 火化, 骨灰寄存"
    )
    assistance_certificate: Text | None = Field(
        default=None,
        description="under scope 1 (低保/特困 only) with no assistance record of the deceased: the "
        "certificate number (救助证号) the registrar saw",
    )


class DispositionIn(BaseModel):
    model_config = strict(
        {
            "deceased": EXAMPLE_DECEASED,
            "disposition": "plot",
            "place": "assigned plot",
            "disposed_on": "2026-03-02",
        }
    )
    deceased: ResidentId
    disposition: f.Disposition = Field(description="plot | columbarium (骨灰堂) | eco_burial (树葬, 海葬…)")
    place: Text = Field(
        description="the niche or the eco-burial site; for a plot, the assigned position is used"
    )
    disposed_on: Day


class BurialIn(BaseModel):
    model_config = strict({"deceased": EXAMPLE_BURIED, "buried_on": "2026-03-02"})
    deceased: ResidentId
    buried_on: Day


class CaseIn(BaseModel):
    model_config = strict(
        {
            "case_id": EXAMPLE_CASE,
            "village": "330727101201",
            "location": "后山林地, 距公路 200 米",
            "description": "新建坟墓一座, 未入公墓",
            "found_on": "2026-03-01",
        }
    )
    case_id: uuid.UUID | None = None
    village: DivisionCode = Field(description="the 12-digit village where it was found")
    location: Text
    description: LongText
    found_on: Day


class OrderIn(BaseModel):
    model_config = strict({"document": "尖山镇责令整改通知书 2026-03"})
    document: Text = Field(description="the rectification order (责令整改通知书)")


class ResolutionIn(BaseModel):
    model_config = strict({"outcome": "rectified", "note": "已迁入公益性公墓"})
    outcome: i.Outcome = Field(description="rectified 整改完成 | penalised 依法处罚")
    note: LongText


# -------------------------------------------------------------------------------------- answers


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


class CremationOut(BaseModel):
    registration_id: str
    cremated_on: date
    funeral_home: str
    residence: str


class WaiverOut(BaseModel):
    registration_id: str
    services: list[str]
    scope_standard_id: str
    basis: str = Field(description="all_residents | assistance_record | assistance_certificate")
    certificate: str | None


class DispositionOut(BaseModel):
    registration_id: str
    disposition: str
    place: str
    disposed_on: date


class BurialOut(BaseModel):
    registration_id: str
    place: str = Field(description="the body plot: cemetery/plot/position")
    buried_on: date


class FuneralOut(BaseModel):
    registration_id: str
    deceased: str | None
    residence: str | None
    cremated_on: date | None
    funeral_home: str | None
    waiver: WaiverOut | None
    disposition: DispositionOut | None
    buried: BurialOut | None


class CremationRateOut(BaseModel):
    division: str
    start: date
    end: date
    deaths: int = Field(
        description="registered deaths (not revoked) of the area's residents, by date of death"
    )
    cremated: int
    buried: int = Field(description="buried uncremated (土葬)")
    rate: float | None = Field(description="火化率 = cremated ÷ deaths; null without deaths")


class CaseOut(BaseModel):
    case_id: str
    village: str
    location: str
    description: str
    found_on: date
    state: Literal["opened", "ordered", "overdue", "rectified", "penalised"]
    ordered_on: date | None
    deadline: date | None = Field(description="the last day to rectify (moved past non-working days)")
    resolved_on: date | None


def _cemetery(s: c.Cemetery) -> CemeteryOut:
    return CemeteryOut(
        cemetery_id=s.cemetery_id or "",
        name=s.name,
        kind=s.kind,
        location=s.location,
        villages=list(s.villages),
        approved_on=date.fromisoformat(s.approved_on),
        plots=len(s.plots),
    )


def _case(s: i.IllegalBurialCase) -> CaseOut:
    return CaseOut(
        case_id=s.case_id or "",
        village=s.village,
        location=s.location,
        description=s.description,
        found_on=date.fromisoformat(s.found_on),
        state=s.state,
        ordered_on=_day(s.ordered_on),
        deadline=_day(s.deadline),
        resolved_on=_day(s.resolved_on),
    )


def _day(value: str | None) -> date | None:
    return None if value is None else date.fromisoformat(value)


def _plot(actor: Actor, v: q.PlotView) -> PlotOut:
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
                interred_on=_day(p.interred_on),
                expired=p.expired,
                reclaimed=p.reclaimed,
            )
            for n, p in sorted(v.positions.items())
        ],
    )


# --------------------------------------------------------------------------------- cemeteries


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
    return _cemetery(state)


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
    return [_cemetery(s) for s in found]


@router.get(
    "/cemeteries/{cemetery_id}",
    tags=["cemeteries"],
    summary="One cemetery",
    response_model=CemeteryOut,
    responses=refusals(404),
)
async def get_cemetery(cemetery_id: CemeteryPath, ctx: Ctx, actor: CemeteryReader) -> CemeteryOut:
    """The cemetery, its service villages and how many plots it has."""
    return _cemetery(await q.cemetery(ctx.store, actor, str(cemetery_id)))


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
    return _cemetery(state)


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
    return [_plot(actor, v) for v in views]


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
    `already_interred`), on a day not in the future and not before the assignment."""
    await cem.record_interment(
        ctx, actor, str(cemetery_id), plot, position=body.position, interred_on=body.interred_on
    )
    views = await q.plots(ctx.store, actor, str(cemetery_id), state=None)
    return next(_plot(actor, v) for v in views if v.plot == plot)


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
    or from today if it has expired. The current period's deadline is closed, the new one's set."""
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
    views = await q.plots(ctx.store, actor, str(cemetery_id), state=None)
    return next(_plot(actor, v) for v in views if v.plot == plot)


# ------------------------------------------------------------------------------------ funerals


@router.post(
    "/funerals/cremations",
    status_code=201,
    tags=["funerals"],
    summary="Record a cremation (火化)",
    response_model=CremationOut,
    responses=refusals(409),
)
async def cremate(body: CremationIn, ctx: Ctx, actor: Cremation) -> CremationOut:
    """For a registered death (422 `not_deceased`), at most once (409 `already_cremated`), on or
    after the date of death and not in the future. Published as `CremationRecorded`."""
    fact = await fun.record_cremation(
        ctx, actor, deceased=body.deceased, cremated_on=body.cremated_on, funeral_home=body.funeral_home
    )
    return CremationOut(
        registration_id=fact.registration_id,
        cremated_on=date.fromisoformat(fact.cremated_on),
        funeral_home=fact.funeral_home,
        residence=fact.residence,
    )


@router.post(
    "/funerals/waivers",
    status_code=201,
    tags=["funerals"],
    summary="Waive the basic funeral fees (基本殡葬服务费减免)",
    response_model=WaiverOut,
    responses=refusals(409),
)
async def waive(body: WaiverIn, ctx: Ctx, actor: Waiver) -> WaiverOut:
    """By the `funeral_fee_waiver_scope` in force on the date of death for the deceased's
    residence: 0 none (422 `waiver_not_in_scope`); 1 低保/特困 recipients only, known from the
    assistance service's published records, or shown by `assistance_certificate` (422
    `not_assistance_recipient` otherwise); 2 every resident. Once per death (409
    `fees_already_waived`)."""
    fact = await fun.waive_basic_fees(
        ctx,
        actor,
        deceased=body.deceased,
        services=list(body.services),
        assistance_certificate=body.assistance_certificate,
    )
    return WaiverOut(
        registration_id=fact.registration_id,
        services=fact.services,
        scope_standard_id=fact.scope_standard_id,
        basis=fact.basis,
        certificate=fact.certificate,
    )


@router.post(
    "/funerals/dispositions",
    status_code=201,
    tags=["funerals"],
    summary="Record where the ashes went (骨灰去向)",
    response_model=DispositionOut,
    responses=refusals(409),
)
async def dispose(body: DispositionIn, ctx: Ctx, actor: Cremation) -> DispositionOut:
    """After the cremation (409 `not_cremated`), once (409 `ashes_already_disposed`): a plot (the
    position assigned to the deceased: 422 `no_plot_assigned` if none), a columbarium niche or an
    eco-burial, named by `place`."""
    fact = await fun.dispose_ashes(
        ctx,
        actor,
        deceased=body.deceased,
        disposition=body.disposition,
        place=body.place,
        disposed_on=body.disposed_on,
    )
    return DispositionOut(
        registration_id=fact.registration_id,
        disposition=fact.disposition,
        place=fact.place,
        disposed_on=date.fromisoformat(fact.disposed_on),
    )


@router.post(
    "/funerals/burials",
    status_code=201,
    tags=["funerals"],
    summary="Record a burial of the body (土葬)",
    response_model=BurialOut,
    responses=refusals(409),
)
async def bury(body: BurialIn, ctx: Ctx, actor: Cremation) -> BurialOut:
    """Where burial of the body is allowed (土葬改革区): the body of a registered death, not
    cremated (409 `already_cremated`), once (409 `already_buried`), in the body plot
    (`body_single`/`body_double`) assigned to the deceased (422 `no_body_plot_assigned`)."""
    fact = await fun.bury_body(ctx, actor, deceased=body.deceased, buried_on=body.buried_on)
    return BurialOut(
        registration_id=fact.registration_id, place=fact.place, buried_on=date.fromisoformat(fact.buried_on)
    )


@router.get(
    "/funerals/cremation-rate",
    tags=["funerals"],
    summary="The cremation rate of an area (火化率)",
    response_model=CremationRateOut,
)
async def rate(
    ctx: Ctx,
    actor: StatisticsReader,
    division: Annotated[
        str, Query(pattern=r"^[1-9]\d{5}(\d{3}(\d{3})?)?$", description="county, township or village")
    ],
    start: Annotated[
        date, Query(ge=date(1949, 10, 1), le=date(2199, 12, 31), description="first day of death")
    ],
    end: Annotated[date, Query(ge=date(1949, 10, 1), le=date(2199, 12, 31), description="last day of death")],
) -> CremationRateOut:
    """Of the registered deaths of the division's residents (by 户籍 village) with a date of death
    from `start` to `end`, how many were cremated and buried: 火化率 = cremations ÷ deaths. The
    division lies in the caller's (403 `outside_jurisdiction`); `end` is not before `start`."""
    actor.require_within(division, "division")
    if end < start:
        raise DomainError("invalid_period", "end is not before start", field="end")
    found = await q.cremation_rate(ctx.store, division=division, start=start, end=end)
    return CremationRateOut(
        division=division,
        start=start,
        end=end,
        deaths=found.deaths,
        cremated=found.cremated,
        buried=found.buried,
        rate=found.rate,
    )


@router.get(
    "/funerals/{registration_id}",
    tags=["funerals"],
    summary="A funeral record",
    response_model=FuneralOut,
    responses=refusals(404),
)
async def get_funeral(
    registration_id: Annotated[uuid.UUID, Path(description="the death registration's id")],
    ctx: Ctx,
    actor: FuneralReader,
) -> FuneralOut:
    """The cremation (or the burial of the body), the waiver and the ashes' disposition of one
    death (by its registration id); the deceased's ID in full for the registrar, county approver
    and auditor only."""
    view = await q.funeral(ctx.store, actor, str(registration_id))
    s = view.case
    return FuneralOut(
        registration_id=str(registration_id),
        deceased=shown(actor, view.deceased),
        residence=s.residence,
        cremated_on=None if s.cremated_on is None else date.fromisoformat(s.cremated_on),
        funeral_home=s.funeral_home,
        waiver=None
        if s.waiver is None
        else WaiverOut(
            registration_id=s.waiver.registration_id,
            services=s.waiver.services,
            scope_standard_id=s.waiver.scope_standard_id,
            basis=s.waiver.basis,
            certificate=s.waiver.certificate,
        ),
        disposition=None
        if s.disposition is None
        else DispositionOut(
            registration_id=s.disposition.registration_id,
            disposition=s.disposition.disposition,
            place=s.disposition.place,
            disposed_on=date.fromisoformat(s.disposition.disposed_on),
        ),
        buried=None
        if s.buried is None
        else BurialOut(
            registration_id=s.buried.registration_id,
            place=s.buried.place,
            buried_on=date.fromisoformat(s.buried.buried_on),
        ),
    )


# ------------------------------------------------------------------------------ illegal burials


@router.post(
    "/illegal-burials",
    status_code=201,
    tags=["illegal burials"],
    summary="Open an illegal burial case (违规乱埋乱葬)",
    response_model=CaseOut,
    responses=refusals(409),
)
async def open_case(body: CaseIn, ctx: Ctx, actor: CaseOpener) -> CaseOut:
    """A grave found outside a cemetery, in a village of the caller's division (409 `case_exists`
    for an id taken)."""
    state = await ill.open_case(
        ctx,
        actor,
        case_id=str(body.case_id or uuid.uuid4()),
        village=str(body.village),
        location=body.location,
        description=body.description,
        found_on=body.found_on,
    )
    return _case(state)


@router.post(
    "/illegal-burials/{case_id}/order",
    status_code=201,
    tags=["illegal burials"],
    summary="Order rectification (责令整改)",
    response_model=CaseOut,
    responses=refusals(404, 409),
)
async def order(case_id: CasePath, body: OrderIn, ctx: Ctx, actor: CaseOrderer) -> CaseOut:
    """The deadline is `illegal_burial_rectification_days` (in force today) from today, moved to
    the next working day; when it passes with the case open, `IllegalBurialOverdue` is raised once
    (durable: it survives a restart)."""
    return _case(await ill.order_rectification(ctx, actor, str(case_id), document=body.document))


@router.post(
    "/illegal-burials/{case_id}/resolution",
    status_code=201,
    tags=["illegal burials"],
    summary="Resolve a case: rectified or penalised",
    response_model=CaseOut,
    responses=refusals(404, 409),
)
async def resolve(case_id: CasePath, body: ResolutionIn, ctx: Ctx, actor: CaseResolver) -> CaseOut:
    """After the order (409 `not_ordered`), once (409 `case_closed`); the deadline is closed."""
    return _case(await ill.resolve_case(ctx, actor, str(case_id), outcome=body.outcome, note=body.note))


@router.get(
    "/illegal-burials",
    tags=["illegal burials"],
    summary="List illegal burial cases",
    response_model=list[CaseOut],
)
async def list_cases(
    ctx: Ctx,
    actor: CaseReader,
    state: Annotated[
        Literal["opened", "ordered", "overdue", "rectified", "penalised"] | None, Query(description="filter")
    ] = None,
) -> list[CaseOut]:
    """The cases of the caller's villages, oldest finding first."""
    return [_case(s) for s in await q.illegal_burials(ctx.store, actor, state=state)]


@router.get(
    "/illegal-burials/{case_id}",
    tags=["illegal burials"],
    summary="One illegal burial case",
    response_model=CaseOut,
    responses=refusals(404),
)
async def get_case(case_id: CasePath, ctx: Ctx, actor: CaseReader) -> CaseOut:
    """The case, its state and its deadline."""
    return _case(await q.illegal_burial(ctx.store, actor, str(case_id)))
