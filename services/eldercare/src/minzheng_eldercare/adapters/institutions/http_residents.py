"""Residents over HTTP: admission (入住), leave (请假) and return, medical visits (就医), discharge
(离院), an institution's residents and one person's stays (``GET /residents?person=…``).

An admission is refused 409 `no_free_bed`, `already_resident`, `admissions_suspended` or
`institution_closed`, also under concurrency (the guard rows in its unit). Resident IDs are shown
in full only to the roles that need them (``adapters/common``)."""

from __future__ import annotations

import uuid
from enum import Enum
from typing import Annotated

from fastapi import APIRouter, Query

from minzheng_contracts import ResidentId
from minzheng_eventstore import Actor
from minzheng_eventstore.access import permit
from minzheng_eventstore.deps import Ctx
from minzheng_eventstore.errors_api import refusals
from minzheng_kernel.errors import DomainError

from ...application.institutions import queries as q
from ...application.institutions import residency as h
from .models import (
    AdmissionIn,
    DischargeIn,
    InstitutionPath,
    LeaveIn,
    ResidencyPath,
    ResidentOut,
    ResidentPage,
    ReturnIn,
    VisitIn,
    resident_out,
)

router = APIRouter(responses=refusals(401, 403, 422))

Admitter = Annotated[Actor, permit("institutions.admit")]
Keeper = Annotated[Actor, permit("institutions.residents")]
Reader = Annotated[Actor, permit("institutions.read")]

TAGS: list[str | Enum] = ["residents"]
ONE = "/institutions/{institution_id}/residents/{residency_id}"


@router.post(
    "/institutions/{institution_id}/admissions",
    status_code=201,
    tags=TAGS,
    summary="Admit a resident (入住)",
    response_model=ResidentOut,
    responses=refusals(404, 409),
)
async def admit(institution_id: InstitutionPath, body: AdmissionIn, ctx: Ctx, actor: Admitter) -> ResidentOut:
    """With the agreement (入住协议) and care level. 409 `no_free_bed` (occupied beds never exceed
    beds), `already_resident` (a person lives in one institution), `admissions_suspended`,
    `institution_closed`; 404 `institution_not_found`. Published as `ResidentAdmitted`."""
    state = await h.admit(
        ctx,
        actor,
        institution_id,
        residency_id=str(body.residency_id or uuid.uuid4()),
        person=body.resident_id,
        is_tekun=body.is_tekun,
        care_level=body.care_level,
        agreement_number=body.agreement_number,
        agreement_date=body.agreement_date,
        admitted_on=body.admitted_on,
    )
    return resident_out(actor, state)


@router.post(
    f"{ONE}/leave",
    status_code=201,
    tags=TAGS,
    summary="Grant leave (请假离院)",
    response_model=ResidentOut,
    responses=refusals(404, 409),
)
async def leave(
    institution_id: InstitutionPath, residency_id: ResidencyPath, body: LeaveIn, ctx: Ctx, actor: Keeper
) -> ResidentOut:
    """At most `institutions.leave_max_days` (422 `leave_too_long`). Still away at 00:00 +08:00
    after `return_by`: `leave_overdue` is flagged once (durable deadline `residency-leave`)."""
    state = await h.grant_leave(
        ctx,
        actor,
        institution_id,
        str(residency_id),
        leave_from=body.leave_from,
        return_by=body.return_by,
        reason=body.reason,
    )
    return resident_out(actor, state)


@router.post(
    f"{ONE}/return",
    status_code=201,
    tags=TAGS,
    summary="Return from leave (销假返院)",
    response_model=ResidentOut,
    responses=refusals(404, 409),
)
async def return_(
    institution_id: InstitutionPath, residency_id: ResidencyPath, body: ReturnIn, ctx: Ctx, actor: Keeper
) -> ResidentOut:
    """409 `not_on_leave`."""
    state = await h.return_from_leave(
        ctx, actor, institution_id, str(residency_id), returned_on=body.returned_on
    )
    return resident_out(actor, state)


@router.post(
    f"{ONE}/medical-visits",
    status_code=201,
    tags=TAGS,
    summary="Record a medical visit (就医)",
    response_model=ResidentOut,
    responses=refusals(404, 409),
)
async def visit(
    institution_id: InstitutionPath, residency_id: ResidencyPath, body: VisitIn, ctx: Ctx, actor: Keeper
) -> ResidentOut:
    state = await h.record_visit(
        ctx,
        actor,
        institution_id,
        str(residency_id),
        visited_on=body.visited_on,
        facility=body.facility,
        reason=body.reason,
    )
    return resident_out(actor, state)


@router.post(
    f"{ONE}/discharge",
    status_code=201,
    tags=TAGS,
    summary="Discharge (离院: home, transfer, death)",
    response_model=ResidentOut,
    responses=refusals(404, 409),
)
async def discharge(
    institution_id: InstitutionPath, residency_id: ResidencyPath, body: DischargeIn, ctx: Ctx, actor: Keeper
) -> ResidentOut:
    """Frees the bed and ends the person's stay; a transfer names where to (422
    `transfer_to_required`; the admission there is its own command). Published as
    `ResidentDischarged`. A death registered by the registry discharges by itself."""
    state = await h.discharge(
        ctx,
        actor,
        institution_id,
        str(residency_id),
        destination=body.destination,
        discharged_on=body.discharged_on,
        transfer_to=body.transfer_to,
    )
    return resident_out(actor, state)


@router.get(
    "/institutions/{institution_id}/residents",
    tags=TAGS,
    summary="An institution's residents, paged",
    response_model=ResidentPage,
    responses=refusals(404),
)
async def residents(
    institution_id: InstitutionPath,
    ctx: Ctx,
    actor: Reader,
    status: Annotated[str | None, Query(pattern=r"^(resident|on_leave|discharged)$")] = None,
    leave_overdue: Annotated[bool | None, Query(description="away past the return date")] = None,
    offset: Annotated[int, Query(ge=0, le=100_000)] = 0,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
) -> ResidentPage:
    """Every stay by default; `status` filters, `leave_overdue=true` lists the residents away past
    their return date (flagged once at 00:00 +08:00 after it)."""
    found = await q.residents(ctx.store, actor, institution_id, status=status, leave_overdue=leave_overdue)
    return ResidentPage(
        total=len(found), items=[resident_out(actor, st) for st in found[offset : offset + limit]]
    )


@router.get(ONE, tags=TAGS, summary="One stay", response_model=ResidentOut, responses=refusals(404))
async def one(
    institution_id: InstitutionPath, residency_id: ResidencyPath, ctx: Ctx, actor: Reader
) -> ResidentOut:
    return resident_out(actor, await q.residency(ctx.store, actor, institution_id, str(residency_id)))


@router.get(
    "/residents", tags=TAGS, summary="One person's stays (by resident ID)", response_model=ResidentPage
)
async def person_stays(
    ctx: Ctx,
    actor: Reader,
    person: Annotated[str, Query(min_length=18, max_length=18, pattern=r"^[0-9]{17}[0-9Xx]$")],
    offset: Annotated[int, Query(ge=0, le=10_000)] = 0,
    limit: Annotated[int, Query(ge=1, le=100)] = 20,
) -> ResidentPage:
    """Found by the person's pseudonym; 422 `invalid_resident_id` for a malformed ID."""
    try:
        resident = ResidentId(person)
    except ValueError:
        raise DomainError("invalid_resident_id", "not a valid resident ID", field="person") from None
    found = await q.stays_of(ctx, actor, resident)
    return ResidentPage(
        total=len(found), items=[resident_out(actor, st) for st in found[offset : offset + limit]]
    )
