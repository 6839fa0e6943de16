"""Divisions (区划): the registry is the county's source of townships and villages; every change
is published as ``DivisionRecorded`` (the division's whole state)."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Literal

from fastapi import APIRouter, Query
from pydantic import BaseModel, Field

from minzheng_eventstore.deps import Ctx
from minzheng_eventstore.errors_api import refusals

from ...application.places import divisions as app
from ...domain.places.divisions import Division
from ..common import strict
from .common import Day, DayQuery, DivisionPath, DivisionReader, DivisionRecorder, DivisionText, Name

router = APIRouter(tags=["divisions"], responses=refusals(401, 403))


class DivisionIn(BaseModel):
    model_config = strict({"code": "330727101203", "name": "花溪村", "valid_from": "2026-03-01"})
    code: DivisionText = Field(description="9 digits a township, 12 a village; the parent is the prefix")
    name: Name
    valid_from: Day


class RenameIn(BaseModel):
    model_config = strict({"name": "安文街道", "renamed_on": "2026-04-01"})
    name: Name
    renamed_on: Day


class AbolishIn(BaseModel):
    model_config = strict({"valid_to": "2026-12-31"})
    valid_to: Day = Field(description="the first day the division no longer exists")


class NameSince(BaseModel):
    name: str
    since: date


class DivisionOut(BaseModel):
    code: str
    name: str = Field(description="the name (on `as_of` in a list, else the latest)")
    level: Literal["township", "village"]
    parent: str
    valid_from: date
    valid_to: date | None
    names: list[NameSince]


class Republished(BaseModel):
    published: int = Field(description="divisions stated again (each one `DivisionRecorded`)")


def out(d: Division, on: date | None = None) -> DivisionOut:
    return DivisionOut(
        code=d.code,
        name=d.name if on is None else d.name_on(on),
        level=d.level,
        parent=d.parent,
        valid_from=d.valid_from,
        valid_to=d.valid_to,
        names=[NameSince(name=n, since=s) for s, n in d.names],
    )


@router.post(
    "/divisions",
    status_code=201,
    summary="Record a township or village (区划设立)",
    responses=refusals(404, 409, 422),
)
async def record(body: DivisionIn, ctx: Ctx, actor: DivisionRecorder) -> DivisionOut:
    """A township (9 digits) or village (12 digits) of the county, in force from `valid_from`. Its
    level is the code's length, its parent the prefix: a village's township must be recorded and in
    force on `valid_from` (422 `parent_not_found`, `parent_not_in_force`). A code is recorded once
    and never reused (409 `division_exists`). Published as `DivisionRecorded`."""
    return out(await app.establish(ctx, actor, code=body.code, name=body.name, valid_from=body.valid_from))


@router.post(
    "/divisions/{code}/rename", summary="Rename a division (区划更名)", responses=refusals(404, 409, 422)
)
async def rename(code: DivisionPath, body: RenameIn, ctx: Ctx, actor: DivisionRecorder) -> DivisionOut:
    """The division's new name from `renamed_on` (after its current name's first day, before it is
    abolished); the former names stay in `names`. Published as `DivisionRecorded`."""
    return out(await app.rename(ctx, actor, code=code, name=body.name, on=body.renamed_on))


@router.post(
    "/divisions/{code}/abolition", summary="Abolish a division (区划撤销)", responses=refusals(404, 409, 422)
)
async def abolish(code: DivisionPath, body: AbolishIn, ctx: Ctx, actor: DivisionRecorder) -> DivisionOut:
    """The division no longer exists from `valid_to`; a township only once none of its villages
    exists on that day (409 `division_has_villages`). Published as `DivisionRecorded`."""
    return out(await app.abolish(ctx, actor, code=code, valid_to=body.valid_to))


@router.post("/divisions/republish", summary="Publish every division again", responses=refusals(422))
async def republish(ctx: Ctx, actor: DivisionRecorder) -> Republished:
    """Every division's current state published again as `DivisionRecorded`, townships first (a
    consumer that joins late learns the whole list; consumers upsert by code, so a repeat changes
    nothing)."""
    return Republished(published=await app.republish(ctx, actor))


@router.get("/divisions", summary="The divisions (on a date)", responses=refusals(422))
async def listing(
    ctx: Ctx,
    actor: DivisionReader,
    level: Annotated[Literal["township", "village"] | None, Query(description="township or village")] = None,
    parent: Annotated[
        str | None, Query(pattern=r"^[1-9]\d{5}(\d{3})?$", description="the parent's code")
    ] = None,
    as_of: DayQuery = None,
) -> list[DivisionOut]:
    """The divisions in the caller's division, by code: with `as_of`, those in force on that day
    with their name of that day; without it, every division ever recorded (abolished ones with
    `valid_to`)."""
    state = await app.current(ctx)
    return [out(d, as_of) for d in state.listed(on=as_of, level=level, parent=parent) if actor.within(d.code)]
