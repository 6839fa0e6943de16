"""The tables every area shares: the standards (data, effective-dated) and the durable deadlines
with the working-day calendar. Each area adds its own guard tables and read models."""

from __future__ import annotations

from minzheng_eventstore import deadlines
from minzheng_eventstore.host import Migration
from minzheng_eventstore.standards import standards_table_sql

MIGRATIONS = [Migration("0001_registry_standards", standards_table_sql("standards")), deadlines.MIGRATION]
