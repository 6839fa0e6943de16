"""``python -m minzheng_eldercare migrate | serve | relay | seed-demo | redrive``."""

from minzheng_eventstore.kit import run_cli

from .service import ELDERCARE

if __name__ == "__main__":
    run_cli(ELDERCARE)
