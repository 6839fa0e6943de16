"""The entitled persons' units of work, reads and the pension run's roll."""
