"""The eldercare service (养老服务), declared: its areas put together, the kit wires the rest."""

from __future__ import annotations

from minzheng_eventstore import deadlines
from minzheng_eventstore.areas import Area, compose
from minzheng_eventstore.host import Migration
from minzheng_eventstore.standards import standards_table_sql

from . import SERVICE
from .adapters import allowance, centres, configuration, inspections, institutions, reports, subsidies
from .adapters import insurance as insurance_area
from .adapters import payments as payments_area
from .application.allowance import streams as elders
from .application.configuration import load_county_standards
from .application.institutions import streams as residents

AREAS: tuple[Area, ...] = (
    configuration.AREA,
    allowance.AREA,
    payments_area.AREA,
    insurance_area.AREA,
    institutions.AREA,
    inspections.AREA,  # after the institutions area: its demo seed inspects their institutions
    centres.AREA,
    subsidies.AREA,
    reports.AREA,
)
"""The standards; each area adds itself here. Demo data is seeded in this order, after the
county's standards."""

INSTITUTION_STANDING = Migration(
    "0002_eldercare_institution_standing",
    """
    CREATE TABLE IF NOT EXISTS institution_standing (
        institution_id text PRIMARY KEY,
        kind text NOT NULL,
        township text NOT NULL,
        admissions_suspended boolean NOT NULL DEFAULT false,
        closed boolean NOT NULL DEFAULT false,
        order_id text,
        since timestamptz NOT NULL
    );
    """,
)
"""The guard row of an institution's standing, one per registered institution: inserted by the
unit that records ``InstitutionRegistered`` (institutions), updated by the units that record
``AdmissionsSuspended``, ``AdmissionsResumed`` and ``InstitutionClosed`` (inspections), and read
``FOR SHARE`` by an admission's unit (institutions), so no admission commits past a suspension or a
closure. Other areas read ``kind`` and ``township`` from it (a subsidy for a private home only)."""

MIGRATIONS = [
    Migration("0001_eldercare_standards", standards_table_sql("standards")),
    deadlines.MIGRATION,
    INSTITUTION_STANDING,
]

ELDERCARE = compose(
    SERVICE,
    title="minzheng eldercare (养老服务)",
    description="Old-age allowances, accident insurance, care institutions and their residents, "
    "inspections and rectification, home-care centres and subsidies.",
    areas=AREAS,
    migrations=MIGRATIONS,
    seed_first=load_county_standards,
    aggregates=(elders.ELDER, residents.RESIDENCY, residents.INSTITUTION),
    person_purposes=(elders.PERSON_PURPOSE, residents.PERSON_PURPOSE),
)
