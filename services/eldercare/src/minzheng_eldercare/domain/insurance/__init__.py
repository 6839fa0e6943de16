"""The elders' accident insurance (老年人意外伤害保险), enrolled per policy year, paid by the state."""
