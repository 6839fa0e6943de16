"""Benefit arithmetic, in integer fen. Rounding is explicit and in the applicant's favour."""

from __future__ import annotations

from collections.abc import Iterable


def per_capita_income(monthly_incomes_fen: Iterable[int]) -> int:
    """Household per-capita monthly income (家庭人均月收入), rounded DOWN to the fen."""
    incomes = list(monthly_incomes_fen)
    if not incomes:
        raise ValueError("a household has at least one member")
    if any(i < 0 for i in incomes):
        raise ValueError("income cannot be negative")
    return sum(incomes) // len(incomes)


def monthly_amount(standard_fen: int, per_capita_income_fen: int, members: int) -> int:
    """低保金 = (local standard − per-capita monthly income) × members, never negative (差额补助)."""
    if members < 1:
        raise ValueError("members must be at least 1")
    return max(0, standard_fen - per_capita_income_fen) * members


def reimbursement(eligible_fen: int, rate_basis_points: int) -> int:
    """Medical aid before the cap: the eligible cost × rate, rounded down to the fen."""
    if eligible_fen < 0 or not 0 <= rate_basis_points <= 10_000:
        raise ValueError("eligible cost must be non-negative and the rate within 0..10000 basis points")
    return eligible_fen * rate_basis_points // 10_000
