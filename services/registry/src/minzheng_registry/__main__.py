"""``python -m minzheng_registry migrate | serve | relay | seed-demo | redrive``."""

from minzheng_eventstore.kit import run_cli

from .service import REGISTRY

if __name__ == "__main__":
    run_cli(REGISTRY)
