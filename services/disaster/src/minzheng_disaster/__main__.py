"""``python -m minzheng_disaster COMMAND``: migrate | serve --host H --port P [--no-relay] | relay |
seed-demo | redrive (see ``minzheng_eventstore.cli``)."""

from __future__ import annotations

from .demo import seed_demo
from .entrypoints.app import Disaster


def main() -> None:
    service = Disaster()
    service.host.cli(app_factory=service.app, seed_demo=lambda host: seed_demo(service))()


if __name__ == "__main__":
    main()
