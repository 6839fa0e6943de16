"""``python -m minzheng_assistance migrate | serve | relay | seed-demo | redrive``."""

from minzheng_eventstore.kit import run_cli

from .service import ASSISTANCE

if __name__ == "__main__":
    run_cli(ASSISTANCE)
