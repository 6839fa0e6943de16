"""The reports area's aggregates, stream ids and read-model names."""

from __future__ import annotations

from minzheng_eventstore.uow import Aggregate

from ...domain.reports import returns as r

RETURN: Aggregate[r.StatisticalReturn] = Aggregate(
    "statistical-return", r.REPORT_EVENTS, r.StatisticalReturn, r.evolve
)
POPULATION: Aggregate[r.Population] = Aggregate(
    "elderly-population", r.REPORT_EVENTS, r.Population, r.evolve_population
)

NAME = "eldercare-reports"
"""The reports' projection (``adapters.reports.projection``): dated rows for "as of" reads."""
BEDS = "eldercare_report_beds"
STAYS = "eldercare_report_stays"
INSPECTIONS = "eldercare_report_inspections"
HAZARDS = "eldercare_report_hazards"
ORDERS = "eldercare_report_orders"
RETURNS = "eldercare_report_returns"
POPULATIONS = "eldercare_report_population"


def return_stream(return_id: str) -> str:
    return f"statistical-return-{return_id}"


def population_stream(township: str) -> str:
    return f"elderly-population-{township}"
