"""Inspections and rectification (安全检查 · 整改), pure: an institution's oversight file."""
