"""Fault-injection suite: real processes killed with SIGKILL, real servers restarted.

A small version runs in ``make test``; ``make faults`` passes ``--faults-full`` for the long one.
Each scenario reports cycles, commands accepted, lost and doubled in the terminal summary.
"""

from __future__ import annotations

import pytest

REPORT: list[str] = []


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--faults-full", action="store_true", default=False, help="run the long fault scenarios")


@pytest.fixture
def full(request: pytest.FixtureRequest) -> bool:
    return bool(request.config.getoption("--faults-full"))


@pytest.fixture
def report() -> list[str]:
    return REPORT


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    if REPORT:
        terminalreporter.section("fault injection")
        for line in REPORT:
            terminalreporter.write_line(line)
