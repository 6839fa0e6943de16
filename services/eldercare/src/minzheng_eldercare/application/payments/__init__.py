"""The allowance run, its roll and ledger reads, and the overpayments (高龄津贴发放)."""
