"""minzheng disaster service: relief after disasters (救灾), with the 24-hour relief SLA."""

SERVICE = "disaster"
