"""The caseworkers' HTTP API. Inputs are validated here (``models``: bounded, with examples the demo
county accepts); rules are the domain's. Every operation has a summary, a description, a typed
answer and its refusals in the one error shape (``refusals``; 401/403/413/422/503 are on every
route).

Every route declares its one permission (``permit``, the table in ``policy.py``): no valid bearer
token is 401, a role the table does not name 403 ``role_not_permitted``; the token's subject is the
actor of every event. The caller's division bounds what it reaches (``application/jurisdiction.py``:
403 ``outside_jurisdiction``, lists filtered). Resident IDs in a household's history are masked
unless the caller's role needs them (``PERSONAL_DATA_ROLES``), and every full read is recorded
(``application/reads.py``)."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Sequence
from typing import Annotated, Any, TypeVar

from fastapi import APIRouter, Path, Query

from minzheng_contracts import DivisionCode, mask_resident_ids
from minzheng_eventstore import jsoncodec
from minzheng_eventstore.access import permit
from minzheng_eventstore.builder import Actor
from minzheng_eventstore.deps import Ctx
from minzheng_eventstore.errors_api import refusals
from minzheng_kernel.errors import DomainError

from ..application import handlers as h
from ..application import other_aid as oa
from ..application import payments
from ..application.guards import standards_table
from ..application.jurisdiction import narrow, scope
from ..application.reads import record_read
from ..domain.household import Household, Member, Step
from ..domain.other_aid import Receipt
from ..domain.overpayments import Overpayment
from .models import (
    ID_PATTERN,
    ApplyIn,
    ApprovalIn,
    Division,
    DivisionPage,
    GrantRef,
    HouseholdPage,
    HouseholdRef,
    HouseholdSummary,
    HouseholdView,
    MedicalClaimIn,
    MedicalOut,
    ModeIn,
    NoticeRow,
    ObjectionIn,
    ObjectionView,
    OverpaidMonthOut,
    OverpaymentOut,
    PaidRow,
    PaymentOut,
    PaymentRow,
    PeriodIn,
    Programme,
    ReasonIn,
    RecheckIn,
    ResolutionIn,
    RollRow,
    RunOut,
    StandardCorrectionIn,
    StandardIn,
    StandardOut,
    StandardRef,
    Status,
    StepIn,
    TekunIn,
    TekunModeOut,
    TekunRef,
    TemporaryAidIn,
    TimelineEntry,
)
from .policy import PERSONAL_DATA_ROLES, STEP_PERMISSIONS
from .projection import NAME as READ_MODELS

HouseholdId = Annotated[uuid.UUID, Path(description="The household's id (from `POST /households`).")]
Limit = Annotated[int, Query(ge=1, le=200, description="Page size (at most 200).")]
Offset = Annotated[int, Query(ge=0, le=1_000_000, description="Rows to skip.")]


def household_view(hid: uuid.UUID, state: Household) -> HouseholdView:
    return HouseholdView(
        household_id=hid,
        status=state.status.value,
        programme=state.programme,
        residence=state.residence,
        members=len(state.living),
        steps_passed=sorted(s.value for s in state.passed),
        steps_failed=sorted(s.value for s in state.failed),
        notice_ends_at=state.notice_ends_at,
        open_objections=len(state.objections),
        recheck_due=state.recheck_due,
        closed_reason=state.closed_reason,
        ends_from=str(state.ends_from) if state.ends_from is not None else None,
        overpaid_fen=sum(o.total_fen for o in state.overpayments),
    )


router = APIRouter(responses=refusals(401, 403))

DivisionReader = Annotated[Actor, permit("division.read")]
StandardSetter = Annotated[Actor, permit("standard.set")]
StandardCorrector = Annotated[Actor, permit("standard.correct")]
StandardReader = Annotated[Actor, permit("standard.read")]
Applicant = Annotated[Actor, permit("household.apply")]
HouseholdReader = Annotated[Actor, permit("household.read")]
OverpaymentReader = Annotated[Actor, permit("overpayment.read")]
TimelineReader = Annotated[Actor, permit("household.timeline")]
NoticePoster = Annotated[Actor, permit("household.notice")]
ObjectionRaiser = Annotated[Actor, permit("objection.raise")]
ObjectionResolver = Annotated[Actor, permit("objection.resolve")]
Approver = Annotated[Actor, permit("household.approve")]
Rejecter = Annotated[Actor, permit("household.reject")]
Rechecker = Annotated[Actor, permit("household.recheck")]
Suspender = Annotated[Actor, permit("household.suspend")]
Resumer = Annotated[Actor, permit("household.resume")]
Withdrawer = Annotated[Actor, permit("household.withdraw")]
NoticeReader = Annotated[Actor, permit("notice.read")]
RollReader = Annotated[Actor, permit("roll.read")]
PaymentRunner = Annotated[Actor, permit("payment.run")]
HouseholdPayer = Annotated[Actor, permit("payment.household")]
PaymentReader = Annotated[Actor, permit("payment.read")]
SummaryReader = Annotated[Actor, permit("payment.summary")]
TekunConfirmer = Annotated[Actor, permit("tekun.confirm")]
TekunModeChanger = Annotated[Actor, permit("tekun.mode")]
TemporaryGranter = Annotated[Actor, permit("aid.temporary")]
MedicalClaimer = Annotated[Actor, permit("aid.medical")]

# ------------------------------------------------------------------------------------ configuration


@router.get(
    "/divisions",
    tags=["configuration"],
    summary="List the county's divisions",
    response_model=DivisionPage,
)
async def list_divisions(
    ctx: Ctx,
    actor: DivisionReader,
    within: Annotated[
        DivisionCode | None, Query(description="Only divisions within this township (or the county).")
    ] = None,
    level: Annotated[
        str | None, Query(pattern="^(township|village)$", description="township or village")
    ] = None,
    limit: Limit = 50,
    offset: Offset = 0,
) -> DivisionPage:
    """The townships and villages in the caller's division as the registry recorded them
    (`DivisionRecorded`: the service registers none itself), ordered by code, a page at a time:
    the codes to use as `residence`, `village` or `township` elsewhere. One with `valid_to` was
    abolished from that day and takes no new case."""
    bound = narrow(actor, within, "within")
    where = "($1::text IS NULL OR code LIKE $1 || '%') AND ($2::text IS NULL OR level = $2)"
    async with ctx.store.pool.acquire() as conn:
        total = await conn.fetchval(f"SELECT count(*) FROM divisions WHERE {where}", bound, level)
        rows = await conn.fetch(
            f"SELECT code, name, level, parent, valid_from, valid_to FROM divisions WHERE {where} "
            "ORDER BY code LIMIT $3 OFFSET $4",
            bound,
            level,
            limit,
            offset,
        )
    return DivisionPage(items=[Division(**dict(r)) for r in rows], total=total, limit=limit, offset=offset)


@router.post(
    "/standards",
    status_code=201,
    tags=["configuration"],
    summary="Set a standard from a date",
    response_model=StandardRef,
    responses=refusals(409),
)
async def add_standard(body: StandardIn, ctx: Ctx, actor: StandardSetter) -> StandardRef:
    """Record a standard (a 低保 standard, a notice period, the payment lead time…) for a
    jurisdiction from a date, today or later (the county's date, Asia/Shanghai): 422
    `standard_in_the_past` for an earlier date, which only a correction may have
    (`POST /standards/corrections`). Standards are never edited: a later `effective_from`
    supersedes. 409 `standard_exists` if that parameter, jurisdiction and date are already set;
    422 `standard_out_of_range` above the parameter's maximum."""
    std = await h.set_standard(
        ctx,
        actor,
        parameter=body.parameter,
        jurisdiction=body.jurisdiction,
        effective_from=body.effective_from,
        value=body.value,
    )
    return StandardRef(standard_id=std.standard_id)


@router.post(
    "/standards/corrections",
    status_code=201,
    tags=["configuration"],
    summary="Correct the standards from a past date",
    response_model=StandardRef,
    responses=refusals(409),
)
async def correct_standard(body: StandardCorrectionIn, ctx: Ctx, actor: StandardCorrector) -> StandardRef:
    """A standard that should have taken effect on a past date (a raise decided late, a date
    entered wrong): by a county approver, with the reason, recorded on the event with the approver
    as its actor. Months already paid stay paid as they were; a back payment or a later run uses it.
    422 `not_a_correction` for a date from today on (the standards officer sets those with
    `POST /standards`); 409 `standard_exists` as for any standard (a standard is never edited:
    correct a wrong value with one from a later date)."""
    std = await h.set_standard(
        ctx,
        actor,
        parameter=body.parameter,
        jurisdiction=body.jurisdiction,
        effective_from=body.effective_from,
        value=body.value,
        correction=body.reason,
    )
    return StandardRef(standard_id=std.standard_id)


@router.get(
    "/standards",
    tags=["configuration"],
    summary="List the standards",
    response_model=list[StandardOut],
)
async def list_standards(ctx: Ctx, actor: StandardReader) -> list[StandardOut]:
    """Every standard that applies in the caller's division (the county's, and those of its own
    townships and villages), with the id that payments name (`standard_id`)."""
    async with ctx.store.pool.acquire() as conn:
        table = await standards_table(conn)
    division = scope(actor) or ""
    return [
        StandardOut(
            standard_id=s.standard_id,
            parameter=s.parameter,
            jurisdiction=s.jurisdiction,
            effective_from=s.effective_from,
            value=s.value,
        )
        for s in table
        if s.jurisdiction.startswith(division) or division.startswith(s.jurisdiction)
    ]


# ------------------------------------------------------------------------------------ 低保 households


@router.post(
    "/households",
    status_code=201,
    tags=["dibao"],
    summary="Apply for 低保 (申请)",
    response_model=HouseholdRef,
    responses=refusals(409),
)
async def apply(body: ApplyIn, ctx: Ctx, actor: Applicant) -> HouseholdRef:
    """A household applies. The residence must be a registered township or village of the county,
    in the caller's division (403 `outside_jurisdiction`).
    409 `person_in_other_household` if a member is in another open case; with a client
    `household_id`, re-sending the same body returns the original result and another body is 409
    `id_reused`."""
    members = [
        Member(m.resident_id.reveal(), m.relationship.value, m.counted_income_fen(), m.employment.value)
        for m in body.members
    ]
    hid = await h.apply_household(
        ctx,
        actor,
        household_id=body.household_id or uuid.uuid4(),
        programme=body.programme,
        residence=body.residence,
        members=members,
        official_relative=body.official_relative,
    )
    return HouseholdRef(household_id=hid)


@router.get(
    "/households",
    tags=["dibao"],
    summary="List households",
    response_model=HouseholdPage,
)
async def list_households(
    ctx: Ctx,
    actor: HouseholdReader,
    village: Annotated[
        DivisionCode | None,
        Query(description="Only households living within this village, township or county."),
    ] = None,
    status: Annotated[Status | None, Query(description="Only households in this status.")] = None,
    programme: Annotated[Programme | None, Query(description="dibao_urban or dibao_rural")] = None,
    limit: Limit = 50,
    offset: Offset = 0,
) -> HouseholdPage:
    """Households of the caller's division from the read model (brought up to date first), newest
    application first, a page at a time: `total` counts every match. Start here to find a
    household's id. A `village` wider than the caller's division is narrowed to it."""
    bound = narrow(actor, village, "village")
    where = (
        "($1::text IS NULL OR residence LIKE $1 || '%') AND ($2::text IS NULL OR status = $2) "
        "AND ($3::text IS NULL OR programme = $3)"
    )
    await ctx.projection(READ_MODELS).catch_up()
    async with ctx.store.pool.acquire() as conn:
        total = await conn.fetchval(
            f"SELECT count(*) FROM households WHERE {where}", bound, status, programme
        )
        rows = await conn.fetch(
            "SELECT household_id, programme, category, status, residence, township, persons, "
            "notice_ends_at, open_objections, monthly_amount_fen, recheck_due, applied_at, updated_at "
            f"FROM households WHERE {where} ORDER BY applied_at DESC, household_id LIMIT $4 OFFSET $5",
            bound,
            status,
            programme,
            limit,
            offset,
        )
    items = [HouseholdSummary(**dict(r)) for r in rows]
    return HouseholdPage(items=items, total=total, limit=limit, offset=offset)


F = TypeVar("F", bound=Callable[..., Any])


def _command(summary: str, path: str) -> Callable[[F], F]:
    """A household command: answers the household's state; 404 and 409 are its refusals."""
    return router.post(
        path, tags=["dibao"], summary=summary, response_model=HouseholdView, responses=refusals(404, 409)
    )


STEPS = {
    Step.INVESTIGATION: ("Record the home investigation (入户调查)", "the township caseworker"),
    Step.ECONOMIC_CHECK: ("Record the economic-status check (家庭经济状况核对)", "the township caseworker"),
    Step.APPRAISAL: ("Record the democratic appraisal (民主评议)", "the township reviewer"),
    Step.TOWNSHIP_REVIEW: ("Record the township review (镇街初审)", "the township reviewer"),
    Step.RELATIVE_REVIEW: ("Record the close-relative review (近亲属备案审核)", "the township reviewer"),
}


def _step_route(step: Step) -> None:
    """``POST /households/{hid}/steps/<step>``: one route per step, each with its permission."""
    summary, who = STEPS[step]

    async def record(hid: HouseholdId, body: StepIn, ctx: Ctx, actor: Actor) -> HouseholdView:
        return household_view(hid, await h.record_step(ctx, actor, hid, step, body.passed, body.notes))

    record.__annotations__["actor"] = Annotated[Actor, permit(STEP_PERMISSIONS[step])]
    record.__name__ = record.__qualname__ = f"step_{step.value}"
    record.__doc__ = (
        f"{summary}, by {who}. The steps come in order: 入户调查, 家庭经济状况核对, 民主评议, 镇街初审, "
        "then 近亲属备案审核 for close relatives of officials. Whoever records the home investigation "
        "cannot approve the household. 409 `step_out_of_order`, `step_already_recorded`, "
        "`not_under_review`."
    )
    _command(summary, f"/households/{{hid}}/steps/{step.value}")(record)


for _step in Step:
    _step_route(_step)


@_command("Post the public notice (公示)", "/households/{hid}/notice")
async def notice(hid: HouseholdId, ctx: Ctx, actor: NoticePoster) -> HouseholdView:
    """After every review step passed: the notice runs for the `notice_days` standard in force at
    the village. 409 `review_not_complete`."""
    return household_view(hid, await h.post_notice(ctx, actor, hid))


@router.post(
    "/households/{hid}/objections",
    status_code=201,
    tags=["dibao"],
    summary="Raise an objection during the notice",
    response_model=ObjectionView,
    responses=refusals(404, 409),
)
async def objection(hid: HouseholdId, body: ObjectionIn, ctx: Ctx, actor: ObjectionRaiser) -> ObjectionView:
    """An objection blocks approval until resolved. 409 `not_on_notice`; with a client
    `objection_id`, re-sending returns the original result and another summary is 409 `id_reused`."""
    oid = body.objection_id or str(uuid.uuid4())
    view = household_view(hid, await h.raise_objection(ctx, actor, hid, oid, body.summary))
    return ObjectionView(**view.model_dump(), objection_id=oid)


@_command("Resolve an objection", "/households/{hid}/objections/{oid}/resolution")
async def resolve(
    hid: HouseholdId,
    oid: Annotated[str, Path(min_length=1, max_length=100, pattern=ID_PATTERN)],
    body: ResolutionIn,
    ctx: Ctx,
    actor: ObjectionResolver,
) -> HouseholdView:
    """An upheld objection means the application can only be rejected. 404 `unknown_objection`."""
    state = await h.resolve_objection(ctx, actor, hid, oid, body.upheld, body.resolution)
    return household_view(hid, state)


@_command("Approve (审批)", "/households/{hid}/approval")
async def approve(hid: HouseholdId, body: ApprovalIn, ctx: Ctx, actor: Approver) -> HouseholdView:
    """County approval, once the notice has ended with no open or upheld objection; the amount is
    fixed from the standard in force, effective this month. The approver (the token's subject,
    recorded as `approved_by`) is not the official who recorded the home investigation: 403
    `same_official_investigated`. 409 `notice_period_not_over`, `open_objection`,
    `objection_upheld`, `income_above_standard`."""
    return household_view(hid, await h.approve(ctx, actor, hid, body.classification))


@_command("Reject", "/households/{hid}/rejection")
async def reject(hid: HouseholdId, body: ReasonIn, ctx: Ctx, actor: Rejecter) -> HouseholdView:
    """Reject an application under review or on notice; its people may apply again. 409 `cannot_reject`."""
    return household_view(hid, await h.reject(ctx, actor, hid, body.reason))


@_command("Annual recheck (年审)", "/households/{hid}/recheck")
async def recheck(hid: HouseholdId, body: RecheckIn, ctx: Ctx, actor: Rechecker) -> HouseholdView:
    """New monthly incomes of members: the amount changes from next month, or the benefit ends.
    422 `not_a_member`; 409 `not_in_receipt`."""
    incomes = {i.resident_id.reveal(): i.counted_income_fen() for i in body.incomes}
    if len(incomes) != len(body.incomes):
        raise DomainError("duplicate_member", "a person is listed twice", field="incomes")
    return household_view(hid, await h.recheck(ctx, actor, hid, incomes))


@_command("Suspend the benefit", "/households/{hid}/suspension")
async def suspend(hid: HouseholdId, body: ReasonIn, ctx: Ctx, actor: Suspender) -> HouseholdView:
    """An active household is not paid while suspended. 409 `not_active`."""
    return household_view(hid, await h.suspend(ctx, actor, hid, body.reason))


@_command("Resume the benefit", "/households/{hid}/resumption")
async def resume(hid: HouseholdId, ctx: Ctx, actor: Resumer) -> HouseholdView:
    """A suspended household is paid again. 409 `not_suspended`."""
    return household_view(hid, await h.resume(ctx, actor, hid))


@_command("Withdraw (主动退保)", "/households/{hid}/withdrawal")
async def withdraw(hid: HouseholdId, body: ReasonIn, ctx: Ctx, actor: Withdrawer) -> HouseholdView:
    """The household leaves at its own request, at any stage before the case is closed.
    409 `already_closed`."""
    return household_view(hid, await h.withdraw(ctx, actor, hid, body.reason))


@router.get(
    "/households/{hid}",
    tags=["dibao"],
    summary="A household's status",
    response_model=HouseholdView,
    responses=refusals(404),
)
async def status(hid: HouseholdId, ctx: Ctx, actor: HouseholdReader) -> HouseholdView:
    """The household's current state, folded from its stream (no personal data: counts and
    dates). 404 `unknown_household`."""
    return household_view(hid, await h.household(ctx, hid, actor))


@router.get(
    "/households/{hid}/overpayments",
    tags=["dibao"],
    summary="A household's overpayments to recover (多发追回)",
    response_model=list[OverpaymentOut],
    responses=refusals(404),
)
async def overpayments(hid: HouseholdId, ctx: Ctx, actor: OverpaymentReader) -> list[OverpaymentOut]:
    """The months paid beyond what was due, each overpayment with its recovery task: a death
    registered late leaves the months paid after the month of death (the benefit ends or falls
    from the next month, counted from the date of death). Paid months are never reversed by a
    negative payment. 404 `unknown_household`."""
    return _overpayments((await h.household(ctx, hid, actor)).overpayments)


def _overpayments(recorded: Sequence[Overpayment]) -> list[OverpaymentOut]:
    return [
        OverpaymentOut(
            overpayment_id=o.overpayment_id,
            reason=o.reason,
            cause_date=o.cause_date,
            months=[OverpaidMonthOut(**m) for m in o.months],
            total_fen=o.total_fen,
            recovery="open",
        )
        for o in recorded
    ]


@router.get(
    "/households/{hid}/timeline",
    tags=["dibao"],
    summary="A household's history",
    response_model=list[TimelineEntry],
    responses=refusals(404),
)
async def timeline(hid: HouseholdId, ctx: Ctx, actor: TimelineReader) -> list[TimelineEntry]:
    """Every event of the household, with who recorded it and when. Members' resident IDs are
    shown in full to a township caseworker or reviewer, a county approver and the auditor, and
    each such read is recorded (who, when, which household); to other roles they are masked
    (`330727********123X`). 404 `unknown_household`."""
    full = bool(actor.roles & PERSONAL_DATA_ROLES)
    async with ctx.store.pool.acquire() as conn, conn.transaction():
        events = await h.household_events(ctx, hid, conn=conn)
        h.reached(hid, events, actor)
        if full:
            await record_read(conn, actor, record=f"household/{hid}", view="timeline", at=ctx.clock.now())
    return [
        TimelineEntry(
            version=e.version,
            event_type=e.event_type,
            occurred_at=e.occurred_at,
            recorded_at=e.recorded_at,
            actor=e.actor,
            data=e.data if full else jsoncodec.loads(mask_resident_ids(jsoncodec.dumps(e.data))),
        )
        for e in events
    ]


# ------------------------------------------------------------------------------------ payments


@router.post(
    "/households/{hid}/payments",
    status_code=201,
    tags=["payments"],
    summary="Pay one household for one month",
    response_model=PaymentOut,
    responses=refusals(404, 409),
)
async def pay(hid: HouseholdId, body: PeriodIn, ctx: Ctx, actor: HouseholdPayer) -> PaymentOut:
    """A back payment, or a month the run missed; paying a month twice pays once (`already_paid`).
    422 `period_in_future` (a month not begun, beyond the `payment_lead_months` standard) or
    `period_before_approval`; 409 `not_payable` (not active), `nothing_due`."""
    return PaymentOut(**await payments.pay_household(ctx, actor, hid, body.period))


@router.post(
    "/payment-runs",
    status_code=201,
    tags=["payments"],
    summary="Run the monthly payment (按月发放)",
    response_model=RunOut,
)
async def payment_run(body: PeriodIn, ctx: Ctx, actor: PaymentRunner) -> RunOut:
    """Pay every active 低保 household and 特困 case of the county for the month, once: a repeated
    or interrupted run pays nobody twice. 422 `period_in_future` for a month not begun (beyond the
    `payment_lead_months` standard); 403 `outside_jurisdiction` for a caller whose division is not
    the whole county."""
    result = await payments.run_payments(ctx, actor, body.period, projection=ctx.projection(READ_MODELS))
    return RunOut(**result.__dict__)


async def _rows(ctx: Ctx, sql: str, *args: Any) -> list[dict[str, Any]]:
    await ctx.projection(READ_MODELS).catch_up()
    async with ctx.store.pool.acquire() as conn:
        return [dict(r) for r in await conn.fetch(sql, *args)]


@router.get(
    "/households/{hid}/payments",
    tags=["payments"],
    summary="A household's payments",
    response_model=list[PaymentRow],
    responses=refusals(404),
)
async def payment_history(hid: HouseholdId, ctx: Ctx, actor: PaymentReader) -> list[PaymentRow]:
    """Every payment to the household, by month, with the standard each used (read model).
    404 `unknown_household`."""
    await h.household(ctx, hid, actor)
    rows = await _rows(
        ctx,
        "SELECT payment_id, period, amount_fen, standard_id, run_id, issued_at "
        "FROM payments WHERE household_id = $1 ORDER BY period",
        hid,
    )
    return [PaymentRow(**r) for r in rows]


@router.get(
    "/payments/summary",
    tags=["payments"],
    summary="Payments by month and programme",
    response_model=list[PaidRow],
)
async def paid(
    ctx: Ctx,
    actor: SummaryReader,
    period: Annotated[str | None, Query(pattern=r"^[0-9]{4}-(0[1-9]|1[0-2])$", description="YYYY-MM")] = None,
    programme: Programme | None = None,
) -> list[PaidRow]:
    """Count and total of the payments (monthly, temporary and medical aid) to the caller's
    division, by month and programme."""
    rows = await _rows(
        ctx,
        "SELECT coalesce(period, substr(issued_at::text, 1, 7)) AS period, programme, "
        "count(*) AS payments, sum(amount_fen)::bigint AS amount_fen FROM payments "
        "WHERE ($1::text IS NULL OR period = $1) AND ($2::text IS NULL OR programme = $2) "
        "AND ($3::text IS NULL OR residence LIKE $3 || '%') GROUP BY 1, 2 ORDER BY 1, 2",
        period,
        programme,
        scope(actor),
    )
    return [PaidRow(**r) for r in rows]


# ------------------------------------------------------------------------------------ queries


@router.get(
    "/notices",
    tags=["queries"],
    summary="Households on public notice in a village",
    response_model=list[NoticeRow],
)
async def notices(
    ctx: Ctx,
    actor: NoticeReader,
    village: Annotated[DivisionCode, Query(description="A village, township or the county.")],
) -> list[NoticeRow]:
    """What the village notice board shows (公示), soonest ending first (read model): in the
    caller's division (a `village` wider than it is narrowed to it; one outside it is 403
    `outside_jurisdiction`)."""
    rows = await _rows(
        ctx,
        "SELECT household_id, programme, persons, notice_ends_at, open_objections "
        "FROM households WHERE status = 'notice' AND residence LIKE $1 || '%' ORDER BY notice_ends_at",
        narrow(actor, village, "village"),
    )
    return [NoticeRow(**r) for r in rows]


@router.get(
    "/roll",
    tags=["queries"],
    summary="The roll: households and persons in receipt",
    response_model=list[RollRow],
)
async def roll(
    ctx: Ctx,
    actor: RollReader,
    township: Annotated[DivisionCode | None, Query(description="Only this township.")] = None,
) -> list[RollRow]:
    """Active households and their persons in the caller's division, by township and urban/rural
    (read model). A `township` outside the caller's division is 403 `outside_jurisdiction`."""
    rows = await _rows(
        ctx,
        "SELECT township, category, count(*) AS households, sum(persons) AS persons FROM households "
        "WHERE status = 'active' AND ($1::text IS NULL OR township = $1) "
        "AND ($2::text IS NULL OR residence LIKE $2 || '%') "
        "GROUP BY township, category ORDER BY township, category",
        township,
        narrow(actor, township, "township"),
    )
    return [RollRow(**r) for r in rows]


# ------------------------------------------------------------------------------------ other aid


@router.post(
    "/tekun",
    status_code=201,
    tags=["tekun"],
    summary="Confirm 特困 support",
    response_model=TekunRef,
    responses=refusals(409),
)
async def tekun(body: TekunIn, ctx: Ctx, actor: TekunConfirmer) -> TekunRef:
    """A person supported monthly, centralised (care home) or dispersed (at home); paid by the
    monthly run. 409 `person_already_supported`; with a client `case_id`, re-sending returns the
    original result and another body is 409 `id_reused`."""
    cid = await oa.confirm_tekun(
        ctx,
        actor,
        case_id=body.case_id or uuid.uuid4(),
        person=body.person.reveal(),
        residence=body.residence,
        mode=body.mode,
    )
    return TekunRef(case_id=cid)


@router.post(
    "/tekun/{cid}/mode",
    tags=["tekun"],
    summary="Change a 特困 case's mode of support",
    response_model=TekunModeOut,
    responses=refusals(404, 409),
)
async def tekun_mode(
    cid: Annotated[uuid.UUID, Path(description="The case id (from `POST /tekun`).")],
    body: ModeIn,
    ctx: Ctx,
    actor: TekunModeChanger,
) -> TekunModeOut:
    """From the next run on, the case is paid at the new mode's standard. 404 `unknown_case`;
    409 `not_active`."""
    await oa.change_tekun_mode(ctx, actor, cid, body.mode)
    return TekunModeOut(case_id=cid, mode=body.mode)


@router.get(
    "/tekun/{cid}/overpayments",
    tags=["tekun"],
    summary="A 特困 case's overpayments to recover (多发追回)",
    response_model=list[OverpaymentOut],
    responses=refusals(404),
)
async def tekun_overpayments(
    cid: Annotated[uuid.UUID, Path(description="The case id (from `POST /tekun`).")],
    ctx: Ctx,
    actor: OverpaymentReader,
) -> list[OverpaymentOut]:
    """The months of support paid after the case ended (a death registered late: paid for the
    month of death, ended from the next), each with its recovery task; never a negative payment.
    404 `unknown_case`."""
    return _overpayments((await oa.tekun_case(ctx, cid, actor)).overpayments)


@router.post(
    "/temporary-aid",
    status_code=201,
    tags=["temporary aid"],
    summary="Grant temporary aid (临时救助)",
    response_model=GrantRef,
    responses=refusals(409),
)
async def temporary(body: TemporaryAidIn, ctx: Ctx, actor: TemporaryGranter) -> GrantRef:
    """A one-off grant within the per-grant limit in force (422 `over_temporary_aid_limit`); with a
    client `grant_id`, re-sending returns the original result and another body is 409 `id_reused`."""
    gid = body.grant_id or uuid.uuid4()
    await oa.grant_temporary_aid(
        ctx,
        actor,
        grant_id=gid,
        beneficiary=body.beneficiary.reveal(),
        residence=body.residence,
        cause=body.cause,
        amount_fen=body.amount_fen,
    )
    return GrantRef(grant_id=gid)


@router.post(
    "/medical-claims",
    status_code=201,
    tags=["medical aid"],
    summary="Claim medical aid (医疗救助)",
    response_model=MedicalOut,
    responses=refusals(409),
)
async def medical(body: MedicalClaimIn, ctx: Ctx, actor: MedicalClaimer) -> MedicalOut:
    """Receipts reimbursed at the rate in force, up to the person's annual cap (`capped` says when it
    cut the payment). Re-sending a claim returns it as paid; the same `claim_id` with another body
    (another person, other receipts) is 409 `id_reused`."""
    paid = await oa.claim_medical_aid(
        ctx,
        actor,
        claim_id=body.claim_id,
        beneficiary=body.beneficiary.reveal(),
        residence=body.residence,
        receipts=[Receipt(x.number, x.amount_fen) for x in body.receipts],
    )
    return MedicalOut(
        claim_id=paid.claim_id,
        eligible_fen=paid.eligible_fen,
        computed_fen=paid.computed_fen,
        paid_fen=paid.paid_fen,
        capped=paid.capped,
        cap_remaining_fen=paid.cap_remaining_fen,
        standard_id=paid.standard_id,
    )
