"""The HTTP API of marriage, divorce and death registration (婚姻登记 · 离婚 · 死亡登记).

Every input is bounded; refusals come from the domain (422 a rule, 409 the state, 404 unknown),
never a 500. Every route declares its one permission; the caller's division bounds what it reaches
(the office of a registration: 403 ``outside_jurisdiction``; lists filtered). Resident IDs are shown
in full only to the registrar, the county approver and the auditor, masked to other roles.
"""

from __future__ import annotations

import uuid
from datetime import date
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Path, Query
from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from minzheng_contracts import ResidentId, make_resident_id
from minzheng_eventstore import Actor
from minzheng_eventstore.access import permit
from minzheng_eventstore.context import ServiceContext
from minzheng_eventstore.deps import Ctx
from minzheng_eventstore.errors import StreamNotFoundError
from minzheng_eventstore.errors_api import refusals
from minzheng_eventstore.identity import Role
from minzheng_kernel.errors import DomainError, NotFound

from ...application.marriage import handlers as h
from ...application.marriage.reads import record_full_reads
from ...application.marriage.streams import MARRIAGE, PERSON, marriage_stream
from ...application.people import DEATH, person_stream
from ...domain.death import DeathRecord
from ...domain.marriage.marriage import DivorceApplication, Marriage
from ...domain.marriage.person import MaritalStatus
from . import projection

Office = Annotated[
    str,
    StringConstraints(pattern=r"^[1-9][0-9]{5}([0-9]{3})?$"),
    Field(
        description="the registration office (婚姻登记处): a division of the county, 6 digits (the county "
        "office) or 9 (a township's service hall); its certificates carry the first 6 digits"
    ),
]
Division = Annotated[str, StringConstraints(pattern=r"^[1-9]\d{5}(\d{3}(\d{3})?)?$")]
Village = Annotated[str, StringConstraints(pattern=r"^[1-9]\d{11}$")]
Reason = Annotated[str, StringConstraints(min_length=1, max_length=500, pattern=r"^[^\x00-\x1f\x7f]+$")]
CertificateNo = Annotated[
    str, StringConstraints(pattern=r"^(BJ|BL|J|L)[1-9][0-9]{5}-[0-9]{4}-[0-9]{6}$", max_length=20)
]
Limit = Annotated[int, Query(ge=1, le=200, description="page size")]
Offset = Annotated[int, Query(ge=0, le=1_000_000, description="items to skip")]
MarriagePath = Annotated[uuid.UUID, Path(description="the marriage's id")]
ApplicationPath = Annotated[uuid.UUID, Path(description="the divorce application's id")]

HUSBAND = make_resident_id("330727", date(1995, 6, 1), 13).reveal()
WIFE = make_resident_id("330727", date(1997, 8, 9), 24).reveal()
DECEASED = make_resident_id("330727", date(1940, 3, 1), 11).reveal()
SINGLE = make_resident_id("330727", date(1999, 2, 3), 35).reveal()
"""The no-record example's person: never married (the couple of the other examples is)."""
EXAMPLE_MARRIAGE = "0d3a0000-0000-4000-8000-0000000000a1"
EXAMPLE_APPLICATION = "0d3a0000-0000-4000-8000-0000000000b1"

router = APIRouter(tags=["marriage"], responses=refusals(401, 403))
Registrar = Annotated[Actor, permit("marriage.register")]
Reader = Annotated[Actor, permit("marriage.read")]
StatusReader = Annotated[Actor, permit("marriage.status.read")]
Certifier = Annotated[Actor, permit("marriage.certificate.issue")]
DivorceRegistrar = Annotated[Actor, permit("divorce.register")]
DivorceReader = Annotated[Actor, permit("divorce.read")]
DeathRegistrar = Annotated[Actor, permit("death.register")]
DeathReader = Annotated[Actor, permit("death.read")]

FULL_ID_ROLES = frozenset({Role.REGISTRAR.value, Role.COUNTY_APPROVER.value, Role.AUDITOR.value})


def full(actor: Actor) -> bool:
    return bool(actor.roles & FULL_ID_ROLES)


def shown(actor: Actor, resident: str) -> str:
    """The full resident ID for the roles that need it, else masked."""
    return resident if full(actor) else ResidentId(resident).masked


async def recorded(ctx: ServiceContext, actor: Actor, records: list[str], view: str) -> None:
    """Record the full reads of a response that shows resident IDs in full."""
    if full(actor):
        await record_full_reads(ctx, actor, records, view=view)


def strict(*examples: dict[str, Any]) -> ConfigDict:
    return ConfigDict(extra="forbid", json_schema_extra={"examples": list(examples)})


# ----------------------------------------------------------------------------------------- bodies


class MarriageIn(BaseModel):
    model_config = strict(
        {
            "marriage_id": EXAMPLE_MARRIAGE,
            "party_a": HUSBAND,
            "party_b": WIFE,
            "office": "330727",
            "both_present": True,
        }
    )
    marriage_id: uuid.UUID | None = Field(default=None, description="your id for the marriage (default: new)")
    party_a: ResidentId = Field(description="one party's resident ID (18 characters)")
    party_b: ResidentId = Field(description="the other party's resident ID")
    office: Office
    both_present: bool = Field(description="both parties appear in person (must be true)")


class ReissueIn(BaseModel):
    model_config = strict({"number": "J330727-2026-000001", "office": "330727"})
    number: CertificateNo = Field(description="the valid certificate to reissue (J/L or an earlier BJ/BL)")
    office: Office


class NoRecordIn(BaseModel):
    model_config = strict({"resident_id": SINGLE, "office": "330727"})
    resident_id: ResidentId
    office: Office


class DivorceApplicationIn(BaseModel):
    model_config = strict(
        {
            "application_id": EXAMPLE_APPLICATION,
            "office": "330727",
            "both_present": True,
            "written_agreement": True,
        }
    )
    application_id: uuid.UUID | None = Field(default=None, description="your id for the application")
    office: Office = Field(description="the receiving office: the certificate is issued there")
    both_present: bool = Field(description="both parties appear in person (must be true)")
    written_agreement: bool = Field(description="a signed divorce agreement is submitted (must be true)")


class WithdrawalIn(BaseModel):
    model_config = strict({"by": HUSBAND})
    by: ResidentId = Field(description="the party who withdraws (either may)")


class DivorceCertificateIn(BaseModel):
    model_config = strict({"office": "330727", "both_present": True})
    office: Office = Field(description="must be the office that received the application")
    both_present: bool


class DeathIn(BaseModel):
    model_config = strict(
        {
            "deceased": DECEASED,
            "date_of_death": "2026-02-27",
            "place": "330727101201",
            "residence": "330727101201",
            "office": "330727",
        }
    )
    registration_id: uuid.UUID | None = Field(default=None, description="your id for the registration")
    deceased: ResidentId
    date_of_death: date = Field(
        ge=date(1900, 1, 1), le=date(2199, 12, 31), description="not before birth, not after today"
    )
    place: Division = Field(description="division where the death occurred (or the court's, if declared)")
    residence: Village = Field(description="the deceased's 户籍 village (12 digits)")
    office: Office
    declared: bool = Field(default=False, description="a court's declaration of death (宣告死亡)")


class CorrectionIn(BaseModel):
    model_config = strict(
        {
            "date_of_death": "2026-02-26",
            "place": "330727101201",
            "residence": "330727101201",
            "reason": "hospital certificate: died before midnight",
        }
    )
    date_of_death: date = Field(ge=date(1900, 1, 1), le=date(2199, 12, 31))
    place: Division
    residence: Village
    reason: Reason


# ---------------------------------------------------------------------------------------- answers


class MarriageOut(BaseModel):
    marriage_id: str
    certificate_number: str = Field(description="the valid marriage certificate (J… or its last BJ… reissue)")
    husband: str
    wife: str
    registered_on: date
    office: str
    status: str
    divorce_certificate: str | None = None
    ended_on: date | None = Field(default=None, description="the day the marriage ended, if it did")
    review: str | None = Field(
        default=None, description="why the marriage is flagged for review (death_before_registration)"
    )


class MarriageRegisteredOut(MarriageOut):
    standards: list[str] = Field(description="the legal-age standards applied")


class ReissuedOut(BaseModel):
    old_number: str
    new_number: str
    kind: Literal["marriage", "divorce"]
    marriage_id: str
    reissued_on: date


class NoRecordOut(BaseModel):
    certificate_number: str
    certified_on: date


class ApplicationOut(BaseModel):
    application_id: str
    marriage_id: str
    office: str
    state: str
    received_on: date
    cooling_off_ends: date | None = Field(description="withdrawal possible until the end of this day")
    certificate_deadline: date | None = Field(description="the certificate may be asked for until this day")


class DivorceOut(BaseModel):
    marriage_id: str
    application_id: str
    certificate_number: str
    registered_on: date
    office: str


class MaritalStatusOut(BaseModel):
    resident_id: str
    status: MaritalStatus
    marriage_id: str | None = Field(description="the current marriage, or the last one")
    spouse: str | None
    marriages: list[str]


class RevocationIn(BaseModel):
    model_config = strict({"reason": "(2026)浙0727民特12号: the declaration of death is revoked"})
    reason: Reason = Field(description="the court's judgment revoking the declaration")
    spouse_declines_revival: bool = Field(
        default=False, description="the spouse declared in writing not to revive the marriage"
    )


class DeathOut(BaseModel):
    registration_id: str
    deceased: str
    date_of_death: date
    place: str
    residence: str
    registered_at: str
    declared: bool
    corrections: int
    revoked: bool = False


class RevokedOut(DeathOut):
    marriage_revived: str | None = Field(description="the marriage that revived, if one did")


def _marriage_out(actor: Actor, m: Marriage) -> dict[str, Any]:
    assert m.registered_on is not None and m.marriage_id is not None
    return {
        "marriage_id": m.marriage_id,
        "certificate_number": m.marriage_certificate or "",
        "husband": shown(actor, m.husband),
        "wife": shown(actor, m.wife),
        "registered_on": m.registered_on,
        "office": m.office,
        "status": m.status.value,
        "divorce_certificate": m.divorce_certificate,
        "ended_on": m.ended_on,
        "review": m.review,
    }


def _death_out(actor: Actor, d: DeathRecord) -> DeathOut:
    assert d.registration_id and d.deceased and d.date_of_death
    return DeathOut(
        registration_id=d.registration_id,
        deceased=shown(actor, d.deceased),
        date_of_death=d.date_of_death,
        place=d.place or "",
        residence=d.residence or "",
        registered_at=d.registered_at or "",
        declared=d.declared,
        corrections=d.corrections,
        revoked=d.revoked,
    )


async def _load_marriage(ctx: ServiceContext, marriage_id: uuid.UUID) -> Marriage:
    try:
        events = await ctx.store.read_stream(marriage_stream(str(marriage_id)))
    except StreamNotFoundError:
        raise NotFound("marriage_not_found", "no such marriage", field="marriage_id") from None
    return MARRIAGE.fold(events)


# ----------------------------------------------------------------------------------------- routes


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
    m = await _load_marriage(ctx, marriage_id)
    actor.require_within(m.office, "office")
    await recorded(ctx, actor, [f"marriage/{marriage_id}"], "marriage")
    return MarriageOut(**_marriage_out(actor, m))


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


def _application_out(marriage_id: str, a: DivorceApplication) -> ApplicationOut:
    return ApplicationOut(
        application_id=a.application_id,
        marriage_id=marriage_id,
        office=a.office,
        state=a.state.value,
        received_on=a.received_on,
        cooling_off_ends=a.cooling_off_ends,
        certificate_deadline=a.certificate_deadline,
    )


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
    return _application_out(str(marriage_id), a)


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
    return _application_out(str(marriage_id), a)


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
    return _death_out(actor, record)


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
    return _death_out(actor, DEATH.fold(await ctx.store.read_stream(stream)))


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
    return _death_out(actor, record)


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
    return RevokedOut(**_death_out(actor, r.record).model_dump(), marriage_revived=r.marriage_revived)
