"""Funeral records (殡葬) over HTTP: cremation, burial of the body, the basic-fee waiver, the
ashes' disposition, the record and the cremation rate."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Annotated, Literal

from fastapi import APIRouter, Path, Query
from pydantic import BaseModel, Field

from minzheng_contracts import ResidentId
from minzheng_eventstore.deps import Ctx
from minzheng_eventstore.errors_api import refusals
from minzheng_kernel.errors import DomainError

from ...application.burial import funerals as fun
from ...application.burial import queries as q
from ...domain.burial import funeral as f
from ..common import shown, strict
from .common import (
    EXAMPLE_BURIED,
    EXAMPLE_DECEASED,
    Cremation,
    Day,
    FuneralReader,
    StatisticsReader,
    Text,
    Waiver,
)

router = APIRouter(responses=refusals(401, 403, 422))


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
