"""Private institutions' operating subsidies (民办养老机构运营补贴), pure."""
