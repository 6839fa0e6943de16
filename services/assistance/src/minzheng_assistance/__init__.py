"""minzheng assistance service: social assistance (社会救助) of a county bureau."""

SERVICE = "assistance"
