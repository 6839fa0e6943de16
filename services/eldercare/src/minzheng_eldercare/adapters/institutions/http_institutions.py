"""Institutions over HTTP: registration (备案), beds, the list with filters and paging, one
institution; unregistered homes' cases (reported → registered | closed down) and the open ones.

Every input is bounded and strict; refusals come from the domain (422 naming the field, 409 for
the state, 404), never a 500, with nothing written."""

from __future__ import annotations

import uuid
from enum import Enum
from typing import Annotated

from fastapi import APIRouter, Query

from minzheng_contracts import DivisionCode
from minzheng_eventstore import Actor
from minzheng_eventstore.access import permit
from minzheng_eventstore.deps import Ctx
from minzheng_eventstore.errors_api import refusals

from ...application.institutions import queries as q
from ...application.institutions import registration as h
from ...application.institutions import unregistered as uh
from ...domain.institutions import institution as i
from .models import (
    BedsIn,
    CaseClosedDownIn,
    CasePath,
    CaseRegisteredIn,
    InstitutionOut,
    InstitutionPage,
    InstitutionPath,
    RegistrationIn,
    UnregisteredIn,
    UnregisteredOut,
    UnregisteredPage,
    institution_out,
    unregistered_out,
)

router = APIRouter(responses=refusals(401, 403, 422))

Registrar = Annotated[Actor, permit("institutions.register")]
Follower = Annotated[Actor, permit("institutions.follow_up")]
Reader = Annotated[Actor, permit("institutions.read")]
Offset = Annotated[int, Query(ge=0, le=100_000)]
Limit = Annotated[int, Query(ge=1, le=500)]

TAGS: list[str | Enum] = ["institutions"]
HOMES: list[str | Enum] = ["unregistered homes"]


@router.post(
    "/institutions",
    status_code=201,
    tags=TAGS,
    summary="Register an institution (养老机构备案)",
    response_model=InstitutionOut,
    responses=refusals(409),
)
async def register(body: RegistrationIn, ctx: Ctx, actor: Registrar) -> InstitutionOut:
    """The record and, in the same unit, the institution's standing (operating: not suspended, not
    closed) and beds. The same registration re-sent returns its result; the same id with other
    content is 409 `id_reused`; 422 `not_a_township`, `outside_county`."""
    iid = body.institution_id or str(uuid.uuid4())
    await h.register(
        ctx,
        actor,
        institution_id=iid,
        name=body.name,
        kind=body.kind,
        township=str(body.township),
        beds=body.beds,
        model=body.model,
        registered_on=body.registered_on,
    )
    return institution_out(await q.institution(ctx.store, actor, iid))


@router.post(
    "/institutions/{institution_id}/beds",
    status_code=201,
    tags=TAGS,
    summary="Add or remove beds (床位变更)",
    response_model=InstitutionOut,
    responses=refusals(404, 409),
)
async def beds(institution_id: InstitutionPath, body: BedsIn, ctx: Ctx, actor: Registrar) -> InstitutionOut:
    """Never below the occupied beds (409 `beds_occupied`)."""
    await h.change_beds(ctx, actor, institution_id, change=body.change, on=body.on)
    return institution_out(await q.institution(ctx.store, actor, institution_id))


@router.get(
    "/institutions", tags=TAGS, summary="The institutions, filtered and paged", response_model=InstitutionPage
)
async def list_institutions(
    ctx: Ctx,
    actor: Reader,
    township: Annotated[DivisionCode | None, Query(description="a township or village prefix")] = None,
    kind: i.Kind | None = None,
    model: i.OperatingModel | None = None,
    status: Annotated[str | None, Query(pattern=r"^(operating|admissions_suspended|closed)$")] = None,
    offset: Offset = 0,
    limit: Limit = 50,
) -> InstitutionPage:
    """Within the caller's division, with beds and occupied beds (and their totals over the filter)."""
    found = await q.institutions(
        ctx.store,
        actor,
        township=str(township) if township else None,
        kind=kind.value if kind else None,
        model=model.value if model else None,
        status=status,
    )
    return InstitutionPage(
        total=len(found),
        beds=sum(v.institution.beds for v in found),
        occupied=sum(v.occupied for v in found),
        items=[institution_out(v) for v in found[offset : offset + limit]],
    )


@router.get(
    "/institutions/{institution_id}",
    tags=TAGS,
    summary="One institution",
    response_model=InstitutionOut,
    responses=refusals(404),
)
async def get_institution(institution_id: InstitutionPath, ctx: Ctx, actor: Reader) -> InstitutionOut:
    return institution_out(await q.institution(ctx.store, actor, institution_id))


@router.post(
    "/unregistered-homes",
    status_code=201,
    tags=HOMES,
    summary="Report an unregistered home (未备案养老机构)",
    response_model=UnregisteredOut,
    responses=refusals(409),
)
async def report_home(body: UnregisteredIn, ctx: Ctx, actor: Follower) -> UnregisteredOut:
    """A case to follow up until the home registers or is closed down."""
    state = await uh.report(
        ctx,
        actor,
        case_id=str(body.case_id or uuid.uuid4()),
        name=body.name,
        township=str(body.township),
        address=body.address,
        residents=body.residents,
        reported_on=body.reported_on,
    )
    return unregistered_out(state)


@router.post(
    "/unregistered-homes/{case_id}/registered",
    status_code=201,
    tags=HOMES,
    summary="The home filed its record (已备案)",
    response_model=UnregisteredOut,
    responses=refusals(404, 409),
)
async def home_registered(
    case_id: CasePath, body: CaseRegisteredIn, ctx: Ctx, actor: Follower
) -> UnregisteredOut:
    """Names the registered institution (404 `institution_not_found`); 409 `case_closed`."""
    state = await uh.registered(ctx, actor, str(case_id), institution_id=body.institution_id, on=body.on)
    return unregistered_out(state)


@router.post(
    "/unregistered-homes/{case_id}/closed-down",
    status_code=201,
    tags=HOMES,
    summary="The home was closed down (取缔)",
    response_model=UnregisteredOut,
    responses=refusals(404, 409),
)
async def home_closed_down(
    case_id: CasePath, body: CaseClosedDownIn, ctx: Ctx, actor: Follower
) -> UnregisteredOut:
    return unregistered_out(await uh.closed_down(ctx, actor, str(case_id), on=body.on, note=body.note))


@router.get(
    "/unregistered-homes",
    tags=HOMES,
    summary="Unregistered homes' cases (by default the open ones)",
    response_model=UnregisteredPage,
)
async def list_homes(
    ctx: Ctx, actor: Reader, open: bool = True, offset: Offset = 0, limit: Limit = 50
) -> UnregisteredPage:
    found = await q.unregistered_homes(ctx.store, actor, open_only=open)
    return UnregisteredPage(
        total=len(found), items=[unregistered_out(st) for st in found[offset : offset + limit]]
    )


@router.get(
    "/unregistered-homes/{case_id}",
    tags=HOMES,
    summary="One unregistered home's case",
    response_model=UnregisteredOut,
    responses=refusals(404),
)
async def get_home(case_id: CasePath, ctx: Ctx, actor: Reader) -> UnregisteredOut:
    return unregistered_out(await q.unregistered_home(ctx.store, actor, str(case_id)))
