"""The categories of entitled persons (优抚对象类别) and the terms a category is paid on.

A category's terms are its ``key`` (the disabled ``<nature>.<grade>``: nature ``war`` 因战 /
``duty`` 因公 / ``illness`` 因病, grade 1–10; the survivor kind ``martyr`` 烈属 / ``duty`` 因公牺牲遗属 /
``illness`` 病故遗属; the 三红 kind ``home`` 在乡红军老战士 / ``west_route`` 西路军红军老战士 /
``dispersed`` 红军失散人员, each with its own standard; none for the others) and, for
``rural_veteran_60`` (60周岁以上农村籍退役士兵), the years of conscript service it is paid per.

A 三红 entitlement recorded before the kinds existed has no key: its terms read as ``home`` (在乡,
``RED_ARMY_DEFAULT``, the figure it was paid on), wherever terms are made from stored facts."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from functools import cache

from minzheng_contracts import Period
from minzheng_kernel.errors import DomainError

from ..pensions.amounts import MAX_SERVICE_YEARS
from ..pensions.monthly import Basis
from ..pensions.parameters import (
    GRADES,
    NATURES,
    RED_ARMY_DEFAULT,
    RED_ARMY_KINDS,
    SURVIVORS,
    basis_of,
)


class Category(StrEnum):
    """优抚对象类别 (veterans-rules §2)."""

    DISABLED = "disabled"  # 残疾军人
    SURVIVOR = "survivor"  # 烈属 / 因公牺牲遗属 / 病故遗属 (定期抚恤金)
    RED_ARMY = "red_army"  # 三红
    DEMOBILISED = "demobilised"  # 在乡老复员军人
    ILL_RETURNED = "ill_returned"  # 带病回乡
    COMBAT_OR_TEST = "combat_or_test"  # 参战参试
    RURAL_VETERAN_60 = "rural_veteran_60"  # 60周岁以上农村籍退役士兵
    MARTYR_ELDERLY_CHILD = "martyr_elderly_child"  # 烈士老年子女


@dataclass(frozen=True, slots=True)
class Terms:
    """What an entitlement is paid on from ``from_period`` (until the next terms)."""

    from_period: Period
    category: Category
    key: str | None = None
    service_years: int = 1

    def __post_init__(self) -> None:
        if self.category is Category.RED_ARMY and self.key is None:  # recorded before the kinds
            object.__setattr__(self, "key", RED_ARMY_DEFAULT)

    @property
    def basis(self) -> Basis:
        return _basis(self.category, self.key, self.service_years)


@cache
def _basis(category: Category, key: str | None, service_years: int) -> Basis:
    """One ``Basis`` per terms (the run asks each entitlement for every month)."""
    return basis_of(category.value, key, service_years=service_years)


CATEGORIES = {c.value: c for c in Category}
"""A category by its stored name (what folding an entitlement's stream looks up)."""


def terms(
    category: Category,
    from_period: Period,
    *,
    nature: str | None = None,
    grade: int | None = None,
    survivor: str | None = None,
    service_years: int | None = None,
    red_army_kind: str | None = None,
) -> Terms:
    """The category's terms, checked: a disabled serviceman has a nature and a grade 1–10, a
    survivor a kind, a 三红 a kind, a rural veteran 1–60 service years; nothing else is given (422,
    the field)."""
    given = {
        "nature": nature,
        "grade": grade,
        "survivor": survivor,
        "service_years": service_years,
        "red_army_kind": red_army_kind,
    }
    needed = {
        Category.DISABLED: {"nature", "grade"},
        Category.SURVIVOR: {"survivor"},
        Category.RED_ARMY: {"red_army_kind"},
        Category.RURAL_VETERAN_60: {"service_years"},
    }.get(category, set())
    for name, value in given.items():
        if name in needed and value is None:
            raise DomainError("terms_missing", f"{category.value} needs {name}", field=name)
        if name not in needed and value is not None:
            raise DomainError("terms_not_applicable", f"{category.value} has no {name}", field=name)
    if category is Category.DISABLED:
        if nature not in NATURES:
            raise DomainError("unknown_nature", f"nature is one of {', '.join(NATURES)}", field="nature")
        if grade not in GRADES:
            raise DomainError("grade_out_of_range", "grade is 1 to 10", field="grade")
        return Terms(from_period, category, f"{nature}.{grade}")
    if category is Category.SURVIVOR:
        if survivor not in SURVIVORS:
            raise DomainError(
                "unknown_survivor", f"survivor is one of {', '.join(SURVIVORS)}", field="survivor"
            )
        return Terms(from_period, category, survivor)
    if category is Category.RED_ARMY:
        if red_army_kind not in RED_ARMY_KINDS:
            raise DomainError(
                "unknown_red_army_kind",
                f"red_army_kind is one of {', '.join(RED_ARMY_KINDS)}",
                field="red_army_kind",
            )
        return Terms(from_period, category, red_army_kind)
    if category is Category.RURAL_VETERAN_60:
        assert service_years is not None
        if not 1 <= service_years <= MAX_SERVICE_YEARS:
            raise DomainError(
                "service_years_out_of_range",
                f"service years are 1 to {MAX_SERVICE_YEARS}",
                field="service_years",
            )
        return Terms(from_period, category, None, service_years)
    return Terms(from_period, category)


__all__ = ["CATEGORIES", "Category", "Terms", "terms"]
