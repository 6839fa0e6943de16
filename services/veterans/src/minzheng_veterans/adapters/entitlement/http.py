"""Entitled persons (优抚对象) over HTTP: recognition, transfer in, grade and category changes,
suspension and its lifting, cancellation, transfer out, one entitlement, the list with filters
(category, status, township) and paging. Bounded inputs; refusals 4xx with nothing written."""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable
from datetime import date
from enum import Enum
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Path, Query
from pydantic import BaseModel, Field

from minzheng_contracts import DivisionCode, Period, ResidentId
from minzheng_eventstore import Actor
from minzheng_eventstore.access import permit
from minzheng_eventstore.context import ServiceContext
from minzheng_eventstore.deps import Ctx
from minzheng_eventstore.errors_api import refusals

from ...application.entitlement import handlers as h
from ...application.entitlement import queries as q
from ...domain.entitlement import entitlement as e
from ...domain.entitlement.categories import Category, Terms, terms
from ..common import shown, strict
from ..conscripts.http import Day, Text

router = APIRouter(responses=refusals(401, 403, 422))

EXAMPLE = "e1700000-0000-4000-8000-000000000001"
EntitlementPath = Annotated[uuid.UUID, Path(description="the entitlement's id", examples=[EXAMPLE])]
TAGS: list[str | Enum] = ["entitlement"]
Route = Callable[..., Awaitable["EntitlementOut"]]

Filer = Annotated[Actor, permit("entitlement.file")]
Decider = Annotated[Actor, permit("entitlement.decide")]
Reader = Annotated[Actor, permit("entitlement.read")]

Nature = Literal["war", "duty", "illness"]
Survivor = Literal["martyr", "duty", "illness"]
RedArmyKind = Literal["home", "west_route", "dispersed"]
CATEGORY = (
    "disabled 残疾军人 (nature, grade) | survivor 三属 (survivor) | red_army 三红 (red_army_kind) | "
    "demobilised 在乡老复员 | "
    "ill_returned 带病回乡 | combat_or_test 参战参试 | rural_veteran_60 农村籍老兵 (service_years) | "
    "martyr_elderly_child 烈士老年子女"
)


class TermsFields(BaseModel):
    category: Category = Field(description=CATEGORY)
    nature: Nature | None = Field(default=None, description="disabled: war 因战 | duty 因公 | illness 因病")
    grade: int | None = Field(default=None, ge=1, le=10, description="disabled: 1–10")
    survivor: Survivor | None = Field(
        default=None, description="martyr 烈属 | duty 因公牺牲遗属 | illness 病故遗属"
    )
    service_years: int | None = Field(
        default=None, ge=1, le=60, description="rural_veteran_60: conscript years"
    )
    red_army_kind: RedArmyKind | None = Field(
        default=None,
        description="red_army: home 在乡红军老战士 | west_route 西路军红军老战士 | dispersed 红军失散人员 "
        "(each its own standard)",
    )

    def terms(self, from_period: Period) -> Terms:
        return terms(
            self.category,
            from_period,
            nature=self.nature,
            grade=self.grade,
            survivor=self.survivor,
            service_years=self.service_years,
            red_army_kind=self.red_army_kind,
        )


RECOGNITION = {
    "resident_id": "330727195203040019",
    "residence": "330727101201",
    "category": "disabled",
    "nature": "war",
    "grade": 4,
    "approved_on": "2026-02-10",
}


RED_ARMY_RECOGNITION = {
    "resident_id": "330727192803040019",
    "residence": "330727101201",
    "category": "red_army",
    "red_army_kind": "dispersed",
    "approved_on": "2026-02-10",
}


class RecognitionIn(TermsFields):
    model_config = strict(RECOGNITION, RED_ARMY_RECOGNITION)
    resident_id: ResidentId
    residence: DivisionCode = Field(description="the village of residence (its county pays)")
    approved_on: Day = Field(
        description="the grade's (or the entitlement's) approval: paid from the next month"
    )

    async def recognise(self, ctx: ServiceContext, actor: Actor, **transfer: Any) -> e.Entitlement:
        """Recognise the person on these terms (a transfer in: with where from and when)."""
        return await h.recognise(
            ctx,
            actor,
            resident_id=self.resident_id,
            residence=str(self.residence),
            terms=self.terms(Period.of(self.approved_on)),
            approved_on=self.approved_on,
            **transfer,
        )


class TransferInIn(RecognitionIn):
    model_config = strict(RECOGNITION | {"transferred_from": "330782", "transferred_on": "2026-02-20"})
    transferred_from: DivisionCode = Field(description="the county that paid until now")
    transferred_on: Day = Field(description="paid here from 1 January after it")


class TermsIn(TermsFields):
    model_config = strict(
        {"category": "disabled", "nature": "war", "grade": 3, "from_period": "2026-05"},
        {"category": "red_army", "red_army_kind": "west_route", "from_period": "2026-05"},
    )
    from_period: Period = Field(description="the first month on the new terms")


class SuspensionIn(BaseModel):
    model_config = strict({"reason": "服刑期间暂停", "from_period": "2026-04"})
    reason: Text
    from_period: Period


class ResumptionIn(BaseModel):
    model_config = strict({"from_period": "2026-08"})
    from_period: Period


class CancellationIn(BaseModel):
    model_config = strict({"reason": "disqualified", "effective_from": "2026-04", "note": "判处有期徒刑"})
    reason: Literal["death", "disqualified", "revoked"] = Field(
        description="death 死亡 | disqualified 丧失资格 | revoked 认定撤销 (transfer out: its own route)"
    )
    effective_from: Period = Field(description="the first month not paid")
    note: Text | None = None


class TransferOutIn(BaseModel):
    model_config = strict({"to_county": "330782", "transferred_on": "2026-03-01"})
    to_county: DivisionCode
    transferred_on: Day


class TermsOut(BaseModel):
    from_period: str
    category: str
    key: str | None = Field(
        description="disabled <nature>.<grade>, survivor kind, 三红 kind (home | west_route | dispersed), "
        "else none"
    )
    service_years: int


class SuspensionOut(BaseModel):
    from_period: str
    reason: str
    resumed_from: str | None


class EntitlementOut(BaseModel):
    entitlement_id: str
    resident_id: str = Field(description="masked except for the county approver and the auditor")
    residence: str
    category: str
    key: str | None
    status: str = Field(description="active | suspended | cancelled | transferred_out")
    approved_on: date | None
    starts: str | None = Field(description="the first month paid here")
    ended_from: str | None = Field(description="the first month not paid (cancelled or transferred out)")
    cancel_reason: str | None
    transferred_from: str | None
    transferred_to: str | None
    terms: list[TermsOut]
    suspensions: list[SuspensionOut]


class EntitlementPage(BaseModel):
    total: int
    items: list[EntitlementOut]


def _command(step: str, summary: str) -> Callable[[Route], Route]:
    """A command on one entitlement: ``POST /entitlements/{id}/<step>``, 201 with its state."""
    return router.post(
        f"/entitlements/{{entitlement_id}}/{step}",
        status_code=201,
        tags=TAGS,
        summary=summary,
        response_model=EntitlementOut,
        responses=refusals(404, 409),
    )


def entitlement_out(actor: Actor, s: e.Entitlement) -> EntitlementOut:
    return EntitlementOut(
        entitlement_id=s.entitlement_id or "",
        resident_id=shown(actor, s.resident_id),
        residence=s.residence,
        category=s.current.category.value,
        key=s.current.key,
        status=s.status.value,
        approved_on=s.approved_on,
        starts=None if s.starts is None else str(s.starts),
        ended_from=None if s.ended_from is None else str(s.ended_from),
        cancel_reason=s.cancel_reason,
        transferred_from=s.transferred_from,
        transferred_to=s.transferred_to,
        terms=[
            TermsOut(
                from_period=str(t.from_period),
                category=t.category.value,
                key=t.key,
                service_years=t.service_years,
            )
            for t in s.terms
        ],
        suspensions=[
            SuspensionOut(
                from_period=str(x.from_period),
                reason=x.reason,
                resumed_from=None if x.resumed_from is None else str(x.resumed_from),
            )
            for x in s.suspensions
        ],
    )


@router.post(
    "/entitlements",
    status_code=201,
    tags=TAGS,
    summary="Recognise an entitled person in a category (优抚对象认定)",
    response_model=EntitlementOut,
    responses=refusals(409),
)
async def recognise(body: RecognitionIn, ctx: Ctx, actor: Decider) -> EntitlementOut:
    """Once per person and category (409 `already_recognised`); paid from the month after
    `approved_on`."""
    return entitlement_out(actor, await body.recognise(ctx, actor))


@router.post(
    "/entitlement-transfers-in",
    status_code=201,
    tags=TAGS,
    summary="Take over an entitled person transferred from another county (迁入)",
    response_model=EntitlementOut,
    responses=refusals(409),
)
async def transfer_in(body: TransferInIn, ctx: Ctx, actor: Decider) -> EntitlementOut:
    """The old county pays the year of the transfer; this county pays from the next 1 January."""
    transfer = {"transferred_from": str(body.transferred_from), "transferred_on": body.transferred_on}
    return entitlement_out(actor, await body.recognise(ctx, actor, **transfer))


@_command("terms", "Change the grade or the category from a month (调级 · 类别变更)")
async def change(entitlement_id: EntitlementPath, body: TermsIn, ctx: Ctx, actor: Filer) -> EntitlementOut:
    """Months before `from_period` keep the old terms."""
    state = await h.change_terms(ctx, actor, str(entitlement_id), body.terms(body.from_period))
    return entitlement_out(actor, state)


@_command("suspension", "Suspend the pension from a month, with a reason (暂停发放)")
async def suspend(
    entitlement_id: EntitlementPath, body: SuspensionIn, ctx: Ctx, actor: Filer
) -> EntitlementOut:
    state = await h.suspend(ctx, actor, str(entitlement_id), reason=body.reason, from_period=body.from_period)
    return entitlement_out(actor, state)


@_command("resumption", "Lift the suspension from a month (恢复发放)")
async def resume(
    entitlement_id: EntitlementPath, body: ResumptionIn, ctx: Ctx, actor: Filer
) -> EntitlementOut:
    state = await h.resume(ctx, actor, str(entitlement_id), from_period=body.from_period)
    return entitlement_out(actor, state)


@_command("cancellation", "Cancel the entitlement from a month, with a reason (注销)")
async def cancel(
    entitlement_id: EntitlementPath, body: CancellationIn, ctx: Ctx, actor: Decider
) -> EntitlementOut:
    state = await h.cancel(
        ctx,
        actor,
        str(entitlement_id),
        reason=e.CancelReason(body.reason),
        effective_from=body.effective_from,
        note=body.note or "",
    )
    return entitlement_out(actor, state)


@_command("transfer-out", "Transfer to another county (迁出): paid here through December")
async def transfer_out(
    entitlement_id: EntitlementPath, body: TransferOutIn, ctx: Ctx, actor: Filer
) -> EntitlementOut:
    state = await h.transfer_out(
        ctx, actor, str(entitlement_id), to_county=str(body.to_county), transferred_on=body.transferred_on
    )
    return entitlement_out(actor, state)


@router.get(
    "/entitlements",
    tags=TAGS,
    summary="The entitled persons, filtered and paged",
    response_model=EntitlementPage,
)
async def list_entitlements(
    ctx: Ctx,
    actor: Reader,
    category: Annotated[Category | None, Query()] = None,
    status: Annotated[e.Status | None, Query()] = None,
    township: Annotated[str | None, Query(pattern=r"^[0-9]{9}$", description="a township code")] = None,
    offset: Annotated[int, Query(ge=0, le=100_000)] = 0,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
) -> EntitlementPage:
    found = await q.entitlements(
        ctx.store,
        actor,
        category=None if category is None else category.value,
        status=None if status is None else status.value,
        township=township,
    )
    return EntitlementPage(
        total=len(found), items=[entitlement_out(actor, s) for s in found[offset : offset + limit]]
    )


@router.get(
    "/entitlements/{entitlement_id}",
    tags=TAGS,
    summary="One entitlement, with its terms and suspensions",
    response_model=EntitlementOut,
    responses=refusals(404),
)
async def get_entitlement(entitlement_id: EntitlementPath, ctx: Ctx, actor: Reader) -> EntitlementOut:
    return entitlement_out(actor, await q.entitlement(ctx.store, actor, str(entitlement_id)))
