"""The institutions area's units of work, guards, reactions and queries."""
