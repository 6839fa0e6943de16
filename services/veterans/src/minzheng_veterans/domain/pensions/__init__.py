"""The pension run and back-pay (抚恤金按月发放 · 补发)."""
