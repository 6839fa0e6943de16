"""Home-care centres (居家养老服务中心) and their subsidies over HTTP: plan, built, accepted,
operating; subsidy rounds; a centre's subsidy paid once per its key; the lists with filters and
paging, one centre, the figures.

Every input is bounded and strict; refusals come from the domain (422 naming the field and the
rule, 409 for the state, 404), never a 500, with nothing written. A repeated plan, round or
payment answers 200 with the first result."""

from __future__ import annotations

import uuid
from dataclasses import asdict
from datetime import date
from enum import Enum
from typing import Annotated

from fastapi import APIRouter, Path, Query, Response
from pydantic import BaseModel, Field, StringConstraints

from minzheng_contracts import DivisionCode
from minzheng_eventstore import Actor
from minzheng_eventstore.access import permit
from minzheng_eventstore.deps import Ctx
from minzheng_eventstore.errors_api import refusals

from ...application.centres import handlers as h
from ...application.centres import payments as pay
from ...application.centres import queries as q
from ...application.centres import reads
from ...application.subsidies.reads import paid_from_round
from ...domain.centres import centre as c
from ...domain.centres import subsidies as s
from ..common import strict

router = APIRouter(responses=refusals(401, 403, 422))
TAGS: list[str | Enum] = ["home-care centres"]
ROUND_TAGS: list[str | Enum] = ["subsidies"]

EXAMPLE_CENTRE = "c0c0e000-0000-4000-8000-000000000001"
Name = Annotated[str, StringConstraints(min_length=1, max_length=100, pattern=r"^[^\x00-\x1f\x7f]+$")]
Reference = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9][A-Za-z0-9-]{0,39}$")]
RoundId = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9][A-Za-z0-9-]{0,39}$")]
Day = Annotated[date, Field(ge=date(2000, 1, 1), le=date(2199, 12, 31))]
Fen = Annotated[int, Field(ge=0, le=10_000_000_000)]
CentrePath = Annotated[uuid.UUID, Path(description="the centre's id", examples=[EXAMPLE_CENTRE])]

Recorder = Annotated[Actor, permit("centres.record")]
Acceptor = Annotated[Actor, permit("centres.accept")]
Payer = Annotated[Actor, permit("centres.pay")]
Reader = Annotated[Actor, permit("centres.read")]


class PlanIn(BaseModel):
    model_config = strict(
        {
            "centre_id": EXAMPLE_CENTRE,
            "name": "城关镇东门村居家养老服务中心",
            "division": "330727101201",
            "planned_on": "2026-01-15",
        }
    )
    centre_id: uuid.UUID | None = Field(default=None, description="the centre's id (a repeat with it is 200)")
    name: Name
    division: DivisionCode = Field(description="the township (9 digits) or village (12) within the county")
    planned_on: Day


class BuiltIn(BaseModel):
    model_config = strict({"built_on": "2026-02-20"})
    built_on: Day


class AcceptedIn(BaseModel):
    model_config = strict({"accepted_on": "2026-02-27"})
    accepted_on: Day


class OpenedIn(BaseModel):
    model_config = strict({"opened_on": "2026-03-01"})
    opened_on: Day


class CentreOut(BaseModel):
    centre_id: str
    name: str
    division: str
    status: str = Field(description="planned | built | accepted | operating")
    planned_on: date | None
    built_on: date | None
    accepted_on: date | None
    opened_on: date | None


class CentrePage(BaseModel):
    total: int
    items: list[CentreOut]


class CentreFiguresOut(BaseModel):
    total: int
    by_status: dict[str, int]
    by_township: dict[str, int]
    accepted_by_year: dict[str, int] = Field(description="centres accepted (newly finished) per year")


class Amounts(BaseModel):
    model_config = strict({"construction": 47_000_000, "operating": 82_700_000, "meals": 99_478_000})
    construction: Fen = 0
    operating: Fen = 0
    meals: Fen = 0


class RoundIn(BaseModel):
    model_config = strict(
        {
            "round_id": "330727-2026",
            "year": 2026,
            "total_fen": 229_178_000,
            "decided_on": "2026-01-10",
            "amounts": {"construction": 47_000_000, "operating": 82_700_000, "meals": 99_478_000},
        }
    )
    round_id: RoundId
    year: int = Field(ge=2000, le=2199)
    total_fen: Fen = Field(description="the round's total; the types' amounts add up to it")
    amounts: Amounts
    decided_on: Day
    jurisdiction: DivisionCode | None = Field(default=None, description="the county (default) or a township")


class RoundOut(BaseModel):
    round_id: str
    year: int
    total_fen: int
    amounts: dict[str, int]
    paid: dict[str, int] = Field(description="what is paid from the round so far, per type")
    decided_on: date | None
    jurisdiction: str


class PaymentIn(BaseModel):
    model_config = strict(
        {
            "kind": "operating",
            "reference": "2026",
            "amount_fen": 661_600,
            "round_id": "330727-2026",
            "paid_on": "2026-03-02",
        }
    )
    kind: s.SubsidyKind = Field(description="construction 建设 | operating 运行 | meals 就餐")
    reference: Reference = Field(description="the period or reference: one payment per type, centre and it")
    amount_fen: int = Field(ge=1, le=1_000_000_000)
    round_id: RoundId
    paid_on: Day


class PaymentOut(BaseModel):
    payment_id: str
    centre_id: str
    division: str
    kind: str
    reference: str
    amount_fen: int
    round_id: str
    paid_on: date


def centre_out(st: c.Centre) -> CentreOut:
    return CentreOut(
        centre_id=st.centre_id or "",
        name=st.name,
        division=st.division,
        status=st.status.value,
        planned_on=st.planned_on,
        built_on=st.built_on,
        accepted_on=st.accepted_on,
        opened_on=st.opened_on,
    )


def payment_out(f: s.CareCentreSubsidyPaid) -> PaymentOut:
    return PaymentOut(
        payment_id=f.payment_id,
        centre_id=f.centre_id,
        division=f.division,
        kind=f.kind,
        reference=f.reference,
        amount_fen=f.amount_fen,
        round_id=f.round_id,
        paid_on=date.fromisoformat(f.paid_on),
    )


def _repeat(response: Response, created: bool) -> None:
    if not created:
        response.status_code = 200


@router.post(
    "/care-centres",
    status_code=201,
    tags=TAGS,
    summary="Plan a home-care centre (规划居家养老服务中心)",
    response_model=CentreOut,
    responses=refusals(409),
)
async def plan(body: PlanIn, ctx: Ctx, actor: Recorder, response: Response) -> CentreOut:
    """201 planned; the same `centre_id` with the same plan again is 200 with the centre, with
    another plan 409 `id_reused`. A county code is 422 `not_township_or_village`."""
    state, created = await h.plan(
        ctx,
        actor,
        centre_id=str(body.centre_id or uuid.uuid4()),
        name=body.name,
        division=str(body.division),
        planned_on=body.planned_on,
    )
    _repeat(response, created)
    return centre_out(state)


@router.post(
    "/care-centres/{centre_id}/built",
    status_code=201,
    tags=TAGS,
    summary="Record the centre built (建成)",
    response_model=CentreOut,
    responses=refusals(404, 409),
)
async def built(centre_id: CentrePath, body: BuiltIn, ctx: Ctx, actor: Recorder) -> CentreOut:
    """Only a planned centre (409 `centre_already_built`), not before the plan (422
    `built_before_planned`) nor after today (422 `built_in_future`)."""
    return centre_out(await h.build(ctx, actor, str(centre_id), body.built_on))


@router.post(
    "/care-centres/{centre_id}/accepted",
    status_code=201,
    tags=TAGS,
    summary="Accept the centre (验收: one accepted as each is finished)",
    response_model=CentreOut,
    responses=refusals(404, 409),
)
async def accepted(centre_id: CentrePath, body: AcceptedIn, ctx: Ctx, actor: Acceptor) -> CentreOut:
    """Only a built centre (409 `centre_not_built`, `centre_already_accepted`), not before it was
    built (422 `accepted_before_built`)."""
    return centre_out(await h.accept(ctx, actor, str(centre_id), body.accepted_on))


@router.post(
    "/care-centres/{centre_id}/operating",
    status_code=201,
    tags=TAGS,
    summary="Record the centre operating (投入运营)",
    response_model=CentreOut,
    responses=refusals(404, 409),
)
async def operating(centre_id: CentrePath, body: OpenedIn, ctx: Ctx, actor: Recorder) -> CentreOut:
    """Only an accepted centre (409 `centre_not_accepted`, `centre_already_operating`)."""
    return centre_out(await h.open_centre(ctx, actor, str(centre_id), body.opened_on))


@router.get("/care-centres", tags=TAGS, summary="The centres, filtered and paged", response_model=CentrePage)
async def list_centres(
    ctx: Ctx,
    actor: Reader,
    township: Annotated[DivisionCode | None, Query(description="a township or village code")] = None,
    status: c.Status | None = None,
    offset: Annotated[int, Query(ge=0, le=100_000)] = 0,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
) -> CentrePage:
    total, rows = await reads.centres(
        ctx,
        actor,
        township=str(township) if township else None,
        status=status.value if status else None,
        offset=offset,
        limit=limit,
    )
    return CentrePage(total=total, items=[CentreOut(**asdict(row)) for row in rows])


@router.get(
    "/care-centres/figures",
    tags=TAGS,
    summary="The centres by status, township and year of acceptance",
    response_model=CentreFiguresOut,
)
async def centre_figures(
    ctx: Ctx,
    actor: Reader,
    township: Annotated[DivisionCode | None, Query(description="a township or village code")] = None,
) -> CentreFiguresOut:
    f = await reads.figures(ctx, actor, township=str(township) if township else None)
    return CentreFiguresOut(
        total=f.total, by_status=f.by_status, by_township=f.by_township, accepted_by_year=f.accepted_by_year
    )


@router.get(
    "/care-centres/{centre_id}",
    tags=TAGS,
    summary="One centre",
    response_model=CentreOut,
    responses=refusals(404),
)
async def get_centre(centre_id: CentrePath, ctx: Ctx, actor: Reader) -> CentreOut:
    return centre_out(await q.centre(ctx.store, actor, str(centre_id)))


@router.post(
    "/care-centres/{centre_id}/subsidies",
    status_code=201,
    tags=TAGS,
    summary="Pay a centre a subsidy (建设 / 运行 / 就餐补助)",
    response_model=PaymentOut,
    responses=refusals(404, 409),
)
async def pay_centre(
    centre_id: CentrePath, body: PaymentIn, ctx: Ctx, actor: Payer, response: Response
) -> PaymentOut:
    """Only to an accepted or operating centre (409 `centre_not_accepted`), from a round's amount
    for the type (422 `over_round_amount`, `kind_not_in_round`; 404 `round_not_found`). Once per
    type, centre and reference: a repeat is 200 with the first payment; the same key with another
    amount or round is 409 `already_paid_differently`."""
    fact, created = await pay.pay(
        ctx,
        actor,
        centre_id=str(centre_id),
        kind=body.kind,
        reference=body.reference,
        amount_fen=body.amount_fen,
        round_id=body.round_id,
        paid_on=body.paid_on,
    )
    _repeat(response, created)
    return payment_out(fact)


def round_out(r: s.SubsidyRound, paid: dict[str, int]) -> RoundOut:
    return RoundOut(
        round_id=r.round_id or "",
        year=r.year,
        total_fen=r.total_fen,
        amounts=dict(r.amounts or {}),
        paid=paid,
        decided_on=r.decided_on,
        jurisdiction=r.jurisdiction,
    )


@router.post(
    "/subsidy-rounds",
    status_code=201,
    tags=ROUND_TAGS,
    summary="Set a round of centre subsidies (补助批次): its total and types",
    response_model=RoundOut,
    responses=refusals(409),
)
async def set_round(body: RoundIn, ctx: Ctx, actor: Payer, response: Response) -> RoundOut:
    """The types' amounts add up to the total (422 `types_do_not_add_up`, nothing written). The
    same round again is 200; other figures under its id 409 `round_exists`."""
    amounts = {
        s.SubsidyKind.CONSTRUCTION: body.amounts.construction,
        s.SubsidyKind.OPERATING: body.amounts.operating,
        s.SubsidyKind.MEALS: body.amounts.meals,
    }
    state, created = await pay.set_round(
        ctx,
        actor,
        round_id=body.round_id,
        year=body.year,
        total_fen=body.total_fen,
        amounts=amounts,
        decided_on=body.decided_on,
        jurisdiction=str(body.jurisdiction or ctx.county),
    )
    _repeat(response, created)
    return round_out(state, {})


@router.get(
    "/subsidy-rounds/{round_id}",
    tags=ROUND_TAGS,
    summary="One subsidy round, with what is paid from it",
    response_model=RoundOut,
    responses=refusals(404),
)
async def get_round(round_id: Annotated[RoundId, Path()], ctx: Ctx, actor: Reader) -> RoundOut:
    state = await q.round_(ctx.store, actor, round_id)
    return round_out(state, await paid_from_round(ctx, round_id))
