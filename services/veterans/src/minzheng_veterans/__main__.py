"""``python -m minzheng_veterans migrate | serve | relay | seed-demo | redrive``."""

from minzheng_eventstore.kit import run_cli

from .service import VETERANS

if __name__ == "__main__":
    run_cli(VETERANS)
