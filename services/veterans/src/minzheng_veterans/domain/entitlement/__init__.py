"""Entitled persons (优抚对象), pure: recognition per category, the terms from a month, suspension,
cancellation and transfer between counties."""
