"""Pure domain of social assistance: no I/O, no framework. Aggregates decide, events record."""
