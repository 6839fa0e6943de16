"""House numbers (门牌): issued per road and side (左单右双: odd on the left, even on the right,
facing the direction the numbers rise), reservations, retirements, doorplate certificates, and the
address of a number on a date."""

from __future__ import annotations

from datetime import date

from fastapi import APIRouter
from pydantic import BaseModel, Field

from minzheng_eventstore.deps import Ctx
from minzheng_eventstore.errors_api import refusals
from minzheng_kernel.calendar import local_date
from minzheng_kernel.errors import DomainError

from ...application.places import numbering as app
from ...domain.places.numbering import MAX_NUMBER, Issued, Side, SignKind, label, parse_label
from ..common import strict
from .common import (
    DayQuery,
    DivisionText,
    LabelPath,
    Note,
    NumberIssuer,
    NumberManager,
    NumberReader,
    PlacePath,
)

router = APIRouter(tags=["house numbers"], responses=refusals(401, 403))


class IssueIn(BaseModel):
    model_config = strict({"side": "left"}, {"side": "left", "after": 5}, {"side": "right", "number": 12})
    side: Side = Field(description="left: odd numbers, right: even (左单右双)")
    number: int | None = Field(
        default=None,
        ge=1,
        le=MAX_NUMBER,
        strict=True,
        description="the side's next number, or a reserved one",
    )
    after: int | None = Field(
        default=None,
        ge=1,
        le=MAX_NUMBER,
        strict=True,
        description="infill: a sub-number of this number (5-1)",
    )
    division: DivisionText | None = Field(
        default=None, description="the village it lies in (default: the road's)"
    )


class ReserveIn(BaseModel):
    model_config = strict({"side": "left", "first": 21, "last": 29, "reason": "规划地块预留"})
    side: Side
    first: int = Field(ge=1, le=MAX_NUMBER, strict=True)
    last: int = Field(ge=1, le=MAX_NUMBER, strict=True)
    reason: Note = ""


class RetireIn(BaseModel):
    model_config = strict({"reason": "房屋拆除"})
    reason: Note = ""


class CertifyIn(BaseModel):
    model_config = strict({"holder": "文溪路5号业主"})
    holder: Note = Field(min_length=1, description="to whom it is issued (户主 or unit)")


class SignIn(BaseModel):
    model_config = strict({"kind": "door", "number": "5", "count": 1}, {"kind": "road", "count": 2})
    kind: SignKind = Field(
        description="building 楼牌, door 门牌, unit 单元牌 (with a number); road 路牌, lane 巷牌"
    )
    number: str | None = Field(default=None, pattern=r"^[1-9]\d{0,3}(-[1-9]\d?)?$", description="5 or 5-1")
    count: int = Field(default=1, ge=1, le=1000, strict=True)


class Signs(BaseModel):
    road_id: str
    signs: dict[str, int] = Field(description="kind → plates installed on the road")


class NumberOut(BaseModel):
    road_id: str
    number: str = Field(description="5 or 5-1")
    side: Side
    division: str
    address: str = Field(description="the address when issued: the road's name that day plus the number")
    issued_on: date
    retired_on: date | None
    certificate: str | None = Field(description="the valid doorplate certificate (门牌证), if any")


class Reservations(BaseModel):
    road_id: str
    reserved: list[int]
    next_left: int
    next_right: int


class CertificateOut(BaseModel):
    certificate_no: str
    voids: str | None = Field(description="the earlier certificate of the number, now void")


class AddressOut(BaseModel):
    road_id: str
    road_name: str = Field(description="the road's name on `on`")
    number: str
    division: str
    address: str
    on: date
    in_use: bool = Field(description="false once the number is retired")


class NumberList(BaseModel):
    road_id: str
    road_name: str | None = Field(description="today's name")
    numbers: list[NumberOut]
    reserved: list[int]
    next_left: int
    next_right: int
    signs: dict[str, int] = Field(description="kind → plates installed")


def out(road_id: str, n: Issued) -> NumberOut:
    return NumberOut(
        road_id=road_id,
        number=label(n.number, n.sub_number),
        side=n.side,
        division=n.division,
        address=n.address,
        issued_on=n.issued_on,
        retired_on=n.retired_on,
        certificate=n.certificate,
    )


@router.post(
    "/roads/{road_id}/numbers",
    status_code=201,
    summary="Issue a house number (门牌编号)",
    responses=refusals(404, 409, 422),
)
async def issue(road_id: PlacePath, body: IssueIn, ctx: Ctx, actor: NumberIssuer) -> NumberOut:
    """The side's next number: numbers rise with no gap and no duplicate, skipping reservations and
    never reusing a retired number. `number` takes a reserved number (or names the next one:
    another is 422 `not_next_number`); `after` gives an infill sub-number (5-1, 5-2) between
    existing numbers. The road must have a name in force today. A side has numbers up to 9999 and
    a number sub-numbers up to 99: 409 `no_number_left` / `no_sub_number_left` past them. Published
    as `HouseNumberIssued`."""
    if body.number is not None and body.after is not None:
        raise DomainError("number_and_after", "give either number or after", field="after")
    issued = await app.issue(
        ctx, actor, road_id, side=body.side, number=body.number, after=body.after, division=body.division
    )
    return out(road_id, issued)


@router.post(
    "/roads/{road_id}/reservations", summary="Reserve numbers (预留)", responses=refusals(404, 409, 422)
)
async def reserve(road_id: PlacePath, body: ReserveIn, ctx: Ctx, actor: NumberManager) -> Reservations:
    """Numbers `first`..`last` of the side's parity kept for later: issuing skips them unless one
    is asked for by `number`."""
    state = await app.reserve(
        ctx, actor, road_id, side=body.side, first=body.first, last=body.last, reason=body.reason
    )
    return Reservations(
        road_id=road_id,
        reserved=sorted(state.reserved),
        next_left=state.next_number(Side.LEFT),
        next_right=state.next_number(Side.RIGHT),
    )


@router.post(
    "/roads/{road_id}/numbers/{number}/retirement",
    summary="Retire a number (注销)",
    responses=refusals(404, 409, 422),
)
async def retire(
    road_id: PlacePath, number: LabelPath, body: RetireIn, ctx: Ctx, actor: NumberManager
) -> NumberOut:
    """The number is out of use from today, its certificate void; it is never issued again."""
    main, sub = parse_label(number)
    return out(road_id, await app.retire(ctx, actor, road_id, number=main, sub=sub, reason=body.reason))


@router.post(
    "/roads/{road_id}/numbers/{number}/certificate",
    status_code=201,
    summary="Issue a doorplate certificate (门牌证)",
    responses=refusals(404, 409, 422),
)
async def certify(
    road_id: PlacePath, number: LabelPath, body: CertifyIn, ctx: Ctx, actor: NumberIssuer
) -> CertificateOut:
    """One valid certificate per number: a new one voids the one before (`voids`). Numbered
    `MP<county>-<year>-<serial>`, consecutive in the county and year."""
    main, sub = parse_label(number)
    cert = await app.certify(ctx, actor, road_id, number=main, sub=sub, holder=body.holder)
    return CertificateOut(certificate_no=cert.certificate_no, voids=cert.voids)


@router.post(
    "/roads/{road_id}/signs",
    status_code=201,
    summary="Record plates put up (标志设置)",
    responses=refusals(404, 409, 422),
)
async def install(road_id: PlacePath, body: SignIn, ctx: Ctx, actor: NumberIssuer) -> Signs:
    """Plates put up on a road in force today: building, door and unit plates show an issued number
    in use (422 `number_missing`, 409 `number_retired`), road and lane signs none: a road sign on a
    road, a lane sign on a lane (422 `sign_does_not_match_road`)."""
    main, sub = (None, None) if body.number is None else parse_label(body.number)
    state = await app.install(ctx, actor, road_id, kind=body.kind, number=main, sub=sub, count=body.count)
    return Signs(road_id=road_id, signs=dict(state.signs))


@router.get("/roads/{road_id}/numbers", summary="A road's house numbers", responses=refusals(404))
async def numbers(road_id: PlacePath, ctx: Ctx, actor: NumberReader) -> NumberList:
    """Every number of the road (retired ones too), the reservations, each side's next number and
    the plates put up."""
    road, state = await app.current(ctx, actor, road_id)
    today = local_date(ctx.clock.now())
    items = sorted(state.numbers.values(), key=lambda n: (n.side.value, n.number, n.sub_number or 0))
    return NumberList(
        road_id=road_id,
        road_name=road.name_on(today),
        numbers=[out(road_id, n) for n in items],
        signs=dict(state.signs),
        reserved=sorted(state.reserved),
        next_left=state.next_number(Side.LEFT),
        next_right=state.next_number(Side.RIGHT),
    )


@router.get(
    "/addresses/{road_id}/{number}", summary="The address of a number on a date", responses=refusals(404)
)
async def address(
    road_id: PlacePath, number: LabelPath, ctx: Ctx, actor: NumberReader, on: DayQuery = None
) -> AddressOut:
    """The road's name on `on` (default today) plus the number: after a renaming the same door has
    the new road name. 404 `house_number_not_found` before the number was issued,
    `place_not_in_force` when the road had no name that day."""
    day = on or local_date(ctx.clock.now())
    a = await app.address(ctx, actor, road_id, number, day)
    return AddressOut(
        road_id=a.road_id,
        road_name=a.road_name,
        number=a.number,
        division=a.division,
        address=a.text,
        on=a.on,
        in_use=a.in_use,
    )
