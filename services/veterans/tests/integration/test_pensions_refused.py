"""A pension run with a payment its contract refuses (a beneficiary that is not a resident ID) is
refused before anything of that batch commits: in one batch nothing is written, not even the
run's summary; over several batches those before it stay paid and none after it is written, and
a run with the entitlement fixed pays the rest once."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from minzheng_contracts import Period
from minzheng_eventstore import Actor
from minzheng_eventstore.errors import UnpublishableEventError
from minzheng_veterans.application.pensions.roll import Entitled
from minzheng_veterans.application.pensions.run import run_pensions
from minzheng_veterans.application.pensions.standards import load_pension_standards
from minzheng_veterans.domain.pensions.parameters import basis_of

if TYPE_CHECKING:
    from conftest import Running

BASIS = basis_of("ill_returned")
GOOD = "330727195203040019"
BAD = "330727195203040018"  # the checksum does not match


def roll(bad_at: int | None, count: int = 30) -> list[Entitled]:
    return [
        Entitled(
            f"e{i:03d}",
            f"p{i:03d}",
            BAD if i == bad_at else GOOD,
            "330727101201",
            "ill_returned",
            lambda p: BASIS,
        )
        for i in range(count)
    ]


async def paid(v: Running) -> list[str]:
    async with v.service.host.store.pool.acquire() as conn:
        rows = await conn.fetch(
            "SELECT data->>'entitlement_id' AS e FROM events WHERE event_type = 'PensionPaid' ORDER BY 1"
        )
    return [r["e"] for r in rows]


async def test_a_refused_payment_refuses_its_batch_before_it_commits(veterans: Running) -> None:
    ctx = veterans.service.context()
    await load_pension_standards(ctx)
    with pytest.raises(UnpublishableEventError) as refused:
        await run_pensions(ctx, Actor("approver-1"), Period(2026, 3), roll=roll(7, count=10))
    assert refused.value.field is not None and "beneficiary" in refused.value.field
    assert GOOD not in str(refused.value) and BAD not in str(refused.value)  # no resident ID
    assert await paid(veterans) == []
    async with veterans.service.host.store.pool.acquire() as conn:
        assert await conn.fetchval("SELECT count(*) FROM events WHERE stream_type = 'payment'") == 0
        assert (
            await conn.fetchval("SELECT count(*) FROM events WHERE event_type = 'PensionRunCompleted'") == 0
        )

    with pytest.raises(UnpublishableEventError):  # batches of 4: the bad one in the fourth
        await run_pensions(ctx, Actor("approver-1"), Period(2026, 3), roll=roll(13), batch=4)
    assert await paid(veterans) == [f"e{i:03d}" for i in range(12)]

    fixed = await run_pensions(ctx, Actor("approver-1"), Period(2026, 3), roll=roll(None), batch=4)
    assert (fixed.monthly.paid, fixed.monthly.already_paid) == (18, 12)
    assert await paid(veterans) == [f"e{i:03d}" for i in range(30)]
