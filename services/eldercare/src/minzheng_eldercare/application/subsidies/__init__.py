"""Private institutions' operating subsidies: units of work and reads (民办养老机构运营补贴)."""
