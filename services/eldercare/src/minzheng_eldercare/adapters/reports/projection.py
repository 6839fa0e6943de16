"""The reports' read model: dated rows, so a report answers "as of" a day without folding a
stream. Institutions' beds (each change with its day), stays (admitted, discharged), inspections,
hazards (found, verified fixed), rectification orders (the day of each step), the returns imported
and the elderly population posted. Folded from the institution, residency, oversight, return and
population streams; dropped and rebuilt at will (``reset``)."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date, datetime, timedelta, timezone
from typing import Any

from minzheng_eventstore import RecordedEvent
from minzheng_eventstore.host import Migration
from minzheng_eventstore.projection import RowWrites
from minzheng_eventstore.store import Connection

from ...application.inspections.streams import OVERSIGHT
from ...application.institutions.streams import INSTITUTION, RESIDENCY
from ...application.reports.streams import (
    BEDS,
    HAZARDS,
    INSPECTIONS,
    NAME,
    ORDERS,
    POPULATION,
    POPULATIONS,
    RETURN,
    RETURNS,
    STAYS,
)
from ...domain.inspections import events as ie
from ...domain.institutions import institution as inst
from ...domain.institutions import residency as res
from ...domain.reports import returns as rr

STREAM_TYPES = [
    INSTITUTION.stream_type,
    RESIDENCY.stream_type,
    OVERSIGHT.stream_type,
    RETURN.stream_type,
    POPULATION.stream_type,
]
TABLES = (BEDS, STAYS, INSPECTIONS, HAZARDS, ORDERS, RETURNS, POPULATIONS)
LOCAL = timezone(timedelta(hours=8))

MIGRATION = Migration(
    "0901_eldercare_reports_read_model",
    f"""
    CREATE TABLE IF NOT EXISTS {BEDS} (institution_id text PRIMARY KEY, township text NOT NULL,
        kind text NOT NULL, model text NOT NULL, registered_on date NOT NULL,
        changes jsonb NOT NULL);  -- [[day, beds], ...] in the order recorded
    CREATE TABLE IF NOT EXISTS {STAYS} (residency_id text PRIMARY KEY, institution_id text NOT NULL,
        township text NOT NULL, admitted_on date NOT NULL, discharged_on date);
    CREATE TABLE IF NOT EXISTS {INSPECTIONS} (inspection_id text PRIMARY KEY,
        institution_id text NOT NULL, township text NOT NULL, inspected_on date NOT NULL);
    CREATE TABLE IF NOT EXISTS {HAZARDS} (hazard_id text PRIMARY KEY, inspection_id text NOT NULL,
        category text NOT NULL, sector text NOT NULL, fixed_on date);
    CREATE TABLE IF NOT EXISTS {ORDERS} (order_id text PRIMARY KEY, institution_id text NOT NULL,
        township text NOT NULL, ordered_on date NOT NULL, deadline date NOT NULL,
        at_risk_planned date NOT NULL, at_risk_on date, overdue_on date, completed_on date);
    CREATE TABLE IF NOT EXISTS {RETURNS} (return_id text PRIMARY KEY, jurisdiction text NOT NULL,
        as_of date NOT NULL, source text NOT NULL, figures jsonb NOT NULL, flags jsonb NOT NULL);
    CREATE TABLE IF NOT EXISTS {POPULATIONS} (posting text PRIMARY KEY, township text NOT NULL,
        effective_from date NOT NULL, population integer NOT NULL, source text NOT NULL);
    """,
)


def _day(text: str) -> date:
    return date.fromisoformat(text)


def _local_day(moment: str) -> date:
    return datetime.fromisoformat(moment).astimezone(LOCAL).date()


def _registered(e: inst.InstitutionRegistered, w: RowWrites) -> None:
    w.add(
        f"INSERT INTO {BEDS} VALUES ($1, $2, $3, $4, $5, $6::jsonb) ON CONFLICT DO NOTHING",
        e.institution_id,
        e.township,
        e.kind,
        e.model,
        _day(e.registered_on),
        json.dumps([[e.registered_on, e.beds]]),
    )


_BEDS_CHANGED = f"UPDATE {BEDS} SET changes = changes || $2::jsonb WHERE institution_id = $1"


def _beds_added(e: inst.BedsAdded, w: RowWrites) -> None:
    w.add(_BEDS_CHANGED, e.institution_id, json.dumps([[e.on, e.beds]]))


def _beds_removed(e: inst.BedsRemoved, w: RowWrites) -> None:
    w.add(_BEDS_CHANGED, e.institution_id, json.dumps([[e.on, e.beds]]))


def _admitted(e: res.ResidentAdmitted, w: RowWrites) -> None:
    w.add(
        f"INSERT INTO {STAYS} VALUES ($1, $2, $3, $4, NULL) ON CONFLICT DO NOTHING",
        e.residency_id,
        e.institution_id,
        e.township,
        _day(e.admitted_on),
    )


def _discharged(e: res.ResidentDischarged, w: RowWrites) -> None:
    w.add(
        f"UPDATE {STAYS} SET discharged_on = $2 WHERE residency_id = $1",
        e.residency_id,
        _day(e.discharged_on),
    )


def _inspected(e: ie.InspectionCompleted, w: RowWrites) -> None:
    w.add(
        f"INSERT INTO {INSPECTIONS} VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING",
        e.inspection_id,
        e.institution_id,
        e.township,
        _day(e.inspected_on),
    )


def _hazard(e: ie.HazardFound, w: RowWrites) -> None:
    w.add(
        f"INSERT INTO {HAZARDS} VALUES ($1, $2, $3, $4, NULL) ON CONFLICT DO NOTHING",
        e.hazard_id,
        e.inspection_id,
        e.category,
        e.sector,
    )


def _ordered(e: ie.RectificationOrdered, w: RowWrites) -> None:
    w.add(
        f"INSERT INTO {ORDERS} (order_id, institution_id, township, ordered_on, deadline, at_risk_planned) "
        "VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT DO NOTHING",
        e.order_id,
        e.institution_id,
        e.township,
        _day(e.ordered_on),
        _day(e.deadline),
        _day(e.at_risk_on),
    )


def _at_risk(e: ie.RectificationAtRisk, w: RowWrites) -> None:
    w.add(
        f"UPDATE {ORDERS} SET at_risk_on = COALESCE(at_risk_on, at_risk_planned) WHERE order_id = $1",
        e.order_id,
    )


def _overdue(e: ie.RectificationOverdue, w: RowWrites) -> None:
    w.add(
        f"UPDATE {ORDERS} SET overdue_on = COALESCE(overdue_on, $2) WHERE order_id = $1",
        e.order_id,
        _local_day(e.overdue_at),
    )


def _reinspected(e: ie.ReinspectionRecorded, w: RowWrites) -> None:
    for hazard_id in e.fixed:
        w.add(
            f"UPDATE {HAZARDS} SET fixed_on = COALESCE(fixed_on, $2) WHERE hazard_id = $1",
            hazard_id,
            _day(e.reinspected_on),
        )


def _completed(e: ie.RectificationCompleted, w: RowWrites) -> None:
    w.add(f"UPDATE {ORDERS} SET completed_on = $2 WHERE order_id = $1", e.order_id, _day(e.completed_on))


def _returned(e: rr.StatisticalReturnImported, w: RowWrites) -> None:
    w.add(
        f"INSERT INTO {RETURNS} VALUES ($1, $2, $3, $4, $5::jsonb, $6::jsonb) ON CONFLICT DO NOTHING",
        e.return_id,
        e.jurisdiction,
        _day(e.as_of),
        e.source,
        json.dumps(e.figures),
        json.dumps(e.flags),
    )


def _population(e: rr.ElderlyPopulationPosted, w: RowWrites) -> None:
    w.add(
        f"INSERT INTO {POPULATIONS} VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING",
        f"{e.township}:{e.effective_from}",
        e.township,
        _day(e.effective_from),
        e.population,
        e.source,
    )


_HANDLERS: dict[str, tuple[Any, Callable[[Any, RowWrites], None]]] = {
    "InstitutionRegistered": (inst.INSTITUTION_EVENTS, _registered),
    "BedsAdded": (inst.INSTITUTION_EVENTS, _beds_added),
    "BedsRemoved": (inst.INSTITUTION_EVENTS, _beds_removed),
    "ResidentAdmitted": (res.RESIDENCY_EVENTS, _admitted),
    "ResidentDischarged": (res.RESIDENCY_EVENTS, _discharged),
    "InspectionCompleted": (ie.OVERSIGHT_EVENTS, _inspected),
    "HazardFound": (ie.OVERSIGHT_EVENTS, _hazard),
    "RectificationOrdered": (ie.OVERSIGHT_EVENTS, _ordered),
    "RectificationAtRisk": (ie.OVERSIGHT_EVENTS, _at_risk),
    "RectificationOverdue": (ie.OVERSIGHT_EVENTS, _overdue),
    "ReinspectionRecorded": (ie.OVERSIGHT_EVENTS, _reinspected),
    "RectificationCompleted": (ie.OVERSIGHT_EVENTS, _completed),
    "StatisticalReturnImported": (rr.REPORT_EVENTS, _returned),
    "ElderlyPopulationPosted": (rr.REPORT_EVENTS, _population),
}


async def project(events: list[RecordedEvent], conn: Connection) -> None:
    writes = RowWrites()
    for event in events:
        handler = _HANDLERS.get(event.event_type)
        if handler is not None:
            types, write = handler
            write(types.load(event.event_type, event.data), writes)
    await writes.apply(conn)


async def reset(conn: Connection) -> None:
    await conn.execute(f"TRUNCATE {', '.join(TABLES)}")


__all__ = ["MIGRATION", "NAME", "STREAM_TYPES", "project", "reset"]
