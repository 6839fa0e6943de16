"""The pension standards' parameters (抚恤补助标准): every figure is data, effective-dated per
jurisdiction, never a constant (veterans-rules §2). National figures are loaded as county rows.

Names (the category, then its keys, dot-separated):

- ``pension.disabled.<nature>.<grade>``: 残疾抚恤金, nature ``war`` 因战 / ``duty`` 因公 /
  ``illness`` 因病, grade 1–10; fen a year;
- ``pension.survivor.<kind>``: 定期抚恤金, kind ``martyr`` 烈属 / ``duty`` 因公牺牲遗属 /
  ``illness`` 病故遗属; fen a year;
- ``pension.red_army.<kind>``: 三红, kind ``home`` 在乡红军老战士 / ``west_route`` 西路军红军老战士 /
  ``dispersed`` 红军失散人员 (three national figures); fen a year; an entitlement recorded before
  the kinds existed (no key) is ``home`` (``RED_ARMY_DEFAULT``, the kind all of them were paid);
- ``pension.demobilised``: 在乡老复员; fen a year;
- ``pension.ill_returned``, ``pension.combat_or_test``, ``pension.martyr_elderly_child``: 带病回乡,
  参战参试, 烈士老年子女; fen a month;
- ``pension.rural_veteran_60``: 60周岁以上农村籍退役士兵, fen a month per year of service;
- ``pension.stacking``: 1 a person's categories all pay, 0 only the highest [assume].
"""

from __future__ import annotations

from .amounts import Rate
from .monthly import Basis

STACKING = "pension.stacking"
NATURES = ("war", "duty", "illness")
SURVIVORS = ("martyr", "duty", "illness")
GRADES = range(1, 11)

RED_ARMY = "red_army"
RED_ARMY_KINDS = ("home", "west_route", "dispersed")
RED_ARMY_DEFAULT = "home"
"""The kind of a 三红 entitlement recorded without one (before the kinds): they were all paid the
在乡 figure, so reading them as 在乡 changes no amount already paid."""
ANNUAL = ("demobilised",)
MONTHLY = ("ill_returned", "combat_or_test", "martyr_elderly_child")
RURAL = "rural_veteran_60"

MAX_ANNUAL_FEN = 100_000_000
"""1,000,000 yuan a year: a sanity ceiling on any pension standard, not a figure of the law."""


def basis_of(category: str, key: str | None = None, *, service_years: int = 1) -> Basis:
    """The basis of a category's pension: its parameter and unit (``key``: the disabled
    ``<nature>.<grade>`` or the survivor kind). A category this area does not know is refused."""
    if category == "disabled" and key is not None:
        nature, _, grade = key.partition(".")
        if nature in NATURES and grade.isdigit() and int(grade) in GRADES:
            return Basis(f"pension.disabled.{nature}.{int(grade)}", Rate.ANNUAL)
    elif category == "survivor" and key in SURVIVORS:
        return Basis(f"pension.survivor.{key}", Rate.ANNUAL)
    elif category == RED_ARMY and (key is None or key in RED_ARMY_KINDS):
        return Basis(f"pension.red_army.{key or RED_ARMY_DEFAULT}", Rate.ANNUAL)
    elif category in ANNUAL:
        return Basis(f"pension.{category}", Rate.ANNUAL)
    elif category in MONTHLY:
        return Basis(f"pension.{category}", Rate.MONTHLY)
    elif category == RURAL:
        return Basis(f"pension.{RURAL}", Rate.MONTHLY_PER_SERVICE_YEAR, service_years)
    raise ValueError(f"no pension standard for category {category!r} ({key!r})")


def parameters() -> tuple[str, ...]:
    """Every pension parameter name."""
    disabled = tuple(f"pension.disabled.{n}.{g}" for n in NATURES for g in GRADES)
    survivors = tuple(f"pension.survivor.{k}" for k in SURVIVORS)
    red_army = tuple(f"pension.red_army.{k}" for k in RED_ARMY_KINDS)
    others = tuple(f"pension.{c}" for c in (*ANNUAL, *MONTHLY, RURAL))
    return (*disabled, *survivors, *red_army, *others, STACKING)


NATIONAL: tuple[tuple[str, str, int], ...] = (
    ("pension.disabled.war.1", "2018-08-01", 8_014_000),
    ("pension.disabled.duty.1", "2018-08-01", 7_761_000),
    ("pension.disabled.illness.1", "2018-08-01", 7_506_000),
    ("pension.disabled.war.1", "2019-08-01", 8_815_000),
    ("pension.disabled.duty.1", "2019-08-01", 8_537_000),
    ("pension.disabled.illness.1", "2019-08-01", 8_257_000),
    ("pension.survivor.martyr", "2018-08-01", 2_544_000),
    ("pension.survivor.duty", "2018-08-01", 2_185_000),
    ("pension.survivor.illness", "2018-08-01", 2_055_000),
    ("pension.survivor.martyr", "2019-08-01", 2_798_000),
    ("pension.survivor.duty", "2019-08-01", 2_404_000),
    ("pension.survivor.illness", "2019-08-01", 2_261_000),
    ("pension.red_army.home", "2018-08-01", 5_557_000),
    ("pension.red_army.west_route", "2018-08-01", 5_557_000),
    ("pension.red_army.dispersed", "2018-08-01", 2_507_000),
    ("pension.red_army.home", "2019-08-01", 6_113_000),
    ("pension.red_army.west_route", "2019-08-01", 6_113_000),
    ("pension.red_army.dispersed", "2019-08-01", 2_758_000),
    ("pension.ill_returned", "2018-08-01", 55_000),
    ("pension.combat_or_test", "2018-08-01", 60_000),
    ("pension.rural_veteran_60", "2018-08-01", 3_500),
    ("pension.martyr_elderly_child", "2018-08-01", 44_000),
    (STACKING, "2018-01-01", 1),
)
"""The national figures of veterans-rules §2 (2018-08-01 and 2019-08-01) as ``(parameter,
effective_from, fen)``, loaded as county rows; stacking 1 [assume]."""


__all__ = [
    "MAX_ANNUAL_FEN",
    "NATIONAL",
    "RED_ARMY_DEFAULT",
    "RED_ARMY_KINDS",
    "STACKING",
    "basis_of",
    "parameters",
]
