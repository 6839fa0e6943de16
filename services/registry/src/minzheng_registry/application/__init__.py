"""The registry's handlers (units of work), policies and schedulers, per area."""
