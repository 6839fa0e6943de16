"""The historical archive (历史婚姻档案 1950–2003): import, validation report, flags."""

from __future__ import annotations

from minzheng_eventstore import Actor
from minzheng_eventstore.areas import Area
from minzheng_eventstore.context import ServiceContext
from minzheng_eventstore.identity import Role

from ...application.archive import imports
from ...domain.archive.records import ARCHIVE_EVENTS, ArchiveRow, HistoricalRecordsImported
from .http import router
from .publication import records_imported
from .schema import MIGRATIONS

DEMO_ROWS = (
    # a marriage of 1982 (the husband's old 15-digit ID) and its divorce of 1995
    ArchiveRow(
        "婚字第 0123 号", "330727580402151", "330727196109302267", "1982-10-01", "330727101", "marriage"
    ),
    ArchiveRow("离字第 0007 号", "330727580402151", "330727196109302267", "19950315", "330727", "离婚"),
    # 1958: 19 and 17, under the 1950 law's 20/18 — imported, flagged
    ArchiveRow(
        "婚字第 0031 号", "330727193901050119", "330727194103070320", "1958-02-10", "330727101", "结婚"
    ),
    # no record: the date is before the 1950 law, and one party's ID does not check
    ArchiveRow(
        "婚字第 0001 号", "330727192001010117", "330727192203030327", "1949-12-01", "330727", "marriage"
    ),
    ArchiveRow(
        "婚字第 0002 号", "330727195001010110", "33072719520303032X", "1975-05-01", "330727", "marriage"
    ),
)
"""Demo data [assume]: a few rows as the bureau digitised them."""


async def seed_demo(ctx: ServiceContext) -> None:
    """The demo rows (idempotent: the same batch again returns its first report)."""
    await imports.import_rows(ctx, Actor("demo-seed"), DEMO_ROWS, source="demo")


AREA = Area(
    name="archive",
    events=ARCHIVE_EVENTS,
    publishers={HistoricalRecordsImported.event_type: records_imported},
    migrations=MIGRATIONS,
    routers=[router],
    permissions={
        "archive.import": frozenset({Role.REGISTRAR}),
        "archive.report.read": frozenset({Role.REGISTRAR, Role.COUNTY_APPROVER, Role.AUDITOR}),
        "archive.record.read": frozenset(
            {
                Role.REGISTRAR,
                Role.COUNTY_APPROVER,
                Role.AUDITOR,
                Role.TOWNSHIP_REVIEWER,
                Role.TOWNSHIP_CASEWORKER,
            }
        ),
    },
    seed_demo=seed_demo,
)
