"""The registry's adapters, one package per area (``minzheng_eventstore.areas.Area``), and what they share."""
