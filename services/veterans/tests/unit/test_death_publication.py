"""The death area's one-offs are published as one valid ``PaymentIssued`` v2 each on
``veterans.payment.issued`` (the deceased as beneficiary, the programme by kind, the standards
named); the case's other events, overpayments included, are internal."""

from __future__ import annotations

import json

import pytest

from minzheng_contracts import PaymentIssuedV2
from minzheng_eventstore.testing import sample_recorded
from minzheng_veterans.adapters import death
from minzheng_veterans.domain.death import case as c

RESIDENT = "330727195203040019"
VILLAGE = "330727101201"


@pytest.mark.parametrize(
    ("kind", "programme"),
    [
        ("funeral_subsidy", "veterans_funeral_subsidy"),
        ("funeral_grant", "veterans_funeral_subsidy"),
        ("one_off_pension", "veterans_one_off_pension"),
    ],
)
def test_a_one_off_paid_is_one_valid_payment_issued_v2(kind: str, programme: str) -> None:
    paid = c.DeathBenefitPaid(
        "death-tok", c.payment_id("death-tok"), RESIDENT, kind, 8_815_000, ("a:1", "b:2")
    )
    out = death.AREA.publishers[paid.event_type](sample_recorded(paid, 1, jurisdiction=VILLAGE))
    contract = PaymentIssuedV2.model_validate_json(out.payload)
    assert out.subject == "veterans.payment.issued"
    assert str(contract.data.payment_id) == c.payment_id("death-tok")
    assert contract.data.programme.value == programme
    assert contract.data.beneficiary is not None and contract.data.beneficiary.reveal() == RESIDENT
    assert (contract.data.amount_fen, contract.data.period) == (8_815_000, None)
    assert json.loads(out.payload)["data"]["standard_id"] == "a:1 + b:2"


def test_only_the_payment_is_published() -> None:
    assert set(death.AREA.publishers) == {"DeathBenefitPaid"}
    assert death.AREA.internal == death.AREA.events.names - {"DeathBenefitPaid"}
