"""Place names (地名): the procedure (申报 → 初审 → 批准 → 公布), renaming, extension and
retirement, and the queries by date (the name on a day, the history, the gazetteer 地名录)."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Annotated

from fastapi import APIRouter, Query
from pydantic import BaseModel, ConfigDict, Field

from minzheng_eventstore.deps import Ctx
from minzheng_eventstore.errors_api import refusals
from minzheng_kernel.calendar import local_date

from ...application.places import places as app
from ...domain.places.place import Place, PlaceKind, Status
from ..common import strict
from .common import (
    Approver,
    Day,
    DayQuery,
    DivisionText,
    Document,
    Name,
    Note,
    PlacePath,
    PlaceReader,
    Proposer,
    Reviewer,
)

router = APIRouter(tags=["place names"], responses=refusals(401, 403))
EXAMPLE_PLACE = "5f0c1a9e-0000-4000-8000-000000000001"


class ProposeIn(BaseModel):
    model_config = strict(
        {
            "place_id": EXAMPLE_PLACE,
            "kind": "road",
            "name": "文昌路",
            "division": "330727101",
            "effective_from": "2027-04-01",
            "reason": "新建道路",
        }
    )
    place_id: uuid.UUID | None = Field(default=None, description="your id for the place (default: a new one)")
    kind: PlaceKind
    name: Name
    division: DivisionText = Field(description="the township or village the place lies in")
    effective_from: Day = Field(description="when the name is to come into force (today or later)")
    reason: Note = ""


class NameIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: Name
    valid_from: Day
    valid_to: Day | None = Field(default=None, description="the first day out of force; null: in force")


class RecordIn(BaseModel):
    model_config = strict(
        {
            "place_id": "5f0c1a9e-0000-4000-8000-000000000002",
            "kind": "road",
            "division": "330727102",
            "names": [
                {"name": "解放街", "valid_from": "1966-01-01", "valid_to": "1981-01-01"},
                {"name": "渥溪路", "valid_from": "1981-01-01"},
            ],
            "document": "第二次全国地名普查 330727-0142",
        }
    )
    place_id: uuid.UUID | None = Field(default=None, description="your id for the place (default: a new one)")
    kind: PlaceKind
    division: DivisionText
    names: list[NameIn] = Field(
        min_length=1, max_length=20, description="oldest first, consecutive intervals"
    )
    document: Document = Field(description="the census record or archive file (普查档案号)")


class ReviewIn(BaseModel):
    model_config = strict({"passed": True, "opinion": "符合命名规则, 同意上报"})
    passed: bool
    opinion: Note = ""


class RejectIn(BaseModel):
    model_config = strict({"reason": "与历史地名重复"})
    reason: Note


class ApproveIn(BaseModel):
    model_config = strict({"document": "磐政地名〔2026〕3号"})
    document: Document = Field(description="the approval document (批复文号)")


class PublishIn(BaseModel):
    model_config = strict({"channel": "县政府网站公告"})
    channel: Note = Field(description="where it was published (公布方式)")


class RenameIn(BaseModel):
    model_config = strict(
        {"name": "文昌大道", "effective_from": "2028-01-01", "document": "磐政地名〔2027〕9号"}
    )
    name: Name
    effective_from: Day = Field(description="the first day of the new name (may be in the future)")
    document: Document


class ExtendIn(BaseModel):
    model_config = strict({"length_m": 2400, "description": "向东延伸至工业园区"})
    length_m: int = Field(ge=1, le=200_000, strict=True, description="the new length in metres")
    description: Note = ""


class RetireIn(BaseModel):
    model_config = strict({"valid_to": "2029-06-01", "reason": "道路拆除"})
    valid_to: Day = Field(description="the first day the name is no longer in force")
    reason: Note


class NameSpan(BaseModel):
    name: str
    valid_from: date
    valid_to: date | None = Field(description="the first day out of force; null: in force")


class PlaceOut(BaseModel):
    place_id: str
    kind: PlaceKind
    division: str
    status: Status
    name: str = Field(description="the latest name (the proposed one before approval)")
    effective_from: date | None
    names: list[NameSpan] = Field(description="the names in force, oldest first (after approval)")
    approved_on: date | None
    publish_by: date | None
    published_on: date | None
    length_m: int | None
    homophones: list[str] = Field(description="names that sound the same on an overlapping interval")
    warnings: list[str] = Field(default_factory=list, description="a homophone is a warning, not a refusal")


class NameOn(BaseModel):
    place_id: str
    on: date
    name: str


class GazetteerEntry(BaseModel):
    place_id: str
    kind: PlaceKind
    division: str
    name: str = Field(description="the name on the day")
    since: date
    former_names: list[NameSpan]
    published: bool


def out(place: Place, warnings: list[str] | None = None) -> PlaceOut:
    return PlaceOut(
        place_id=place.place_id,
        kind=place.kind,
        division=place.division,
        status=place.status,
        name=place.name,
        effective_from=place.effective_from,
        names=[
            NameSpan(name=s.name, valid_from=s.interval.start, valid_to=s.interval.end) for s in place.spans
        ],
        approved_on=place.approved_on,
        publish_by=place.publish_by,
        published_on=place.published_on,
        length_m=place.length_m,
        homophones=list(place.homophones),
        warnings=warnings or [],
    )


@router.post(
    "/places", status_code=201, summary="Propose a place name (地名申报)", responses=refusals(409, 422)
)
async def propose(body: ProposeIn, ctx: Ctx, actor: Proposer) -> PlaceOut:
    """A township proposes a road, lane, residential area or bridge name, to be in force from
    `effective_from`. The name is claimed at once: a name (normalised: NFKC, spaces and punctuation
    removed, Latin case-folded) in force for another place of the scope (the county by default) on
    an overlapping interval is refused, 409 `name_in_use` naming that interval. A homophone (same
    pinyin) is a warning in `warnings`, not a refusal."""
    result = await app.propose(
        ctx,
        actor,
        place_id=body.place_id,
        kind=body.kind,
        name=body.name,
        division=body.division,
        effective_from=body.effective_from,
        reason=body.reason,
    )
    return out(result.place, result.warnings)


@router.post(
    "/places/records",
    status_code=201,
    summary="Record a historical place (地名普查)",
    responses=refusals(409, 422),
)
async def record(body: RecordIn, ctx: Ctx, actor: Approver) -> PlaceOut:
    """A place named before this register (the place-name census 地名普查, the archive), entered by
    the county with its names and their intervals, oldest first: each ends the day the next
    starts (422 `names_not_consecutive`), only the last may be open, every one began before today
    and none ends after it (422 `not_historical`: a new name is proposed, a future renaming or
    retirement approved). Every interval is claimed as a new name is:
    409 `name_in_use` on an overlap with another place of the scope. Not published again (the
    national database holds it from the census)."""
    result = await app.record(
        ctx,
        actor,
        place_id=body.place_id,
        kind=body.kind,
        division=body.division,
        history=[(n.name, n.valid_from, n.valid_to) for n in body.names],
        document=body.document,
    )
    return out(result.place, result.warnings)


@router.post(
    "/places/{place_id}/review", summary="First-instance review (初审)", responses=refusals(404, 409)
)
async def review(place_id: PlacePath, body: ReviewIn, ctx: Ctx, actor: Reviewer) -> PlaceOut:
    """The township reviewer's 初审: passed goes on to the county; failed ends the proposal and
    frees the name."""
    return out(await app.review(ctx, actor, place_id, passed=body.passed, opinion=body.opinion))


@router.post("/places/{place_id}/rejection", summary="Refuse a reviewed name", responses=refusals(404, 409))
async def reject(place_id: PlacePath, body: RejectIn, ctx: Ctx, actor: Approver) -> PlaceOut:
    """The county refuses a reviewed name; the proposal ends and the name is free."""
    return out(await app.reject(ctx, actor, place_id, reason=body.reason))


@router.post(
    "/places/{place_id}/approval", summary="Approve a name (批准)", responses=refusals(404, 409, 422)
)
async def approve(place_id: PlacePath, body: ApproveIn, ctx: Ctx, actor: Approver) -> PlaceOut:
    """The county approves a reviewed name: in force from the proposed date (or today, if that has
    passed), to be published by `publish_by` (`place_name_publication_days` after approval, moved
    to the next working day by the calendar). Published as `PlaceNamed`."""
    return out(await app.approve(ctx, actor, place_id, document=body.document))


@router.post(
    "/places/{place_id}/publication", summary="Record the publication (公布)", responses=refusals(404, 409)
)
async def publish(place_id: PlacePath, body: PublishIn, ctx: Ctx, actor: Approver) -> PlaceOut:
    """The approved name was published to the public today (once; after `publish_by` it is
    recorded as late)."""
    return out(await app.publish(ctx, actor, place_id, channel=body.channel))


@router.post(
    "/places/{place_id}/renaming", summary="Rename a place (更名)", responses=refusals(404, 409, 422)
)
async def rename(place_id: PlacePath, body: RenameIn, ctx: Ctx, actor: Approver) -> PlaceOut:
    """The approved renaming: the current name is in force until the day before `effective_from`
    (which may be in the future), the new one from it. The new name must be free on its whole
    interval, future renamings of other places included (409 `name_in_use`); `effective_from`
    is today or later (422 `effective_in_past`: a past date would change the addresses already
    issued under the old name). Published as `PlaceRenamed`."""
    result = await app.rename(
        ctx, actor, place_id, name=body.name, effective_from=body.effective_from, document=body.document
    )
    return out(result.place, result.warnings)


@router.post(
    "/places/{place_id}/extension", summary="Extend a road (道路延伸)", responses=refusals(404, 409, 422)
)
async def extend(place_id: PlacePath, body: ExtendIn, ctx: Ctx, actor: Approver) -> PlaceOut:
    """A road or lane in force is lengthened; its name covers the new stretch."""
    return out(await app.extend(ctx, actor, place_id, length_m=body.length_m, description=body.description))


@router.post(
    "/places/{place_id}/retirement", summary="Retire a name (注销)", responses=refusals(404, 409, 422)
)
async def retire(place_id: PlacePath, body: RetireIn, ctx: Ctx, actor: Approver) -> PlaceOut:
    """The last name is out of force from `valid_to` (the record stays: the name on an earlier day
    is still answered); the name is free for another place from that day. `valid_to` is today
    or later (422 `effective_in_past`)."""
    return out(await app.retire(ctx, actor, place_id, valid_to=body.valid_to, reason=body.reason))


@router.get("/places", summary="List and search places", responses=refusals(422))
async def listing(
    ctx: Ctx,
    actor: PlaceReader,
    kind: Annotated[PlaceKind | None, Query()] = None,
    status: Annotated[Status | None, Query()] = None,
    division: Annotated[
        str | None, Query(pattern=r"^[1-9]\d{5}(\d{3}(\d{3})?)?$", description="within it")
    ] = None,
    name: Annotated[
        str | None, Query(min_length=1, max_length=50, description="part of the name on `on`")
    ] = None,
    on: DayQuery = None,
) -> list[PlaceOut]:
    """The places of the caller's division, by id, filtered by kind, status and division; `name`
    searches the names in force on `on` (default today), normalised as the uniqueness rule does."""
    day = on or local_date(ctx.clock.now())
    found = await app.every(ctx, actor)
    return [
        out(p)
        for p in found
        if (kind is None or p.kind is kind)
        and (status is None or p.status is status)
        and (division is None or p.division.startswith(division))
        and (name is None or app.matches(p, name, day))
    ]


@router.get("/places/{place_id}", summary="One place and its history", responses=refusals(404))
async def one(place_id: PlacePath, ctx: Ctx, actor: PlaceReader) -> PlaceOut:
    """The place's procedure and every name it has had, with its interval."""
    return out(await app.one(ctx, actor, place_id))


@router.get("/places/{place_id}/name", summary="The place's name on a date", responses=refusals(404))
async def name_on(place_id: PlacePath, ctx: Ctx, actor: PlaceReader, on: DayQuery = None) -> NameOn:
    """What the place was called on `on` (default today); 404 `place_not_in_force` before its
    first name or after its retirement."""
    day = on or local_date(ctx.clock.now())
    place = await app.one(ctx, actor, place_id)
    return NameOn(place_id=place_id, on=day, name=place.require_name_on(day))


@router.get("/gazetteer", summary="The gazetteer as of a date (地名录)", responses=refusals(422))
async def gazetteer(
    ctx: Ctx, actor: PlaceReader, on: DayQuery = None, kind: Annotated[PlaceKind | None, Query()] = None
) -> list[GazetteerEntry]:
    """Every place with a name in force on `on` (default today) in the caller's division, by name,
    with the names it had before that day."""
    day = on or local_date(ctx.clock.now())
    entries = []
    for place in await app.every(ctx, actor):
        if kind is not None and place.kind is not kind:
            continue
        current = next((s for s in place.spans if s.interval.contains(day)), None)
        if current is None:
            continue
        former = [
            NameSpan(name=s.name, valid_from=s.interval.start, valid_to=s.interval.end)
            for s in place.spans
            if s.interval.end is not None and s.interval.end <= day
        ]
        entries.append(
            GazetteerEntry(
                place_id=place.place_id,
                kind=place.kind,
                division=place.division,
                name=current.name,
                since=current.interval.start,
                former_names=former,
                published=place.published_on is not None,
            )
        )
    return sorted(entries, key=lambda e: (e.name, e.place_id))
