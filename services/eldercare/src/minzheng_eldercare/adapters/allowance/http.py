"""Elders and their allowance over HTTP: registration (an application, an imported roll), the
list and one elder, moves, proofs of life, and the daily check on demand. Bounded, strict
inputs; a refusal is a 4xx naming the field, with nothing written."""

from __future__ import annotations

from datetime import date
from enum import Enum
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Path, Query
from pydantic import BaseModel, Field, ValidationError

from minzheng_contracts import DivisionCode, ResidentId
from minzheng_eventstore import Actor
from minzheng_eventstore.access import permit
from minzheng_eventstore.deps import Ctx
from minzheng_eventstore.errors_api import refusals
from minzheng_kernel.calendar import local_date
from minzheng_kernel.errors import DomainError

from ...application.allowance import handlers as h
from ...application.allowance import queries as q
from ...application.allowance.check import CheckReport, check_allowances
from ...domain.allowance import elder as d
from ...domain.allowance.parameters import THRESHOLDS
from ..common import shown, strict

router = APIRouter(responses=refusals(401, 403, 422))
TAGS: list[str | Enum] = ["allowance"]

Registrar = Annotated[Actor, permit("allowance.register")]
Recorder = Annotated[Actor, permit("allowance.record")]
Checker = Annotated[Actor, permit("allowance.check")]
Reader = Annotated[Actor, permit("allowance.read")]

ElderId = Annotated[
    str, Path(min_length=26, max_length=26, pattern=r"^[a-z2-7]{26}$", description="the elder's id")
]
Day = Annotated[date, Field(ge=date(1950, 1, 1), le=date(2199, 12, 31))]
Fen = Annotated[int, Field(ge=0, le=100_000_000, description="monthly income, fen")]
MAX_ROLL = 5_000

APPLICATION = {"resident_id": "330727194403050014", "residence": "330727101201", "dibao": False}


class ElderIn(BaseModel):
    model_config = strict(APPLICATION, APPLICATION | {"monthly_income_fen": 80_000})
    resident_id: ResidentId = Field(
        description="its birth date gives the age; its address code is not the residence"
    )
    residence: DivisionCode = Field(
        description="the village or township where the elder lives, within the county"
    )
    dibao: bool = Field(default=False, description="a 低保 recipient (for a dibao-only county)")
    monthly_income_fen: Fen | None = Field(default=None, description="for a county with an income test")

    def application(self) -> h.Application:
        return h.Application(self.resident_id, str(self.residence), self.dibao, self.monthly_income_fen)


class RollIn(BaseModel):
    model_config = strict({"rows": [APPLICATION]})
    rows: list[dict[str, Any]] = Field(
        min_length=1,
        max_length=MAX_ROLL,
        description="the roll's rows, each as a registration (at most 5,000)",
    )


class Rejected(BaseModel):
    row: int = Field(description="0-based")
    resident_id: str | None = Field(description="masked; none when it is not a valid ID")
    field: str | None
    code: str


class RollOut(BaseModel):
    registered: int
    already_registered: int
    rejected: list[Rejected]
    elder_ids: list[str] = Field(description="the elders registered by this import")


class MoveIn(BaseModel):
    model_config = strict({"residence": "330727102201", "moved_on": "2026-03-02"})
    residence: DivisionCode = Field(description="the new residence; outside the county: moved away")
    moved_on: Day


class ProofIn(BaseModel):
    model_config = strict({"on": "2026-03-02"})
    on: Day = Field(description="the day of the proof of life (生存认证)")


class CheckIn(BaseModel):
    model_config = strict({"on": "2026-04-01"})
    on: Day = Field(description="checks the month containing it")


class ElderOut(BaseModel):
    elder_id: str
    resident_id: str = Field(description="masked except for the county approver and the auditor")
    born: date
    residence: str
    home: str = Field(description="the last residence within the county")
    resident: bool
    registered_on: date | None
    source: str
    dibao: bool
    status: str = Field(description="pending | active | suspended | ended | deceased")
    held: list[str] = Field(
        description="what holds the allowance: moved_away | proof_of_life_missed | ineligible"
    )
    band: str | None
    starts: str | None
    held_from: str | None
    last_proof: date | None
    last_period: str | None
    died_on: date | None


class ElderPage(BaseModel):
    total: int
    items: list[ElderOut]


class CheckOut(BaseModel):
    on: date
    period: str
    full_pass: bool
    selected: int
    decided: int
    started: int
    band_changed: int
    suspended: int
    resumed: int
    proof_lapsed: int
    eligibility_changed: int


def elder_out(actor: Actor, s: d.Elder) -> ElderOut:
    return ElderOut(
        elder_id=s.elder_id or "",
        resident_id=shown(actor, s.person),
        born=s.born,
        residence=s.residence,
        home=s.home,
        resident=s.resident,
        registered_on=s.registered_on,
        source=s.source,
        dibao=s.dibao,
        status=s.status.value,
        held=[r.value for r in s.held],
        band=s.band,
        starts=s.starts,
        held_from=s.held_from,
        last_proof=s.last_proof,
        last_period=s.last_period,
        died_on=s.died_on,
    )


@router.post(
    "/elders",
    status_code=201,
    tags=TAGS,
    summary="Register an elder (登记)",
    response_model=ElderOut,
    responses=refusals(409),
)
async def register(body: ElderIn, ctx: Ctx, actor: Registrar) -> ElderOut:
    return elder_out(actor, await h.register(ctx, actor, body.application()))


def _masked(raw: object) -> str | None:
    try:
        return ResidentId(str(raw)).masked
    except ValueError:
        return None


@router.post(
    "/elders/imports",
    status_code=201,
    tags=TAGS,
    summary="Import a roll of elders (名册导入)",
    response_model=RollOut,
)
async def import_roll(body: RollIn, ctx: Ctx, actor: Registrar) -> RollOut:
    """Each row is validated as a registration; the rejected ones are reported (IDs masked) and the
    others registered; a person registered already is counted, not added (a re-import adds nothing)."""
    valid: list[h.Application] = []
    rejected: list[Rejected] = []
    for i, raw in enumerate(body.rows):
        try:
            a = ElderIn.model_validate(raw).application()
            if not a.residence.startswith(ctx.county):
                raise DomainError("outside_county", "not within the county", field="residence")
            actor.require_within(a.residence, "residence")
            valid.append(a)
        except ValidationError as exc:
            first = exc.errors()[0]
            where = ".".join(str(x) for x in first["loc"]) or None
            rejected.append(
                Rejected(row=i, resident_id=_masked(raw.get("resident_id")), field=where, code=first["type"])
            )
        except DomainError as exc:
            rejected.append(
                Rejected(row=i, resident_id=_masked(raw.get("resident_id")), field=exc.field, code=exc.code)
            )
    result = await h.register_roll(ctx, actor, valid)
    return RollOut(
        registered=len(result.registered),
        already_registered=len(result.already_registered),
        rejected=rejected,
        elder_ids=result.registered,
    )


@router.get("/elders", tags=TAGS, summary="The elders (filters, paged)", response_model=ElderPage)
async def list_elders(
    ctx: Ctx,
    actor: Reader,
    residence: Annotated[
        str | None, Query(pattern=r"^[0-9]{6,12}$", description="a township or village prefix")
    ] = None,
    band: Annotated[int | None, Query(ge=60, le=110, description="the band's lower age: 80, 90, 100")] = None,
    status: Literal["pending", "active", "suspended", "ended", "deceased"] | None = None,
    limit: Annotated[int, Query(ge=1, le=100)] = 50,
    offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0,
) -> ElderPage:
    if band is not None and band not in THRESHOLDS:
        raise DomainError("no_such_band", f"a band starts at one of {THRESHOLDS}", field="band")
    page = await q.elders(
        ctx.store, actor, residence=residence, band_lower=band, status=status, limit=limit, offset=offset
    )
    return ElderPage(total=page.total, items=[elder_out(actor, s) for s in page.items])


@router.get(
    "/elders/{elder_id}", tags=TAGS, summary="One elder", response_model=ElderOut, responses=refusals(404)
)
async def get_elder(elder_id: ElderId, ctx: Ctx, actor: Reader) -> ElderOut:
    return elder_out(actor, await q.elder(ctx.store, actor, elder_id))


@router.post(
    "/elders/{elder_id}/moves",
    status_code=201,
    tags=TAGS,
    summary="A move (迁居 / 迁出)",
    response_model=ElderOut,
    responses=refusals(404, 409),
)
async def move(elder_id: ElderId, body: MoveIn, ctx: Ctx, actor: Recorder) -> ElderOut:
    state = await h.move(ctx, actor, elder_id, residence=str(body.residence), moved_on=body.moved_on)
    return elder_out(actor, state)


@router.post(
    "/elders/{elder_id}/proof-of-life",
    status_code=201,
    tags=TAGS,
    summary="A proof of life (生存认证)",
    response_model=ElderOut,
    responses=refusals(404, 409),
)
async def proof_of_life(elder_id: ElderId, body: ProofIn, ctx: Ctx, actor: Recorder) -> ElderOut:
    return elder_out(actor, await h.record_proof(ctx, actor, elder_id, on=body.on))


@router.post(
    "/allowance-checks",
    tags=TAGS,
    summary="The daily start and band check, for a day",
    response_model=CheckOut,
)
async def run_check(body: CheckIn, ctx: Ctx, actor: Checker) -> CheckOut:
    if body.on > local_date(ctx.clock.now()):
        raise DomainError("check_in_future", "a day is checked once it has begun", field="on")
    report: CheckReport = await check_allowances(ctx, body.on)
    return CheckOut.model_validate(report, from_attributes=True)
