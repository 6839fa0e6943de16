"""Shared value types of the contracts, each usable as a pydantic field type.

- :class:`ResidentId`: PRC resident ID (公民身份号码), validated and masked when printed;
- :class:`DivisionCode`: administrative division code (行政区划代码, GB/T 2260);
- :data:`Fen` / :data:`PositiveFen` / :data:`SignedFen`: money in integer fen (分);
- :class:`Period`: a calendar month ``YYYY-MM``.
"""

from minzheng_contracts.division import DivisionCode, DivisionLevel, InvalidDivisionCodeError
from minzheng_contracts.money import Fen, PositiveFen, SignedFen, fen_to_yuan, yuan_to_fen
from minzheng_contracts.period import InvalidPeriodError, Period
from minzheng_contracts.resident_id import (
    InvalidResidentIdError,
    ResidentId,
    make_resident_id,
    mask_resident_ids,
    resident_id_checksum,
)

__all__ = [
    "DivisionCode",
    "DivisionLevel",
    "Fen",
    "InvalidDivisionCodeError",
    "InvalidPeriodError",
    "InvalidResidentIdError",
    "Period",
    "PositiveFen",
    "ResidentId",
    "SignedFen",
    "fen_to_yuan",
    "make_resident_id",
    "mask_resident_ids",
    "resident_id_checksum",
    "yuan_to_fen",
]
