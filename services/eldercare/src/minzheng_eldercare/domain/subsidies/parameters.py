"""The private-institution operating subsidy's standards (民办养老机构运营补贴标准): data,
effective-dated per jurisdiction (eldercare-rules §3, "Standards (data)": by care level, 100–300
yuan a person-month from 2012-04, 003 L4; the level table is not in the catalogue).

Names: ``subsidy.private.<care_level>``, fen per resident-month at that care level (the contract's
``CareLevel``: self_care 自理, partial 半失能, full 失能, special 特护)."""

from __future__ import annotations

from typing import get_args

from minzheng_contracts.eldercare import CareLevel

CARE_LEVELS: tuple[str, ...] = get_args(CareLevel)
"""The care levels, as the institutions area admits residents at them."""

MAX_PERSON_MONTH_FEN = 1_000_000
"""10,000 yuan a person-month: a sanity ceiling on the standard, not a figure of the law."""


def level_parameter(level: str) -> str:
    """The parameter of the subsidy for one care level."""
    if level not in CARE_LEVELS:
        raise ValueError(f"no care level {level!r}")
    return f"subsidy.private.{level}"


LEVEL_PARAMETERS: tuple[str, ...] = tuple(level_parameter(level) for level in CARE_LEVELS)
"""Every care level's parameter, each bounded 0..``MAX_PERSON_MONTH_FEN``."""

DEMO: tuple[tuple[str, str, int], ...] = (
    (level_parameter("self_care"), "2012-04-01", 10_000),
    (level_parameter("partial"), "2012-04-01", 20_000),
    (level_parameter("full"), "2012-04-01", 30_000),
    (level_parameter("special"), "2012-04-01", 30_000),
)
"""Demo county 330727 [assume]: 100 / 200 / 300 yuan a person-month for self-care, partial and
full care from 2012-04; special care (特护) as full care [assume: the catalogue names three
amounts]."""
