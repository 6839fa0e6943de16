"""The HTTP routes of death registration (死亡登记): a registration, its corrections and the
revocation of a declaration of death. The models are in ``models``."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Path

from minzheng_eventstore import Actor
from minzheng_eventstore.access import permit
from minzheng_eventstore.deps import Ctx
from minzheng_eventstore.errors_api import refusals

from ...application.marriage import handlers as h
from ...application.people import DEATH
from .models import (
    CorrectionIn,
    DeathIn,
    DeathOut,
    RevocationIn,
    RevokedOut,
    death_out,
    recorded,
)

router = APIRouter(tags=["marriage"], responses=refusals(401, 403))
DeathRegistrar = Annotated[Actor, permit("death.register")]
DeathReader = Annotated[Actor, permit("death.read")]


@router.post("/deaths", status_code=201, summary="Register a death (死亡登记)", responses=refusals(409, 422))
async def register_death(body: DeathIn, ctx: Ctx, actor: DeathRegistrar) -> DeathOut:
    """One per person (409 `death_already_registered` naming the first registration). The date of
    death is not before the birth date (422 `date_of_death_before_birth`) nor after today (422
    `date_of_death_in_future`). A current marriage ends by death (the spouse widowed) and an open
    divorce application is terminated, in the same transaction."""
    record = await h.register_death(
        ctx,
        actor,
        deceased=body.deceased,
        date_of_death=body.date_of_death,
        place=body.place,
        residence=body.residence,
        office=body.office,
        declared=body.declared,
        registration_id=body.registration_id,
    )
    return death_out(actor, record)


@router.get("/deaths/{registration_id}", summary="One death registration", responses=refusals(404, 422))
async def get_death(
    registration_id: Annotated[uuid.UUID, Path(description="the registration's id")],
    ctx: Ctx,
    actor: DeathReader,
) -> DeathOut:
    """The registration with its corrections applied (404 `death_not_found`)."""
    stream, office = await h.death_stream_of(ctx, registration_id)
    actor.require_within(office, "registration_id")
    await recorded(ctx, actor, [stream], "death")
    return death_out(actor, DEATH.fold(await ctx.store.read_stream(stream)))


@router.post(
    "/deaths/{registration_id}/corrections",
    summary="Correct a death registration (更正)",
    responses=refusals(404, 409, 422),
)
async def correct_death(
    registration_id: Annotated[uuid.UUID, Path(description="the registration's id")],
    body: CorrectionIn,
    ctx: Ctx,
    actor: DeathRegistrar,
) -> DeathOut:
    """A `DeathRegistrationCorrected` (published on `registry.death.corrected`); the registration
    itself never changes. 409 `nothing_to_correct` when nothing differs."""
    record = await h.correct_death(
        ctx,
        actor,
        registration_id=registration_id,
        date_of_death=body.date_of_death,
        place=body.place,
        residence=body.residence,
        reason=body.reason,
    )
    return death_out(actor, record)


@router.post(
    "/deaths/{registration_id}/revocation",
    summary="Revoke a declaration of death (撤销死亡宣告)",
    responses=refusals(404, 409, 422),
)
async def revoke_death(
    registration_id: Annotated[uuid.UUID, Path(description="the registration's id")],
    body: RevocationIn,
    ctx: Ctx,
    actor: DeathRegistrar,
) -> RevokedOut:
    """Only a court's declaration of death (`declared: true`) is revoked (409
    `not_a_declared_death`). The person is alive again; the marriage it ended revives unless the
    spouse has remarried or declined in writing (Civil Code art. 51)."""
    r = await h.revoke_death(
        ctx,
        actor,
        registration_id=registration_id,
        reason=body.reason,
        spouse_declines=body.spouse_declines_revival,
    )
    return RevokedOut(**death_out(actor, r.record).model_dump(), marriage_revived=r.marriage_revived)
