"""Contracts published by the registry service about its historical archive (历史婚姻档案)."""

from __future__ import annotations

from typing import Any

from minzheng_contracts.envelope import IntegrationEvent

__all__ = ["CONTRACTS", "examples"]

CONTRACTS: tuple[type[IntegrationEvent[Any]], ...] = ()
"""The archive's contracts, in the catalogue (``catalogue._ALL``)."""


def examples(**common: Any) -> list[IntegrationEvent[Any]]:
    """One valid message of each contract of this module (the contract tests' samples)."""
    return []
