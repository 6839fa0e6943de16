"""How tests, benchmarks and ``run_cli`` build a registry process."""
