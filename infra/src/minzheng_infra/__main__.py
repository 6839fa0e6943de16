"""``minzheng`` (the console script) and ``python -m minzheng_infra``: see cli.py."""

from __future__ import annotations


def main() -> None:
    from .cli import app

    app()


if __name__ == "__main__":
    main()
