"""What a decision returns: the type and data of each new event, before the store gives it a place."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True, slots=True)
class Fact:
    event_type: str
    data: dict[str, Any]
