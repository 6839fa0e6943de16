"""``python -m minzheng_disaster migrate | serve | relay | seed-demo | redrive``."""

from minzheng_eventstore.kit import run_cli

from .service import DISASTER

if __name__ == "__main__":
    run_cli(DISASTER)
