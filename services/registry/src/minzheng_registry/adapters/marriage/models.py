"""The request and answer models of the marriage area's HTTP API (婚姻登记 · 离婚 · 死亡登记), with
their bounded types and documented examples, and what the routes share: how a record is shown
(resident IDs through ``adapters.common.shown``) and how a full read is recorded.

Every input is bounded (``adapters.common.strict``: unknown fields refused), so a bad input is a
422, never a 500.
"""

from __future__ import annotations

import uuid
from datetime import date
from typing import Annotated, Any, Literal

from fastapi import Path, Query
from pydantic import BaseModel, Field, StringConstraints

from minzheng_contracts import ResidentId, make_resident_id
from minzheng_eventstore import Actor
from minzheng_eventstore.context import ServiceContext
from minzheng_eventstore.errors import StreamNotFoundError
from minzheng_kernel.errors import NotFound

from ...application.marriage.reads import record_full_reads
from ...application.marriage.streams import MARRIAGE, marriage_stream
from ...domain.death import DeathRecord
from ...domain.marriage.marriage import DivorceApplication, Marriage
from ...domain.marriage.person import MaritalStatus
from ..common import sees_full_ids, shown, strict

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


async def recorded(ctx: ServiceContext, actor: Actor, records: list[str], view: str) -> None:
    """Record the full reads of a response that shows resident IDs in full."""
    if sees_full_ids(actor):
        await record_full_reads(ctx, actor, records, view=view)


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


def marriage_out(actor: Actor, m: Marriage) -> dict[str, Any]:
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


def death_out(actor: Actor, d: DeathRecord) -> DeathOut:
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


def application_out(marriage_id: str, a: DivorceApplication) -> ApplicationOut:
    return ApplicationOut(
        application_id=a.application_id,
        marriage_id=marriage_id,
        office=a.office,
        state=a.state.value,
        received_on=a.received_on,
        cooling_off_ends=a.cooling_off_ends,
        certificate_deadline=a.certificate_deadline,
    )


async def load_marriage(ctx: ServiceContext, marriage_id: uuid.UUID) -> Marriage:
    try:
        events = await ctx.store.read_stream(marriage_stream(str(marriage_id)))
    except StreamNotFoundError:
        raise NotFound("marriage_not_found", "no such marriage", field="marriage_id") from None
    return MARRIAGE.fold(events)
