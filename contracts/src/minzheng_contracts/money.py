"""Money as integer fen (分): 1 yuan (元) = 100 fen. Never a float.

Use :data:`Fen` for amounts (≥ 0), :data:`PositiveFen` for payments (> 0) and :data:`SignedFen`
for adjustments (补发/扣减). Fields are strict integers: ``12.5``, ``12.0``, ``"12"`` and ``True``
are rejected, so an amount in yuan cannot slip in by mistake.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation, localcontext
from typing import Annotated, Final

from pydantic import Field

__all__ = ["Fen", "PositiveFen", "SignedFen", "fen_to_yuan", "yuan_to_fen"]

Fen = Annotated[int, Field(strict=True, ge=0, description="Amount in fen (分), 1 yuan = 100 fen.")]
PositiveFen = Annotated[int, Field(strict=True, gt=0, description="Amount in fen (分), > 0.")]
SignedFen = Annotated[int, Field(strict=True, description="Signed adjustment in fen (分).")]

_PRECISION: Final = 200


def yuan_to_fen(amount: Decimal | str | int) -> int:
    """Convert yuan to fen exactly: ``"12.34"`` → ``1234``. Sub-fen precision raises ``ValueError``.

    Floats are refused (``TypeError``): ``0.1`` yuan has no exact binary value.
    """
    if isinstance(amount, bool) or not isinstance(amount, Decimal | str | int):
        raise TypeError(f"amount in yuan must be Decimal, str or int, not {type(amount).__name__}")
    try:
        yuan = Decimal(amount.strip()) if isinstance(amount, str) else Decimal(amount)
    except InvalidOperation:
        raise ValueError(f"not a decimal amount in yuan: {amount!r}") from None
    if not yuan.is_finite():
        raise ValueError(f"amount in yuan must be finite: {amount!r}")
    with localcontext() as ctx:
        ctx.prec = _PRECISION
        fen = yuan.scaleb(2)
        if fen != fen.to_integral_value():
            raise ValueError(f"amount in yuan has sub-fen precision: {amount!r}")
        return int(fen)


def fen_to_yuan(fen: int) -> Decimal:
    """Convert fen to yuan with two decimal places: ``1234`` → ``Decimal("12.34")``."""
    if isinstance(fen, bool) or not isinstance(fen, int):
        raise TypeError(f"amount in fen must be int, not {type(fen).__name__}")
    with localcontext() as ctx:
        ctx.prec = _PRECISION
        return Decimal(fen).scaleb(-2)
