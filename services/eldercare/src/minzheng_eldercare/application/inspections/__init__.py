"""The inspections area's units of work, scheduler and reads."""
