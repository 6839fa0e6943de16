"""The HTTP routes of divorce registration (离婚登记, Civil Code art. 1077): an application, its
withdrawal, the certificate, and the applications by state. The models are in ``models``."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Query

from minzheng_eventstore import Actor
from minzheng_eventstore.access import permit
from minzheng_eventstore.deps import Ctx
from minzheng_eventstore.errors_api import refusals

from ...application.marriage import handlers as h
from . import projection
from .models import (
    ApplicationOut,
    ApplicationPath,
    DivorceApplicationIn,
    DivorceCertificateIn,
    DivorceOut,
    Limit,
    MarriagePath,
    Offset,
    WithdrawalIn,
    application_out,
)

router = APIRouter(tags=["marriage"], responses=refusals(401, 403))
DivorceRegistrar = Annotated[Actor, permit("divorce.register")]
DivorceReader = Annotated[Actor, permit("divorce.read")]


@router.post(
    "/marriages/{marriage_id}/divorce-applications",
    status_code=201,
    summary="Receive a divorce application (离婚登记申请)",
    responses=refusals(404, 409, 422),
)
async def apply_for_divorce(
    marriage_id: MarriagePath, body: DivorceApplicationIn, ctx: Ctx, actor: DivorceRegistrar
) -> ApplicationOut:
    """Both in person with a written agreement (422 `both_parties_in_person`,
    `written_agreement_required`). Day 0 is today: the cooling-off ends at the end of day 30, the
    certificate deadline at the end of day 60 (standards), each moved to the next working day. At
    most one open application per marriage (409 `divorce_application_open`)."""
    a = await h.apply_for_divorce(
        ctx,
        actor,
        marriage_id=marriage_id,
        office=body.office,
        both_present=body.both_present,
        written_agreement=body.written_agreement,
        application_id=body.application_id,
    )
    return application_out(str(marriage_id), a)


@router.post(
    "/marriages/{marriage_id}/divorce-applications/{application_id}/withdrawal",
    summary="Withdraw a divorce application (撤回)",
    responses=refusals(404, 409, 422),
)
async def withdraw_divorce(
    marriage_id: MarriagePath,
    application_id: ApplicationPath,
    body: WithdrawalIn,
    ctx: Ctx,
    actor: DivorceRegistrar,
) -> ApplicationOut:
    """Either party, until the cooling-off period ends (409 `cooling_off_over` after)."""
    a = await h.withdraw_divorce(
        ctx, actor, marriage_id=marriage_id, application_id=application_id, by=body.by
    )
    return application_out(str(marriage_id), a)


@router.post(
    "/marriages/{marriage_id}/divorce-applications/{application_id}/certificate",
    status_code=201,
    summary="Register the divorce and issue the certificate (离婚登记)",
    responses=refusals(404, 409, 422),
)
async def request_divorce_certificate(
    marriage_id: MarriagePath,
    application_id: ApplicationPath,
    body: DivorceCertificateIn,
    ctx: Ctx,
    actor: DivorceRegistrar,
) -> DivorceOut:
    """Both in person, at the receiving office (422 `not_the_receiving_office`), after the cooling-off
    (409 `cooling_off_not_over`) and by the deadline (409 `certificate_deadline_passed`): the
    marriage is dissolved, an `L…` certificate issued."""
    r = await h.request_divorce_certificate(
        ctx,
        actor,
        marriage_id=marriage_id,
        application_id=application_id,
        office=body.office,
        both_present=body.both_present,
    )
    return DivorceOut(
        marriage_id=r.marriage_id,
        application_id=r.application_id,
        certificate_number=r.certificate_number,
        registered_on=r.registered_on,
        office=r.office,
    )


@router.get("/divorce-applications", summary="Divorce applications, by state", responses=refusals(422))
async def list_divorce_applications(
    ctx: Ctx,
    actor: DivorceReader,
    state: Annotated[
        Literal["received", "withdrawn", "lapsed", "registered", "terminated"] | None, Query()
    ] = None,
    limit: Limit = 50,
    offset: Offset = 0,
) -> list[ApplicationOut]:
    """The applications of the offices the caller reaches, newest first (filter `state`)."""
    await ctx.projection(projection.NAME).catch_up()
    async with ctx.store.pool.acquire() as conn:
        rows = await conn.fetch(
            "SELECT * FROM registry_divorce_applications WHERE ($1::text IS NULL OR state = $1) "
            "AND office LIKE $2 || '%' ORDER BY received_on DESC, application_id LIMIT $3 OFFSET $4",
            state,
            actor.jurisdiction or "",
            limit,
            offset,
        )
    return [
        ApplicationOut(
            application_id=str(r["application_id"]),
            marriage_id=str(r["marriage_id"]),
            office=r["office"],
            state=r["state"],
            received_on=r["received_on"],
            cooling_off_ends=r["cooling_off_ends"],
            certificate_deadline=r["certificate_deadline"],
        )
        for r in rows
    ]
