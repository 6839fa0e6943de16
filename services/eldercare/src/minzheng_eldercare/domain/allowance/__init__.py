"""The old-age allowance (高龄津贴 / 长寿保健金): elders, their bands and the allowance's life."""
