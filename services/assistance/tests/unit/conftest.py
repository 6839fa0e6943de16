"""One typed sample of every event the service records, as the fixture ``samples`` (shared by the
round-trip and the publication-mapping tests)."""

from __future__ import annotations

from datetime import date

import pytest

from minzheng_assistance.domain import events as ev
from minzheng_contracts import make_resident_id
from minzheng_kernel.events import DomainEvent

HID = "7a1c6a7e-0000-4000-8000-000000000001"
CASE = "7a1c6a7e-0000-4000-8000-000000000002"
HEAD = make_resident_id("330727", date(1961, 5, 4), 11).reveal()
CHILD = make_resident_id("330727", date(2011, 9, 1), 12).reveal()
AT = "2026-03-02T09:00:00+08:00"
P = "dibao_rural"

_SAMPLES: list[tuple[str, DomainEvent]] = [
    (
        "household",
        ev.HouseholdApplied(
            HID,
            P,
            "330727101201",
            False,
            AT,
            [
                {
                    "resident_id": HEAD,
                    "relationship": "self",
                    "monthly_income_fen": 30_000,
                    "employment": "unemployed",
                },
                {
                    "resident_id": CHILD,
                    "relationship": "child",
                    "monthly_income_fen": 0,
                    "employment": "student",
                },
            ],
        ),
    ),
    ("household", ev.ReviewStepRecorded(HID, P, "investigation", True, "o-1", "ok")),
    (
        "household",
        ev.PublicNoticePosted(HID, P, AT, "2026-03-09T09:00:00+08:00", "notice_days:330727:2014-01-01"),
    ),
    ("household", ev.ObjectionRaised(HID, P, "ob-1", "owns a car?", AT)),
    ("household", ev.ObjectionResolved(HID, P, "ob-1", False, "no car", "o-1")),
    (
        "household",
        ev.ApprovalGranted(
            HID, P, "rural", "B", 2, 15_000, "dibao_rural:330727:2014-01-01", 35_200, 40_400, "2026-03", "o-2"
        ),
    ),
    ("household", ev.ApplicationRejected(HID, P, "undeclared income", "o-2")),
    ("household", ev.RecheckCompleted(HID, P, {HEAD: 50_000, CHILD: 0}, 25_000, "o-1")),
    (
        "household",
        ev.AmountChanged(HID, P, "2026-05", 2, 25_000, 29_200, "dibao_rural:330727:2026-04-01", "recheck"),
    ),
    ("household", ev.BenefitSuspended(HID, P, "documents missing", "o-1")),
    ("household", ev.BenefitResumed(HID, P, "o-1")),
    ("household", ev.BenefitWithdrawn(HID, P, "found work")),
    ("household", ev.BenefitTerminated(HID, P, "death", "2026-04")),
    ("household", ev.MemberDeceased(HID, P, CHILD, "2026-03-09", "0d3a0000-0000-4000-8000-000000000001")),
    (
        "household",
        ev.OverpaymentRecorded(
            HID,
            P,
            "death/0d3a0000-0000-4000-8000-000000000001",
            "death",
            "2026-01-20",
            [
                ev.OverpaidMonth(
                    period="2026-02", payment_id=CASE, paid_fen=39_600, due_fen=0, overpaid_fen=39_600
                )
            ],
            39_600,
        ),
    ),
    (
        "household",
        ev.RecheckFlagged(
            HID,
            P,
            "marriage/0d3a0000-0000-4000-8000-0000000000a1",
            "marriage_registered",
            "J330727-2026-000001",
            "2026-03-02",
        ),
    ),
    ("tekun", ev.TekunSupportConfirmed(CASE, HEAD, "330727101201", "dispersed", "o-1", AT)),
    ("tekun", ev.SupportModeChanged(CASE, "centralised", "o-1", from_mode="dispersed")),
    ("tekun", ev.TekunSupportEnded(CASE, "death", "2026-04")),
    (
        "tekun",
        ev.TekunOverpaymentRecorded(
            CASE,
            "death/0d3a0000-0000-4000-8000-000000000001",
            "death",
            "2026-01-20",
            [
                ev.OverpaidMonth(
                    period="2026-02", payment_id=HID, paid_fen=60_000, due_fen=0, overpaid_fen=60_000
                )
            ],
            60_000,
        ),
    ),
    (
        "temporary_aid",
        ev.TemporaryAidGranted(
            CASE, HEAD, "330727101201", "fire", 100_000, "temporary_aid_limit:330727:2014-01-01"
        ),
    ),
    (
        "medical",
        ev.MedicalAidPaid(
            "c1",
            HEAD,
            "330727101201",
            [{"number": "R1", "amount_fen": 1_000}],
            1_000,
            700,
            700,
            False,
            999_300,
            "m|c",
        ),
    ),
    (
        "payment",
        ev.PaymentIssued(
            "162385ff-568d-5f9b-9b7b-8cc705ce2a56",
            P,
            HID,
            HID,
            "2026-03",
            40_400,
            "dibao_rural:330727:2014-01-01",
            None,
            "330727101201",
        ),
    ),
    ("payment_run", ev.PaymentRunCompleted(CASE, "2026-03", 1, 1, 0, 40_400, {})),
    (
        "registry",
        ev.DivisionRegistered("330727101201", "V201", "village", "330727101", "2001-01-01", "2026-06-01"),
    ),
    ("standards", ev.StandardSet("dibao_rural:330727:2014-01-01", 35_200)),
]


@pytest.fixture
def samples() -> list[tuple[str, DomainEvent]]:
    """``(stream_type, event)`` for every event type the service records."""
    return list(_SAMPLES)
