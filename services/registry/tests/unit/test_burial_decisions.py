"""The burial area's decisions, given/when/then (``Scenario``) over the pure domain, and properties
of the use period."""

from __future__ import annotations

from datetime import date, timedelta

from hypothesis import given
from hypothesis import strategies as st

from minzheng_eventstore.testing import Scenario
from minzheng_kernel.calendar import WorkingCalendar
from minzheng_kernel.errors import Conflict, NotFound
from minzheng_kernel.events import DomainEvent
from minzheng_kernel.standards import Standard, StandardsTable
from minzheng_registry.application.burial.streams import CEMETERY, FUNERAL, ILLEGAL_BURIAL, PLOT
from minzheng_registry.application.configuration import NATIONAL
from minzheng_registry.domain.burial import cemetery as c
from minzheng_registry.domain.burial import funeral as f
from minzheng_registry.domain.burial import illegal as i
from minzheng_registry.domain.burial import plot as pl

COUNTY = "330727"
VILLAGE = "330727101201"
TODAY = date(2026, 3, 2)
DECEASED = "330727193804120151"
NATIONAL_TABLE = StandardsTable(Standard(p.value, COUNTY, d, v) for p, d, v in NATIONAL)


def table(*extra: Standard) -> StandardsTable:
    return StandardsTable([*NATIONAL_TABLE, *extra])


APPROVED = c.CemeteryApproved("cem-1", "公墓", "public_interest", "330727101", [VILLAGE], "2026-01-05", "doc")
PLOTS = c.PlotsCreated(
    "cem-1", "A", 1, 3, "ashes_double", 80, 2, "plot_area_max_ashes:330727:1998-01-01", "2026-01-05"
)
WHO = pl.Deceased("reg-1", DECEASED, VILLAGE)
ASSIGNED = pl.PlotAssigned(
    "cem-1",
    "A-001",
    1,
    "reg-1",
    DECEASED,
    VILLAGE,
    "2026-03-02",
    "2046-03-02",
    "plot_use_years:330727:1998-01-01",
)


def cemetery() -> c.Cemetery:
    return Scenario(CEMETERY).given(APPROVED, PLOTS).state


# ---------------------------------------------------------------------------------- cemeteries


def test_a_public_interest_cemetery_lists_villages_of_the_county() -> None:
    def approve(
        villages: list[str], kind: c.CemeteryKind = c.CemeteryKind.PUBLIC_INTEREST
    ) -> Scenario[c.Cemetery]:
        return Scenario(CEMETERY).when(
            lambda s: c.approve(
                s,
                cemetery_id="cem-1",
                name="公墓",
                kind=kind,
                location="330727101",
                villages=villages,
                county=COUNTY,
                approved_on=date(2026, 1, 5),
                document="doc",
            )
        )

    approve([VILLAGE]).then(APPROVED)
    approve([]).then_refused("service_villages_required")
    approve(["330728101201"]).then_refused("invalid_service_village")
    approve(["330727101"]).then_refused("invalid_service_village")
    approve([VILLAGE, VILLAGE]).then_refused("duplicate_village")
    approve([VILLAGE], c.CemeteryKind.COMMERCIAL).then_refused("service_villages_not_allowed")
    Scenario(CEMETERY).given(APPROVED).when(
        lambda s: c.approve(
            s,
            cemetery_id="cem-1",
            name="x",
            kind=c.CemeteryKind.COMMERCIAL,
            location="330727101",
            villages=[],
            county=COUNTY,
            approved_on=TODAY,
            document="d",
        )
    ).then_refused("cemetery_exists", Conflict)


def _plots(
    plot_type: c.PlotType,
    area: int,
    positions: int,
    standards: StandardsTable = NATIONAL_TABLE,
    first: int = 10,
):
    return lambda s: c.create_plots(
        s,
        standards,
        section="A",
        first=first,
        count=2,
        plot_type=plot_type,
        area_dm2=area,
        positions=positions,
        on=TODAY,
    )


def test_plots_are_within_the_area_limit_in_force_on_the_day() -> None:
    given = Scenario(CEMETERY).given(APPROVED, PLOTS)
    for plot_type, limit, positions in (
        (c.PlotType.ASHES_SINGLE, 100, 1),
        (c.PlotType.ASHES_DOUBLE, 100, 2),
        (c.PlotType.BODY_SINGLE, 400, 1),
        (c.PlotType.BODY_DOUBLE, 600, 2),
    ):
        created = given.when(_plots(plot_type, limit, positions)).then(
            c.PlotsCreated(
                "cem-1",
                "A",
                10,
                2,
                plot_type.value,
                limit,
                positions,
                f"{plot_type.area_limit.value}:330727:1998-01-01",
                "2026-03-02",
            )
        )
        assert {"A-010", "A-011"} <= set(created.plots)
        error = given.when(_plots(plot_type, limit + 1, positions)).then_refused("plot_area_over_limit")
        assert (
            error.field == "area_dm2" and f"{plot_type.area_limit.value}:330727:1998-01-01" in error.message
        )
    # a township's own, stricter limit from 2026 (0.5 m² for ashes) wins for its cemeteries
    strict = table(Standard("plot_area_max_ashes", "330727101", date(2026, 1, 1), 50))
    given.when(_plots(c.PlotType.ASHES_SINGLE, 51, 1, strict)).then_refused("plot_area_over_limit")
    given.when(_plots(c.PlotType.ASHES_SINGLE, 80, 2)).then_refused("positions_do_not_match_type")
    given.when(_plots(c.PlotType.ASHES_SINGLE, 80, 1, first=3)).then_refused("plots_exist", Conflict)
    Scenario(CEMETERY).when(_plots(c.PlotType.ASHES_SINGLE, 80, 1)).then_refused("unknown_cemetery", NotFound)
    given.when(_plots(c.PlotType.ASHES_SINGLE, 80, 1, first=99_999)).then_refused("invalid_run")


# -------------------------------------------------------------------------------------- plots


def _assign(
    position: int = 1,
    who: pl.Deceased | None = WHO,
    spouse: bool = False,
    standards: StandardsTable = NATIONAL_TABLE,
    plot: str = "A-001",
):
    where = cemetery()
    return lambda s: pl.assign(
        where, s, standards, plot_no=plot, position=position, deceased=who, spouse_of_first=spouse, on=TODAY
    )


def test_a_position_goes_once_to_a_registered_death_of_the_service_area() -> None:
    Scenario(PLOT).when(_assign()).then(ASSIGNED)
    Scenario(PLOT).when(_assign(who=None)).then_refused("not_deceased")
    Scenario(PLOT).when(_assign(who=pl.Deceased("reg-2", DECEASED, "330727102203"))).then_refused(
        "outside_service_area"
    )
    Scenario(PLOT).given(ASSIGNED).when(_assign()).then_refused("position_taken", Conflict)
    Scenario(PLOT).when(_assign(position=3)).then_refused("invalid_position")
    Scenario(PLOT).when(_assign(plot="A-009")).then_refused("unknown_plot", NotFound)


def test_the_second_position_is_kept_for_the_spouse_while_the_parameter_is_one() -> None:
    spouse = pl.Deceased("reg-2", "330727194001020162", VILLAGE)
    Scenario(PLOT).given(ASSIGNED).when(_assign(2, spouse)).then_refused("position_kept_for_spouse", Conflict)
    state = (
        Scenario(PLOT)
        .given(ASSIGNED)
        .when(_assign(2, spouse, spouse=True))
        .then(
            pl.PlotAssigned(
                "cem-1",
                "A-001",
                2,
                "reg-2",
                spouse.deceased,
                VILLAGE,
                "2026-03-02",
                "2046-03-02",
                "plot_use_years:330727:1998-01-01",
                True,
            )
        )
    )
    assert state.state(2) == "assigned"
    off = table(Standard("plot_keep_for_spouse", COUNTY, date(2026, 1, 1), 0))
    events = (
        Scenario(PLOT)
        .given(ASSIGNED)
        .when(_assign(2, spouse, standards=off))
        .then(
            pl.PlotAssigned(
                "cem-1",
                "A-001",
                2,
                "reg-2",
                spouse.deceased,
                VILLAGE,
                "2026-03-02",
                "2046-03-02",
                "plot_use_years:330727:1998-01-01",
            )
        )
    )
    assert set(events.positions) == {1, 2}


def test_interment_expiry_and_renewal() -> None:
    inter = pl.IntermentRecorded("cem-1", "A-001", 1, "reg-1", "2026-03-02")
    Scenario(PLOT).given(ASSIGNED).when(
        lambda s: pl.inter("cem-1", s, plot_no="A-001", position=1, on=TODAY, today=TODAY)
    ).then(inter)
    Scenario(PLOT).given(ASSIGNED, inter).when(
        lambda s: pl.inter("cem-1", s, plot_no="A-001", position=1, on=TODAY, today=TODAY)
    ).then_refused("already_interred", Conflict)
    Scenario(PLOT).given(ASSIGNED).when(
        lambda s: pl.inter("cem-1", s, plot_no="A-001", position=1, on=TODAY - timedelta(days=1), today=TODAY)
    ).then_refused("interred_before_assignment")
    Scenario(PLOT).when(
        lambda s: pl.inter("cem-1", s, plot_no="A-001", position=1, on=TODAY, today=TODAY)
    ).then_refused("position_not_assigned", Conflict)

    expired = pl.PlotUseExpired("cem-1", "A-001", 1, 1, "2046-03-02")
    state = (
        Scenario(PLOT)
        .given(ASSIGNED, inter)
        .when(lambda s: pl.expire("cem-1", s, plot_no="A-001", position=1, period=1))
        .then(expired)
    )
    assert state.state(2) == "use_expired"
    # raised once: a repeat, or the deadline of a period renewed meanwhile, raises nothing
    Scenario(PLOT).given(ASSIGNED, expired).when(
        lambda s: pl.expire("cem-1", s, plot_no="A-001", position=1, period=1)
    ).then()
    where = cemetery()
    renewed = pl.PlotUseRenewed(
        "cem-1", "A-001", 1, 2, "2046-05-06", "2046-05-06", "2066-05-06", "plot_use_years:330727:1998-01-01"
    )
    state = (
        Scenario(PLOT)
        .given(ASSIGNED, inter, expired)
        .when(lambda s: pl.renew(where, s, NATIONAL_TABLE, plot_no="A-001", position=1, on=date(2046, 5, 6)))
        .then(renewed)
    )
    assert state.state(2) == "interred" and state.positions[1].period == 2
    Scenario(PLOT).given(ASSIGNED, renewed).when(
        lambda s: pl.expire("cem-1", s, plot_no="A-001", position=1, period=1)
    ).then()


def test_nothing_is_interred_in_a_reclaimed_position() -> None:
    """A position taken back (收回) is never used again: no interment either (no resale)."""
    expired = pl.PlotUseExpired("cem-1", "A-001", 1, 1, "2046-03-02")
    reclaimed = pl.PlotUseReclaimed("cem-1", "A-001", 1, "2046-09-01", "期满未续")
    Scenario(PLOT).given(ASSIGNED, expired, reclaimed).when(
        lambda s: pl.inter(
            "cem-1", s, plot_no="A-001", position=1, on=date(2046, 9, 2), today=date(2046, 9, 2)
        )
    ).then_refused("plot_reclaimed", Conflict)


def test_a_period_renewed_in_advance_is_not_renewed_again_before_it_begins() -> None:
    """A repeated renewal request (a retry, a second click) does not stack another 20 years."""
    where = cemetery()
    early = pl.PlotUseRenewed(
        "cem-1", "A-001", 1, 2, "2030-01-02", "2046-03-02", "2066-03-02", "plot_use_years:330727:1998-01-01"
    )

    def renew(on: date) -> Scenario[pl.Plot]:
        return (
            Scenario(PLOT)
            .given(ASSIGNED, early)
            .when(lambda s: pl.renew(where, s, NATIONAL_TABLE, plot_no="A-001", position=1, on=on))
        )

    renew(date(2030, 1, 2)).then_refused("renewal_pending", Conflict)
    renew(date(2046, 3, 1)).then_refused("renewal_pending", Conflict)
    renew(date(2046, 3, 2)).then(
        pl.PlotUseRenewed(
            "cem-1",
            "A-001",
            1,
            3,
            "2046-03-02",
            "2066-03-02",
            "2086-03-02",
            "plot_use_years:330727:1998-01-01",
        )
    )


@given(
    st.dates(min_value=date(1950, 1, 1), max_value=date(2150, 12, 31)),
    st.integers(min_value=1, max_value=100),
)
def test_the_use_period_ends_on_the_anniversary(day: date, years: int) -> None:
    end = pl.anniversary(day, years)
    assert end.year == day.year + years
    assert (end.month, end.day) == (day.month, day.day) or (day.month, day.day, end.day) == (2, 29, 28)


# ------------------------------------------------------------------------------------ funerals

DEATH = f.Death("reg-1", DECEASED, VILLAGE, date(2026, 2, 27))
CREMATED = f.CremationRecorded("reg-1", DECEASED, "2026-02-28", "殡仪馆", VILLAGE)


def test_a_cremation_is_recorded_once_on_or_after_the_death() -> None:
    def cremate(on: date) -> object:
        return lambda s: f.record_cremation(s, DEATH, cremated_on=on, funeral_home="殡仪馆", today=TODAY)

    Scenario(FUNERAL).when(cremate(date(2026, 2, 28))).then(CREMATED)
    Scenario(FUNERAL).given(CREMATED).when(cremate(date(2026, 2, 28))).then_refused(
        "already_cremated", Conflict
    )
    Scenario(FUNERAL).when(cremate(date(2026, 2, 26))).then_refused("cremated_before_death")
    Scenario(FUNERAL).when(cremate(date(2026, 3, 3))).then_refused("cremated_in_future")


def _waive(
    standards: StandardsTable,
    recipient: bool = False,
    certificate: str | None = None,
    services: list[str] | None = None,
):
    return lambda s: f.waive_basic_fees(
        s, DEATH, standards, services=services or ["cremation"], recipient=recipient, certificate=certificate
    )


def test_the_waiver_scope_on_the_date_of_death_decides() -> None:
    scope1 = "funeral_fee_waiver_scope:330727:2009-01-01"
    Scenario(FUNERAL).when(_waive(NATIONAL_TABLE)).then_refused("not_assistance_recipient")
    Scenario(FUNERAL).when(_waive(NATIONAL_TABLE, recipient=True)).then(
        f.BasicFuneralFeesWaived("reg-1", VILLAGE, ["cremation"], scope1, "assistance_record")
    )
    Scenario(FUNERAL).when(_waive(NATIONAL_TABLE, certificate="c-1")).then(
        f.BasicFuneralFeesWaived("reg-1", VILLAGE, ["cremation"], scope1, "assistance_certificate", "c-1")
    )
    # all residents from the day of death on; none from a later day changes nothing for this death
    everyone = table(
        Standard("funeral_fee_waiver_scope", COUNTY, date(2026, 2, 27), 2),
        Standard("funeral_fee_waiver_scope", COUNTY, date(2026, 2, 28), 0),
    )
    Scenario(FUNERAL).when(_waive(everyone)).then(
        f.BasicFuneralFeesWaived(
            "reg-1", VILLAGE, ["cremation"], "funeral_fee_waiver_scope:330727:2026-02-27", "all_residents"
        )
    )
    nobody = table(Standard("funeral_fee_waiver_scope", VILLAGE, date(2020, 1, 1), 0))
    Scenario(FUNERAL).when(_waive(nobody, recipient=True)).then_refused("waiver_not_in_scope")
    Scenario(FUNERAL).when(_waive(NATIONAL_TABLE, recipient=True, services=["flowers"])).then_refused(
        "invalid_services"
    )
    waived = f.BasicFuneralFeesWaived("reg-1", VILLAGE, ["cremation"], scope1, "assistance_record")
    Scenario(FUNERAL).given(waived).when(_waive(NATIONAL_TABLE, recipient=True)).then_refused(
        "fees_already_waived", Conflict
    )


def test_the_ashes_disposition_follows_the_cremation() -> None:
    def dispose(kind: f.Disposition, held: str | None = None, on: date = TODAY) -> object:
        return lambda s: f.dispose_ashes(s, disposition=kind, place="县骨灰堂 3-12", on=on, plot_held=held)

    Scenario(FUNERAL).when(dispose(f.Disposition.COLUMBARIUM)).then_refused("not_cremated", Conflict)
    Scenario(FUNERAL).given(CREMATED).when(dispose(f.Disposition.COLUMBARIUM)).then(
        f.AshesDisposed("reg-1", "columbarium", "县骨灰堂 3-12", "2026-03-02")
    )
    Scenario(FUNERAL).given(CREMATED).when(dispose(f.Disposition.PLOT)).then_refused("no_plot_assigned")
    Scenario(FUNERAL).given(CREMATED).when(dispose(f.Disposition.PLOT, "cem-1/A-001/1")).then(
        f.AshesDisposed("reg-1", "plot", "cem-1/A-001/1", "2026-03-02")
    )
    Scenario(FUNERAL).given(CREMATED).when(
        dispose(f.Disposition.ECO_BURIAL, on=date(2026, 2, 27))
    ).then_refused("disposed_before_cremation")


# ----------------------------------------------------------------------------- illegal burial

OPENED = i.IllegalBurialCaseOpened("case-1", VILLAGE, "后山", "新坟", "2026-03-01")


def test_an_order_sets_the_deadline_moved_to_a_working_day() -> None:
    plain = WorkingCalendar()
    ordered = i.IllegalBurialOrdered(
        "case-1", "2026-03-02", "2026-04-01", "illegal_burial_rectification_days:330727:1998-01-01", "d"
    )
    Scenario(ILLEGAL_BURIAL).given(OPENED).when(
        lambda s: i.order(s, NATIONAL_TABLE, plain, on=TODAY, document="d")
    ).then(ordered)
    holiday = WorkingCalendar(non_working=frozenset({date(2026, 4, 1)}))
    moved = (
        Scenario(ILLEGAL_BURIAL)
        .given(OPENED)
        .when(lambda s: i.order(s, NATIONAL_TABLE, holiday, on=TODAY, document="d"))
    )
    assert (
        moved.then(
            i.IllegalBurialOrdered(
                "case-1",
                "2026-03-02",
                "2026-04-02",
                "illegal_burial_rectification_days:330727:1998-01-01",
                "d",
            )
        ).deadline
        == "2026-04-02"
    )
    Scenario(ILLEGAL_BURIAL).given(OPENED, ordered).when(
        lambda s: i.order(s, NATIONAL_TABLE, plain, on=TODAY, document="d")
    ).then_refused("already_ordered", Conflict)
    # overdue once, and only while open
    overdue = i.IllegalBurialOverdue("case-1", "2026-04-01")
    Scenario(ILLEGAL_BURIAL).given(OPENED, ordered).when(i.overdue).then(overdue)
    Scenario(ILLEGAL_BURIAL).given(OPENED, ordered, overdue).when(i.overdue).then()
    resolved = i.IllegalBurialCaseResolved("case-1", "penalised", "2026-04-05", "罚款")
    Scenario(ILLEGAL_BURIAL).given(OPENED, ordered, resolved).when(i.overdue).then()
    state = (
        Scenario(ILLEGAL_BURIAL)
        .given(OPENED, ordered, overdue)
        .when(lambda s: i.resolve(s, outcome=i.Outcome.PENALISED, on=date(2026, 4, 5), note="罚款"))
        .then(resolved)
    )
    assert state.state == "penalised"
    Scenario(ILLEGAL_BURIAL).given(OPENED).when(
        lambda s: i.resolve(s, outcome=i.Outcome.RECTIFIED, on=TODAY, note="x")
    ).then_refused("not_ordered", Conflict)
    Scenario(ILLEGAL_BURIAL).given(OPENED, ordered, resolved).when(
        lambda s: i.resolve(s, outcome=i.Outcome.RECTIFIED, on=TODAY, note="x")
    ).then_refused("case_closed", Conflict)
    Scenario(ILLEGAL_BURIAL).when(
        lambda s: i.open_case(
            s,
            case_id="c",
            village=VILLAGE,
            location="l",
            description="d",
            found_on=date(2026, 3, 3),
            today=TODAY,
        )
    ).then_refused("found_in_future")


def test_a_body_is_buried_once_in_a_body_plot_and_never_also_cremated() -> None:
    buried = f.BodyBuried("reg-1", VILLAGE, "cem-1/D-001/1", "2026-03-01")

    def bury(plot: str | None, on: date = date(2026, 3, 1)) -> object:
        return lambda s: f.bury_body(s, DEATH, body_plot=plot, on=on, today=TODAY)

    Scenario(FUNERAL).when(bury("cem-1/D-001/1")).then(buried)
    Scenario(FUNERAL).when(bury(None)).then_refused("no_body_plot_assigned")
    Scenario(FUNERAL).when(bury("cem-1/D-001/1", date(2026, 3, 3))).then_refused("buried_in_future")
    Scenario(FUNERAL).given(buried).when(bury("cem-1/D-001/1")).then_refused("already_buried", Conflict)
    Scenario(FUNERAL).given(CREMATED).when(bury("cem-1/D-001/1")).then_refused("already_cremated", Conflict)
    Scenario(FUNERAL).given(buried).when(
        lambda s: f.record_cremation(s, DEATH, cremated_on=date(2026, 3, 1), funeral_home="x", today=TODAY)
    ).then_refused("already_buried", Conflict)


def test_an_expired_position_is_reclaimed_once_and_never_renewed() -> None:
    expired = pl.PlotUseExpired("cem-1", "A-001", 1, 1, "2046-03-02")
    reclaimed = pl.PlotUseReclaimed("cem-1", "A-001", 1, "2046-09-01", "期满未续")

    def reclaim(s: pl.Plot) -> list[DomainEvent]:
        return pl.reclaim("cem-1", s, plot_no="A-001", position=1, on=date(2046, 9, 1), reason="期满未续")

    Scenario(PLOT).given(ASSIGNED).when(reclaim).then_refused("use_not_expired", Conflict)
    state = Scenario(PLOT).given(ASSIGNED, expired).when(reclaim).then(reclaimed)
    assert state.state(2) == "reclaimed"
    Scenario(PLOT).given(ASSIGNED, expired, reclaimed).when(reclaim).then_refused(
        "already_reclaimed", Conflict
    )
    where = cemetery()
    Scenario(PLOT).given(ASSIGNED, expired, reclaimed).when(
        lambda s: pl.renew(where, s, NATIONAL_TABLE, plot_no="A-001", position=1, on=date(2046, 9, 2))
    ).then_refused("plot_reclaimed", Conflict)
