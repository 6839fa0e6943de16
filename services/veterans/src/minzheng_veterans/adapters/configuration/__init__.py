"""The configuration area (配置): ``POST/GET /standards`` over every veterans area's parameters and
``POST /calendar`` (placement's reporting deadline counts working days), the kit's area."""

from __future__ import annotations

from minzheng_eventstore.configuration import configuration_area

from ...application.configuration import PARAMETERS

EXAMPLE = {
    "parameter": "aid_holiday_spring_festival",
    "jurisdiction": "330727",
    "effective_from": "2027-01-01",
    "value": 150_000,
}
"""A standard as the bureau would post it: a Spring Festival visit of 1,500 yuan from 2027."""

AREA = configuration_area(PARAMETERS, example=EXAMPLE)

__all__ = ["AREA"]
