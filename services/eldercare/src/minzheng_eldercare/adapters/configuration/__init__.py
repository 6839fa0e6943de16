"""The configuration area (配置): ``POST/GET /standards`` over every eldercare area's parameters and
``POST /calendar`` (the working-day calendar), the kit's area."""

from __future__ import annotations

from minzheng_eventstore.configuration import configuration_area

from ...application.configuration import PARAMETERS

EXAMPLE = {
    "parameter": "allowance.band.80",
    "jurisdiction": "330727",
    "effective_from": "2025-01-01",
    "value": 12_000,
}
"""A standard as the bureau would post it: the 80–89 band at 120 yuan a month from 2025."""

AREA = configuration_area(PARAMETERS, example=EXAMPLE)

__all__ = ["AREA"]
