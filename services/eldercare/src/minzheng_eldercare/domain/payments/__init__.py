"""The allowance's money side (高龄津贴发放): who the roll pays in a period, the run's payments and
the overpayments recorded after an end."""
