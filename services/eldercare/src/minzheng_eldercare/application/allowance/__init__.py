"""The allowance area's units of work: registration, moves, proofs of life, the daily check and
the reaction to a death."""
