"""minzheng veterans service (优抚安置) of a county bureau."""

SERVICE = "veterans"
