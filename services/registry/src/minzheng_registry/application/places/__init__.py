"""Place names, house numbers and divisions (地名 · 门牌 · 区划): the units of work and queries."""
