"""INTERIM (engineer E, until the skeleton lands): the registry's one rule for officials, resident
ID masking and strict request models, reused as is."""

from minzheng_registry.adapters.common import OFFICIALS, shown, strict

__all__ = ["OFFICIALS", "shown", "strict"]
