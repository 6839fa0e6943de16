"""The figures and formats of marriage registration: the legal age (法定婚龄) and certificate
numbers (证号), pure.

- An age N is reached on the N-th birthday; a person born on 29 February reaches it on
  28 February of a common year (Civil Code art. 202 [mem]).
- A certificate number is its kind (``J`` 结婚证, ``L`` 离婚证, ``BJ``/``BL`` 补发, ``W`` 无婚姻登记
  记录证明 [assume]) + the registration authority's 6-digit division code (for a township's
  office, its county's) + ``-`` + the year + ``-`` + a 6-digit serial, consecutive per (kind,
  office, year): ``J330727-2026-000001``.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from minzheng_kernel.errors import DomainError


def age_reached_on(birth: date, years: int) -> date:
    """The day a person born on ``birth`` is ``years`` old (the ``years``-th birthday)."""
    year = birth.year + years
    if birth.month == 2 and birth.day == 29 and not calendar.isleap(year):
        return date(year, 2, 28)
    return birth.replace(year=year)


def is_of_age(birth: date, years: int, on: date) -> bool:
    return on >= age_reached_on(birth, years)


class CertificateKind(StrEnum):
    """What a certificate certifies; its value is the number's prefix."""

    MARRIAGE = "J"  # 结婚证
    DIVORCE = "L"  # 离婚证
    MARRIAGE_REISSUE = "BJ"  # 补发结婚证
    DIVORCE_REISSUE = "BL"  # 补发离婚证
    NO_MARRIAGE_RECORD = "W"  # 无婚姻登记记录证明 [assume: the prefix]

    @property
    def reissue(self) -> CertificateKind:
        """The kind of a reissue (补领) of this certificate."""
        if self in (CertificateKind.MARRIAGE, CertificateKind.MARRIAGE_REISSUE):
            return CertificateKind.MARRIAGE_REISSUE
        if self in (CertificateKind.DIVORCE, CertificateKind.DIVORCE_REISSUE):
            return CertificateKind.DIVORCE_REISSUE
        raise DomainError(
            "not_reissuable", "only marriage and divorce certificates are reissued", field="number"
        )

    @property
    def family(self) -> str:
        """``marriage`` or ``divorce`` (a reissue belongs to the family of the original)."""
        return {"J": "marriage", "BJ": "marriage", "L": "divorce", "BL": "divorce"}.get(
            self.value, "no_record"
        )


OFFICE = re.compile(r"^[1-9][0-9]{5}$")
NUMBER = re.compile(r"^(BJ|BL|J|L|W)([1-9][0-9]{5})-([0-9]{4})-([0-9]{6})$")
MAX_SERIAL = 999_999


@dataclass(frozen=True, slots=True)
class CertificateNumber:
    kind: CertificateKind
    office: str
    year: int
    serial: int

    def __post_init__(self) -> None:
        if not OFFICE.match(self.office):
            raise ValueError("a registration office is a 6-digit division code")
        if not 1000 <= self.year <= 9999 or not 1 <= self.serial <= MAX_SERIAL:
            raise ValueError("year is 4 digits and serial 1..999999")

    def __str__(self) -> str:
        return f"{self.kind.value}{self.office}-{self.year:04d}-{self.serial:06d}"

    @classmethod
    def parse(cls, text: str) -> CertificateNumber:
        m = NUMBER.match(text)
        if m is None:
            raise DomainError(
                "invalid_certificate_number",
                "a certificate number is J|L|BJ|BL|W + 6-digit office + -YYYY- + 6-digit serial",
                field="number",
            )
        return cls(CertificateKind(m.group(1)), m.group(2), int(m.group(3)), int(m.group(4)))
