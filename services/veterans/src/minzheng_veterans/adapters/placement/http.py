"""Discharged soldiers (退役士兵接收安置) over HTTP: reception, report, waiver, placement mode, the
安排工作 steps and post, training, the list with filters and paging, one soldier, the figures.

Every input is bounded; refusals come from the domain (422 naming the field and rule, 409 for the
state, 404), never a 500, with nothing written. Resident IDs are shown in full only to the roles
that need them (``adapters/common``)."""

from __future__ import annotations

import uuid
from datetime import date
from enum import Enum
from typing import Annotated

from fastapi import APIRouter, Path, Query
from pydantic import BaseModel, Field, StringConstraints

from minzheng_contracts import DivisionCode, ResidentId
from minzheng_eventstore import Actor
from minzheng_eventstore.access import permit
from minzheng_eventstore.deps import Ctx
from minzheng_eventstore.errors_api import refusals

from ...application.placement import handlers as h
from ...application.placement import queries as q
from ...domain.placement import soldier as s
from ...domain.placement.eligibility import Honour, Rank, ServiceRecord
from ..common import shown, strict

router = APIRouter(responses=refusals(401, 403, 422))

EXAMPLE_SOLDIER = "5d1e0000-0000-4000-8000-000000000001"
Text = Annotated[str, StringConstraints(min_length=1, max_length=200, pattern=r"^[^\x00-\x1f\x7f]+$")]
Day = Annotated[date, Field(ge=date(1950, 1, 1), le=date(2199, 12, 31))]
SoldierPath = Annotated[uuid.UUID, Path(description="the soldier's id", examples=[EXAMPLE_SOLDIER])]

Receiver = Annotated[Actor, permit("placement.receive")]
Filer = Annotated[Actor, permit("placement.file")]
Waiver = Annotated[Actor, permit("placement.waive")]
Decider = Annotated[Actor, permit("placement.decide")]
Reader = Annotated[Actor, permit("placement.read")]


class ReceptionIn(BaseModel):
    model_config = strict(
        {
            "soldier_id": EXAMPLE_SOLDIER,
            "resident_id": "330727200201150031",
            "residence": "330727101201",
            "rank": "nco",
            "household": "rural",
            "service_years": 12,
            "honours": ["third_class_merit"],
            "discharge_approved_on": "2026-09-01",
        }
    )
    soldier_id: uuid.UUID | None = None
    resident_id: ResidentId
    residence: DivisionCode = Field(description="the division the soldier is received in (安置地)")
    rank: Rank = Field(description="nco 军士 | conscript 义务兵")
    household: s.Household = Field(description="urban 城镇 | rural 农村")
    service_years: int = Field(ge=0, le=40)
    honours: list[Honour] = Field(default_factory=list, max_length=20)
    war_disability_grade: int | None = Field(default=None, ge=1, le=10, description="因战 disability grade")
    martyr_child: bool = False
    discharge_approved_on: Day


class ReportIn(BaseModel):
    model_config = strict(
        {"reported_on": "2026-09-20"}, {"reported_on": "2026-10-20", "justification": "住院治疗"}
    )
    reported_on: Day
    justification: Text | None = Field(default=None, description="the justified reason of a late report")


class WaiverIn(BaseModel):
    model_config = strict({"reason": "逾期未报到且无正当理由"})
    reason: Text


class PlacementIn(BaseModel):
    model_config = strict({"mode": "arranged_work"})
    mode: s.Mode


class StepIn(BaseModel):
    model_config = strict({"step": "written_test"})
    step: s.Step


class PostIn(BaseModel):
    model_config = strict({"employer": "县供电公司", "post": "运维员"})
    employer: Text
    post: Text


class TrainingIn(BaseModel):
    model_config = strict({"course": "driving"})
    course: s.Course


class SoldierOut(BaseModel):
    soldier_id: str
    resident_id: str
    residence: str
    rank: str
    household: str
    status: str = Field(
        description="received | overdue | reported | placement_waived | in_placement | placed"
    )
    discharge_approved_on: date | None
    report_deadline: date | None = Field(description="the last day to report (moved past non-working days)")
    reported_on: date | None
    late_unjustified: bool = Field(description="reported late without a justified reason (flagged)")
    mode: str | None
    steps: list[str]
    post: str | None
    courses: list[str]


def soldier_out(actor: Actor, st: s.Soldier) -> SoldierOut:
    return SoldierOut(
        soldier_id=st.soldier_id or "",
        resident_id=shown(actor, st.resident_id),
        residence=st.residence,
        rank=st.rank,
        household=st.household,
        status=st.status,
        discharge_approved_on=st.discharge_approved_on,
        report_deadline=st.report_deadline,
        reported_on=st.reported_on,
        late_unjustified=st.flagged,
        mode=st.mode,
        steps=list(st.steps),
        post=st.post,
        courses=list(st.courses),
    )


class SoldierPage(BaseModel):
    total: int
    items: list[SoldierOut]


class FiguresOut(BaseModel):
    received: int
    by_group: dict[str, int] = Field(description="nco, urban, rural")
    by_mode: dict[str, int]
    by_status: dict[str, int]
    trainees: dict[str, int]
    problems: list[str] = Field(description="figures that do not reconcile (flagged, not fixed)")


TAGS: list[str | Enum] = ["discharged soldiers"]


@router.post(
    "/soldiers",
    status_code=201,
    tags=TAGS,
    summary="Receive a discharged soldier (接收)",
    response_model=SoldierOut,
    responses=refusals(409),
)
async def receive(body: ReceptionIn, ctx: Ctx, actor: Receiver) -> SoldierOut:
    """The reporting deadline is `placement_report_days` (30) after the approved discharge, moved to
    the next working day; when it passes unreported, `ReportingOverdue` is raised once (durable).
    409 `already_received` for a person received before."""
    record = ServiceRecord(
        body.rank, body.service_years, frozenset(body.honours), body.war_disability_grade, body.martyr_child
    )
    state = await h.receive(
        ctx,
        actor,
        soldier_id=str(body.soldier_id or uuid.uuid4()),
        resident_id=body.resident_id,
        residence=str(body.residence),
        record=record,
        household=body.household,
        discharge_approved_on=body.discharge_approved_on,
    )
    return soldier_out(actor, state)


@router.post(
    "/soldiers/{soldier_id}/report",
    status_code=201,
    tags=TAGS,
    summary="The soldier reports (报到)",
    response_model=SoldierOut,
    responses=refusals(404, 409),
)
async def report(soldier_id: SoldierPath, body: ReportIn, ctx: Ctx, actor: Filer) -> SoldierOut:
    """After the deadline without a justified reason, the report is flagged (`late_unjustified`)."""
    state = await h.report(
        ctx, actor, str(soldier_id), reported_on=body.reported_on, justification=body.justification
    )
    return soldier_out(actor, state)


@router.post(
    "/soldiers/{soldier_id}/waiver",
    status_code=201,
    tags=TAGS,
    summary="Waive the placement benefits (视为放弃安置待遇)",
    response_model=SoldierOut,
    responses=refusals(404, 409),
)
async def waive(soldier_id: SoldierPath, body: WaiverIn, ctx: Ctx, actor: Waiver) -> SoldierOut:
    """Only on a flagged late report or a deadline passed unreported (409 `not_late_unjustified`)."""
    return soldier_out(actor, await h.waive(ctx, actor, str(soldier_id), reason=body.reason))


@router.post(
    "/soldiers/{soldier_id}/placement",
    status_code=201,
    tags=TAGS,
    summary="Decide the placement mode (安置方式)",
    response_model=SoldierOut,
    responses=refusals(404, 409),
)
async def decide(soldier_id: SoldierPath, body: PlacementIn, ctx: Ctx, actor: Decider) -> SoldierOut:
    """安排工作 only on one of its conditions (422 `not_eligible_for_arranged_work`), after the report."""
    return soldier_out(actor, await h.decide_placement(ctx, actor, str(soldier_id), mode=body.mode))


@router.post(
    "/soldiers/{soldier_id}/steps",
    status_code=201,
    tags=TAGS,
    summary="Complete a step of 安排工作 (笔试 → 面试 → 档案审核)",
    response_model=SoldierOut,
    responses=refusals(404, 409),
)
async def step(soldier_id: SoldierPath, body: StepIn, ctx: Ctx, actor: Filer) -> SoldierOut:
    """Strictly in order (409 `step_out_of_order`), each once (409 `step_completed`)."""
    return soldier_out(actor, await h.complete_step(ctx, actor, str(soldier_id), step=body.step))


@router.post(
    "/soldiers/{soldier_id}/post",
    status_code=201,
    tags=TAGS,
    summary="The choice of post (选岗)",
    response_model=SoldierOut,
    responses=refusals(404, 409),
)
async def post(soldier_id: SoldierPath, body: PostIn, ctx: Ctx, actor: Filer) -> SoldierOut:
    """After the three steps (409 `step_out_of_order`), once."""
    state = await h.choose_post(ctx, actor, str(soldier_id), employer=body.employer, post=body.post)
    return soldier_out(actor, state)


@router.post(
    "/soldiers/{soldier_id}/training",
    status_code=201,
    tags=TAGS,
    summary="Enrol in training (驾驶, 电子商务, SIYB)",
    response_model=SoldierOut,
    responses=refusals(404, 409),
)
async def train(soldier_id: SoldierPath, body: TrainingIn, ctx: Ctx, actor: Filer) -> SoldierOut:
    """Once per course (409 `already_enrolled`)."""
    return soldier_out(actor, await h.enrol(ctx, actor, str(soldier_id), course=body.course))


@router.get(
    "/soldiers", tags=TAGS, summary="The discharged soldiers, filtered and paged", response_model=SoldierPage
)
async def list_soldiers(
    ctx: Ctx,
    actor: Reader,
    township: Annotated[DivisionCode | None, Query(description="the division received in")] = None,
    status: Annotated[str | None, Query(pattern=r"^[a-z_]{1,20}$")] = None,
    mode: s.Mode | None = None,
    late_unjustified: bool | None = None,
    offset: Annotated[int, Query(ge=0, le=100_000)] = 0,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
) -> SoldierPage:
    """Within the caller's division."""
    found = await q.soldiers(
        ctx.store,
        actor,
        township=str(township) if township else None,
        status=status,
        mode=mode.value if mode else None,
        flagged=late_unjustified,
    )
    return SoldierPage(
        total=len(found), items=[soldier_out(actor, st) for st in found[offset : offset + limit]]
    )


@router.get(
    "/soldiers/figures", tags=TAGS, summary="Reception figures (接收安置统计)", response_model=FiguresOut
)
async def soldier_figures(ctx: Ctx, actor: Reader) -> FiguresOut:
    """By group (NCO, urban, rural), mode and status, with the trainees; figures that do not
    reconcile are listed in `problems`."""
    f = q.figures(await q.soldiers(ctx.store, actor))
    return FiguresOut(
        received=f.received,
        by_group=f.by_group,
        by_mode=f.by_mode,
        by_status=f.by_status,
        trainees=f.trainees,
        problems=f.problems,
    )


@router.get(
    "/soldiers/{soldier_id}",
    tags=TAGS,
    summary="One discharged soldier",
    response_model=SoldierOut,
    responses=refusals(404),
)
async def get_soldier(soldier_id: SoldierPath, ctx: Ctx, actor: Reader) -> SoldierOut:
    return soldier_out(actor, await q.soldier(ctx.store, actor, str(soldier_id)))
