"""The death area's units of work: the reaction to ``DeathRegistered``, the caseworker's commands."""
