"""The registry's adapters, one package per area (``area.Area``), and what they share."""
