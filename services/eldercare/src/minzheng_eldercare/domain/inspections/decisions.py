"""The inspections area's decisions, pure: each takes the institution's oversight file and returns
the facts, or refuses (``DomainError`` 422, ``Conflict`` 409, ``NotFound`` 404).

Decided where the rules are silent:

- an order covers every open finding of one inspection, one order per inspection; its deadline is
  ``rectification.days`` calendar days after the order, at risk from 00:00 +08:00 on the day
  ``rectification.at_risk_days`` before the deadline;
- the overdue suspends admissions at once (``cause=overdue``) unless they are suspended already or
  the institution is closed; the bureau may suspend earlier for an open order (``cause=bureau``);
- a re-inspection verifies findings of the order one by one; when the last is fixed the order
  completes, and if it is the order admissions are suspended for, they resume (or the suspension
  moves to another overdue order still open: ``cause=transferred``);
- a closure order needs an overdue order open or admissions suspended; a closed institution is
  neither inspected nor re-inspected, and its orders' clocks still run (an overdue is still
  reported), without a suspension.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from minzheng_kernel.errors import Conflict, DomainError, NotFound
from minzheng_kernel.events import DomainEvent
from minzheng_kernel.standards import StandardsTable

from . import events as e
from .oversight import Order, Oversight
from .parameters import Parameter

MAX_FINDINGS = 200


@dataclass(frozen=True, slots=True)
class Finding:
    category: e.Category
    sector: e.Sector | None
    """``None``: from the institution's kind (a private home's findings are private)."""
    description: str


def hazard_id(inspection_id: str, n: int) -> str:
    """The n-th finding of an inspection (from 1)."""
    return f"{inspection_id}-{n}"


def _finding(state: Oversight, hazard: str) -> tuple[str, str, str]:
    h = state.hazards[hazard]
    return (h.category, h.sector, h.description)


def _not_closed(state: Oversight) -> None:
    if state.closed:
        raise Conflict("institution_closed", "the institution is closed", field="institution_id")


def inspect(
    state: Oversight,
    *,
    inspection_id: str,
    institution_id: str,
    township: str,
    inspected_on: date,
    inspector: str,
    findings: list[Finding],
    today: date,
    kind: str = "",
) -> list[DomainEvent]:
    """An inspection and its findings (a clean inspection has none); the same inspection sent again
    changes nothing, its id with other details is refused (``id_reused``)."""
    default = e.Sector.PRIVATE if kind == "private" else e.Sector.PUBLIC
    seen = state.inspections.get(inspection_id)
    if seen is not None:
        same = (seen.inspected_on, seen.inspector, [_finding(state, h) for h in seen.hazard_ids]) == (
            inspected_on,
            inspector,
            [(f.category.value, (f.sector or default).value, f.description) for f in findings],
        )
        if same:
            return []  # the same command again: its result stands
        raise Conflict(
            "id_reused", "this inspection id was used for another inspection", field="inspection_id"
        )
    _not_closed(state)
    if inspected_on > today:
        raise DomainError("inspected_in_future", "an inspection is recorded once done", field="inspected_on")
    if len(findings) > MAX_FINDINGS:
        raise DomainError("too_many_findings", f"at most {MAX_FINDINGS} findings", field="findings")
    facts: list[DomainEvent] = [
        e.InspectionCompleted(
            inspection_id, institution_id, township, inspected_on.isoformat(), inspector, len(findings)
        )
    ]
    facts += [
        e.HazardFound(
            inspection_id, hazard_id(inspection_id, n), f.category, f.sector or default, f.description
        )
        for n, f in enumerate(findings, 1)
    ]
    return facts


def order(
    state: Oversight, table: StandardsTable, *, inspection_id: str, order_id: str, today: date
) -> list[DomainEvent]:
    """A rectification order (整改通知) over the inspection's open findings, its deadline from the
    standards; the same order sent again changes nothing."""
    inspection = state.inspections.get(inspection_id)
    if inspection is None:
        raise NotFound("inspection_not_found", "no such inspection", field="inspection_id")
    if order_id in state.orders:
        if state.orders[order_id].inspection_id == inspection_id:
            return []  # the same order again: its result stands
        raise Conflict("id_reused", "this order id was used for another order", field="order_id")
    _not_closed(state)
    if inspection.order_id is not None:
        raise Conflict("already_ordered", "this inspection has its order already", field="inspection_id")
    hazards = [h for h in inspection.hazard_ids if state.hazards[h].open]
    if not hazards:
        raise DomainError("no_findings", "the inspection found nothing to rectify", field="inspection_id")
    days = table.in_force(Parameter.DAYS, state.township, today)
    warn = table.in_force(Parameter.AT_RISK_DAYS, state.township, today)
    deadline = today + timedelta(days=days.value)
    at_risk_on = max(deadline - timedelta(days=warn.value), today)
    assert state.institution_id is not None
    return [
        e.RectificationOrdered(
            order_id,
            inspection_id,
            state.institution_id,
            state.township,
            hazards,
            today.isoformat(),
            deadline.isoformat(),
            at_risk_on.isoformat(),
            [days.standard_id, warn.standard_id],
        )
    ]


def _order_of(state: Oversight, order_id: str) -> Order:
    found = state.orders.get(order_id)
    if found is None:
        raise NotFound("order_not_found", "no such rectification order", field="order_id")
    return found


def at_risk(state: Oversight, order_id: str) -> list[DomainEvent]:
    """The at-risk point of an order still open (nothing for an order completed meanwhile)."""
    o = _order_of(state, order_id)
    if o.completed_on is not None or o.at_risk or o.overdue:
        return []
    return [e.RectificationAtRisk(order_id, o.deadline.isoformat(), len(state.open_hazards(o)))]


def overdue(state: Oversight, order_id: str, *, at: datetime) -> list[DomainEvent]:
    """The deadline passed with findings open: overdue, and admissions suspended if they are not."""
    o = _order_of(state, order_id)
    if o.completed_on is not None or o.overdue:
        return []
    assert state.institution_id is not None
    facts: list[DomainEvent] = [
        e.RectificationOverdue(
            order_id,
            state.institution_id,
            state.township,
            o.deadline.isoformat(),
            len(state.open_hazards(o)),
            at.isoformat(),
        )
    ]
    if state.suspended_by is None and not state.closed:
        facts.append(
            e.AdmissionsSuspended(state.institution_id, order_id, at.isoformat(), e.Cause.OVERDUE, "整改逾期")
        )
    return facts


def reinspect(
    state: Oversight,
    *,
    order_id: str,
    reinspected_on: date,
    inspector: str,
    verdicts: dict[str, bool],
    today: date,
    at: datetime,
) -> list[DomainEvent]:
    """A re-inspection (复查) of some of the order's findings: fixed or not yet. The order completes
    when every finding is verified fixed."""
    o = _order_of(state, order_id)
    _not_closed(state)
    if o.completed_on is not None:
        raise Conflict("order_completed", "every finding of this order is verified fixed", field="order_id")
    if not verdicts:
        raise DomainError("no_findings", "a re-inspection verifies at least one finding", field="findings")
    unknown = sorted(set(verdicts) - set(o.hazard_ids))
    if unknown:
        raise DomainError("unknown_hazard", f"not a finding of this order: {unknown[0]}", field="findings")
    if reinspected_on > today:
        raise DomainError(
            "inspected_in_future", "a re-inspection is recorded once done", field="reinspected_on"
        )
    if reinspected_on < o.ordered_on:
        raise DomainError("before_order", "a re-inspection comes after the order", field="reinspected_on")
    fixed = [h for h in o.hazard_ids if verdicts.get(h) is True and state.hazards[h].open]
    not_fixed = [h for h in o.hazard_ids if verdicts.get(h) is False]
    undone = [h for h in not_fixed if not state.hazards[h].open]
    if undone:
        raise Conflict("hazard_verified_fixed", f"{undone[0]} is verified fixed already", field="findings")
    facts: list[DomainEvent] = [
        e.ReinspectionRecorded(order_id, reinspected_on.isoformat(), inspector, fixed, not_fixed)
    ]
    if set(state.open_hazards(o)) - set(fixed):
        return facts
    facts.append(e.RectificationCompleted(order_id, reinspected_on.isoformat(), reinspected_on > o.deadline))
    if state.suspended_by == order_id:
        assert state.institution_id is not None
        others = [x for x in state.overdue_orders() if x.order_id != order_id]
        if others:
            facts.append(
                e.AdmissionsSuspended(
                    state.institution_id, others[0].order_id, at.isoformat(), e.Cause.TRANSFERRED, "整改逾期"
                )
            )
        else:
            facts.append(e.AdmissionsResumed(state.institution_id, order_id, at.isoformat()))
    return facts


def suspend(state: Oversight, *, order_id: str, reason: str, at: datetime) -> list[DomainEvent]:
    """The bureau suspends admissions (责令暂停收住) for an open order."""
    _not_closed(state)
    o = _order_of(state, order_id)
    if o.completed_on is not None:
        raise Conflict("order_completed", "every finding of this order is verified fixed", field="order_id")
    if state.suspended_by is not None:
        raise Conflict("already_suspended", "admissions are suspended already", field="institution_id")
    assert state.institution_id is not None
    return [e.AdmissionsSuspended(state.institution_id, order_id, at.isoformat(), e.Cause.BUREAU, reason)]


def close(state: Oversight, *, reason: str, today: date, at: datetime) -> list[DomainEvent]:
    """The closure order (责令关停): only with an overdue order open or admissions suspended."""
    if state.institution_id is None:
        raise Conflict("no_grounds_for_closure", "no overdue order and no suspension", field="institution_id")
    if state.closed:
        raise Conflict("already_closed", "the institution is closed already", field="institution_id")
    grounds = [o.order_id for o in state.overdue_orders()]
    if state.suspended_by is not None and state.suspended_by not in grounds:
        grounds.append(state.suspended_by)
    if not grounds:
        raise Conflict("no_grounds_for_closure", "no overdue order and no suspension", field="institution_id")
    return [e.InstitutionClosed(state.institution_id, today.isoformat(), at.isoformat(), reason, grounds)]
