"""minzheng eldercare service (养老服务) of a county bureau."""

SERVICE = "eldercare"
