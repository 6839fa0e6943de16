"""The HTTP routes of marriage registration (结婚登记): marriages, their certificates (补领, 无婚姻
登记记录证明) and a person's marital status. The models are in ``models``."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Path, Query

from minzheng_contracts import ResidentId
from minzheng_eventstore import Actor
from minzheng_eventstore.access import permit
from minzheng_eventstore.deps import Ctx
from minzheng_eventstore.errors import StreamNotFoundError
from minzheng_eventstore.errors_api import refusals
from minzheng_kernel.errors import DomainError

from ...application.marriage import handlers as h
from ...application.marriage.streams import PERSON
from ...application.people import person_stream
from ..common import shown
from . import projection
from .models import (
    Limit,
    MaritalStatusOut,
    MarriageIn,
    MarriageOut,
    MarriagePath,
    MarriageRegisteredOut,
    NoRecordIn,
    NoRecordOut,
    Offset,
    ReissuedOut,
    ReissueIn,
    load_marriage,
    marriage_out,
    recorded,
)

router = APIRouter(tags=["marriage"], responses=refusals(401, 403))
Registrar = Annotated[Actor, permit("marriage.register")]
Reader = Annotated[Actor, permit("marriage.read")]
StatusReader = Annotated[Actor, permit("marriage.status.read")]
Certifier = Annotated[Actor, permit("marriage.certificate.issue")]


@router.post(
    "/marriages",
    status_code=201,
    summary="Register a marriage (结婚登记)",
    responses=refusals(404, 409, 422),
)
async def register_marriage(body: MarriageIn, ctx: Ctx, actor: Registrar) -> MarriageRegisteredOut:
    """Both parties in person (`both_present: true`, else 422 `both_parties_in_person`), one man and
    one woman by ID digit 17 (422 `same_sex`), each at least the legal age in force on the day (422
    `under_age` naming the party), neither currently married (409 `already_married`, also on the
    archive's record) nor deceased (422 `party_deceased`). Any office of the county (2025 条例: not
    tied to the hukou). The certificate number is `J` + office + year + a consecutive serial."""
    r = await h.register_marriage(
        ctx,
        actor,
        party_a=body.party_a,
        party_b=body.party_b,
        office=body.office,
        both_present=body.both_present,
        marriage_id=body.marriage_id,
    )
    return MarriageRegisteredOut(
        marriage_id=r.marriage_id,
        certificate_number=r.certificate_number,
        husband=shown(actor, r.husband.reveal()),
        wife=shown(actor, r.wife.reveal()),
        registered_on=r.registered_on,
        office=r.office,
        status="registered",
        standards=list(r.standards),
    )


@router.get("/marriages", summary="Marriages registered, by office and year", responses=refusals(422))
async def list_marriages(
    ctx: Ctx,
    actor: Reader,
    office: Annotated[str | None, Query(pattern=r"^[1-9][0-9]{5}([0-9]{3})?$")] = None,
    year: Annotated[int | None, Query(ge=1950, le=2199)] = None,
    limit: Limit = 50,
    offset: Offset = 0,
) -> list[MarriageOut]:
    """The marriages of the offices the caller reaches, newest first (filters `office`, `year`)."""
    await ctx.projection(projection.NAME).catch_up()
    async with ctx.store.pool.acquire() as conn:
        rows = await conn.fetch(
            "SELECT * FROM registry_marriages WHERE ($1::text IS NULL OR office = $1) "
            "AND ($2::int IS NULL OR year = $2) AND office LIKE $3 || '%' "
            "ORDER BY registered_on DESC, certificate_number DESC LIMIT $4 OFFSET $5",
            office,
            year,
            actor.jurisdiction or "",
            limit,
            offset,
        )
    await recorded(ctx, actor, [f"marriage/{r['marriage_id']}" for r in rows], "marriages")
    return [
        MarriageOut(
            marriage_id=str(r["marriage_id"]),
            certificate_number=r["certificate_number"],
            husband=shown(actor, r["husband"]),
            wife=shown(actor, r["wife"]),
            registered_on=r["registered_on"],
            office=r["office"],
            status=r["status"],
        )
        for r in rows
    ]


@router.get("/marriages/{marriage_id}", summary="One marriage", responses=refusals(404, 422))
async def get_marriage(marriage_id: MarriagePath, ctx: Ctx, actor: Reader) -> MarriageOut:
    """The marriage as its stream says (404 `marriage_not_found`)."""
    m = await load_marriage(ctx, marriage_id)
    actor.require_within(m.office, "office")
    await recorded(ctx, actor, [f"marriage/{marriage_id}"], "marriage")
    return MarriageOut(**marriage_out(actor, m))


@router.post(
    "/certificates/reissue",
    status_code=201,
    summary="Reissue a marriage or divorce certificate (补领)",
    responses=refusals(404, 409, 422),
)
async def reissue_certificate(body: ReissueIn, ctx: Ctx, actor: Certifier) -> ReissuedOut:
    """A `BJ…` (marriage) or `BL…` (divorce) certificate replaces the valid one; the old number is
    void from now on (409 `certificate_void` to reissue it again; 404 `certificate_not_found`)."""
    r = await h.reissue_certificate(ctx, actor, number=body.number, office=body.office)
    kind: Literal["marriage", "divorce"] = "marriage" if r.kind == "marriage" else "divorce"
    return ReissuedOut(
        old_number=r.old_number,
        new_number=r.new_number,
        kind=kind,
        marriage_id=r.marriage_id,
        reissued_on=r.reissued_on,
    )


@router.post(
    "/no-marriage-record-certificates",
    status_code=201,
    summary="Certify that a person has no marriage record (无婚姻登记记录证明)",
    responses=refusals(409, 422),
)
async def certify_no_marriage_record(body: NoRecordIn, ctx: Ctx, actor: Certifier) -> NoRecordOut:
    """Refused for anyone with a marriage on record, married, divorced or widowed, or on the
    archive's record (409 `marriage_on_record`), or a deceased one (422 `party_deceased`)."""
    number, on = await h.certify_no_marriage_record(ctx, actor, resident=body.resident_id, office=body.office)
    return NoRecordOut(certificate_number=number, certified_on=on)


@router.get(
    "/people/{resident_id}/marital-status",
    summary="A person's marital status (婚姻状况)",
    responses=refusals(422),
)
async def marital_status(
    resident_id: Annotated[str, Path(min_length=18, max_length=18, pattern=r"^[0-9]{17}[0-9Xx]$")],
    ctx: Ctx,
    actor: StatusReader,
) -> MaritalStatusOut:
    """The person's status from their stream (unmarried when nothing is registered). A county
    record: any official of the county with the permission reads it; IDs masked unless the role
    needs them."""
    if actor.jurisdiction is not None and not actor.jurisdiction.startswith(ctx.county):
        actor.require_within(ctx.county, "resident_id")
    try:
        resident = ResidentId(resident_id)
    except ValueError:
        raise DomainError("invalid_resident_id", "not a valid resident ID", field="resident_id") from None
    stream = person_stream(ctx.pseudonyms, resident)
    try:
        events = await ctx.store.read_stream(stream)
    except StreamNotFoundError:
        events = []
    await recorded(ctx, actor, [stream], "marital-status")
    s = PERSON.fold(events)
    return MaritalStatusOut(
        resident_id=shown(actor, resident.reveal()),
        status=s.status,
        marriage_id=s.marriage_id,
        spouse=None if s.spouse is None else shown(actor, s.spouse),
        marriages=list(s.marriages),
    )
