"""The conscripts and aid payments on the real stack, as a raw NATS subscriber on
``veterans.payment.issued`` sees them: the allowance run publishes a service year's payment as one
valid ``PaymentIssued`` v2 (a repeated run publishes nothing more), a one-off grant is one
``PaymentIssued`` v2 without period or run (a refused repeat publishes nothing)."""

from __future__ import annotations

import json
import uuid
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from minzheng_contracts import PaymentIssuedV2, make_resident_id
from minzheng_eventstore.testing import refused
from minzheng_kernel.calendar import CHINA

if TYPE_CHECKING:
    from conftest import Running

SUBJECT = "veterans.payment.issued"


async def received(veterans: Running, nats_admin: Any, sub: Any) -> list[dict[str, Any]]:
    """Every message the subscriber got once the relay has published all that is committed."""
    await veterans.relay_caught_up()
    await nats_admin.flush()  # the server's messages before the PONG are queued by now
    bodies = []
    while sub.pending_msgs:
        msg = await sub.next_msg()
        PaymentIssuedV2.model_validate_json(msg.data)
        bodies.append(json.loads(msg.data))
    return bodies


async def test_one_allowance_year_is_published_once_as_payment_issued_v2(
    veterans: Running, nats_admin: Any
) -> None:
    sub = await nats_admin.subscribe(SUBJECT)
    veterans.clock.set(datetime(2025, 9, 20, 9, 0, tzinfo=CHINA))
    resident = make_resident_id("330727", date(2006, 3, 1), 7).reveal()
    body = {
        "conscript_id": str(uuid.UUID(int=7)),
        "resident_id": resident,
        "county": "330727101201",
        "enlisted_on": "2025-09-10",
    }
    await veterans.post("/conscripts", body, expect=201)
    run = (await veterans.post("/conscript-allowance-runs", {"period": "2025-09"}, expect=201)).json()
    assert run["paid"] == 1
    again = (await veterans.post("/conscript-allowance-runs", {"period": "2025-09"}, expect=201)).json()
    assert again["paid"] == 0
    paid = (await veterans.get(f"/conscripts/{uuid.UUID(int=7)}")).json()["allowances"]
    assert len(paid) == 1
    messages = await received(veterans, nats_admin, sub)
    assert len(messages) == 1
    m = messages[0]
    assert (m["producer"], m["event_type"], m["schema_version"]) == ("veterans", "PaymentIssued", 2)
    assert m["data"] == {
        "payment_id": paid[0]["payment_id"],
        "programme": "veterans_conscript_family_allowance",
        "household_id": None,
        "beneficiary": resident,
        "period": "2025-09",
        "amount_fen": paid[0]["amount_fen"],
        "standard_id": paid[0]["standard_id"],
        "run_id": run["run_id"],
        "incident_id": None,
    }
    assert paid[0]["amount_fen"] == 1_000_000


async def test_one_grant_is_published_once_as_payment_issued_v2(veterans: Running, nats_admin: Any) -> None:
    sub = await nats_admin.subscribe(SUBJECT)
    veterans.clock.set(datetime(2026, 2, 10, 9, 0, tzinfo=CHINA))
    resident = make_resident_id("330727", date(1952, 3, 4), 8).reveal()
    body = {"resident_id": resident, "residence": "330727101201", "paid_on": "2026-02-10"}
    visit = {**body, "festival": "spring_festival"}
    grant = (await veterans.post("/aid/holiday-visits", visit, expect=201)).json()
    refused(await veterans.post("/aid/holiday-visits", visit), 409, "already_paid")
    messages = await received(veterans, nats_admin, sub)
    assert len(messages) == 1
    m = messages[0]
    assert (m["producer"], m["event_type"], m["schema_version"]) == ("veterans", "PaymentIssued", 2)
    assert m["data"] == {
        "payment_id": grant["payment_id"],
        "programme": "veterans_holiday_visit",
        "household_id": None,
        "beneficiary": resident,
        "period": None,
        "amount_fen": grant["amount_fen"],
        "standard_id": grant["standard_id"],
        "run_id": None,
        "incident_id": None,
    }
