"""Standards as data: the table a migration creates, written once per parameter/jurisdiction/date."""

from __future__ import annotations

from datetime import date

import pytest

from minzheng_eventstore import EventStore
from minzheng_eventstore.standards import (
    StandardRow,
    insert_standard,
    load_standards,
    standards_migration,
    standards_table_sql,
)


async def test_a_standard_is_written_once_and_read_back_in_order(store: EventStore) -> None:
    async with store.pool.acquire() as conn:
        await conn.execute(standards_migration("0001_test", "test_standards").sql)
        rows = [
            StandardRow("dibao_urban", "330727", date(2015, 3, 1), 52_800),
            StandardRow("dibao_urban", "330727", date(2014, 1, 1), 48_800),
            StandardRow("dibao_rural", "330727101", date(2014, 1, 1), 35_200),
        ]
        for row in rows:
            assert await insert_standard(conn, row, table="test_standards")
        again = StandardRow("dibao_urban", "330727", date(2015, 3, 1), 99_999)
        assert not await insert_standard(conn, again, table="test_standards")  # never edited
        assert await load_standards(conn, table="test_standards") == [rows[2], rows[1], rows[0]]


async def test_a_negative_standard_is_refused_by_the_table(store: EventStore) -> None:
    import asyncpg

    async with store.pool.acquire() as conn:
        await conn.execute(standards_table_sql("neg_standards"))
        with pytest.raises(asyncpg.CheckViolationError):
            await insert_standard(
                conn, StandardRow("x", "330727", date(2020, 1, 1), -1), table="neg_standards"
            )


def test_the_table_name_is_checked() -> None:
    with pytest.raises(ValueError):
        standards_table_sql("standards; DROP TABLE events")
