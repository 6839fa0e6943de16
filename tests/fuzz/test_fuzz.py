"""schemathesis against each service as deployed (its own process, its seeded demo data, the real
PostgreSQL and NATS): no request, valid or not, gets a 5xx; and afterwards no log file of the
stack or of the service holds a resident ID in clear.

The budget is counted in examples per operation and generation mode (positive and negative), per
caller. ``make fuzz`` sets ``MINZHENG_FUZZ_EXAMPLES`` (150): a caller with every role gets that many,
the anonymous caller as many, each single role a third. Without it (``make test``) the short budget
runs: 4 for the caller with every role (the input rules), 1 for the anonymous caller (401 for any
input, valid or not) and 1 for each single role: every operation still meets valid and invalid
input, anonymously and as every role, and the logs are still searched. Each run prints its case
counts.
"""

from __future__ import annotations

import os
import re
from collections import Counter
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from minzheng_eventstore.identity import Role
from minzheng_infra.config import load_services
from minzheng_infra.procutil import free_port
from minzheng_infra.services import ServiceProcess, child_env, run_step

SERVICES = ["assistance", "disaster", "registry", "veterans", "eldercare"]
FULL = os.environ.get("MINZHENG_FUZZ_EXAMPLES")
# examples per operation and mode for the caller with every role, the anonymous one and each role
EXAMPLES, ANONYMOUS, EACH_ROLE = (int(FULL), int(FULL), max(1, int(FULL) // 3)) if FULL else (4, 1, 1)
# an 18-character ID-shaped number with a plausible birth date, not masked (masking keeps the first
# six and the last four characters and puts eight '*' between)
CLEAR_ID = re.compile(
    r"(?<![0-9])[1-9]\d{5}(?:18|19|20)\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])\d{3}[\dXx](?![0-9])"
)


def spec(name: str):  # type: ignore[no-untyped-def]
    return next(s for s in load_services() if s.name == name)


@pytest.fixture(params=SERVICES)
def deployed(request: pytest.FixtureRequest, fresh_database: str, stack, tmp_path: Path):  # type: ignore[no-untyped-def]
    service = spec(request.param)
    env = child_env(
        {
            f"{service.env_prefix}_DATABASE_URL": fresh_database,
            f"{service.env_prefix}_NATS_URL": stack.nats_url(service.name),
            f"{service.env_prefix}_PSEUDONYM_KEY": stack.env_for(service.name)[
                f"{service.env_prefix}_PSEUDONYM_KEY"
            ],
            f"{service.env_prefix}_OIDC_ISSUER": stack.issuer.url,
        }
    )
    log = tmp_path / f"{service.name}.log"
    for step in (["migrate"], ["seed-demo"]):
        result = run_step(service, step, env, log, 180)
        assert result.ok, result.output_tail
    process = ServiceProcess(service, free_port(), env, log)
    process.start()
    assert process.wait_listening(60), log.read_text()[-3000:]
    yield service.name, f"http://127.0.0.1:{process.port}", log
    process.stop()


PUBLIC = ("/health", "/ready")
ROLES = tuple(role.value for role in Role)


def fuzz(  # type: ignore[no-untyped-def]
    operation,
    url: str,
    headers: dict[str, str],
    statuses: Counter[int],
    modes: Counter[str],
    failures: list[str],
    *,
    anonymous: bool,
    examples: int,
):
    """A hypothesis test of one operation: valid and invalid requests, none answered with a 5xx;
    without a token, none answered with anything but 401."""
    from schemathesis.generation import GenerationMode

    strategy = st.one_of(
        operation.as_strategy(GenerationMode.POSITIVE), operation.as_strategy(GenerationMode.NEGATIVE)
    )

    @settings(
        max_examples=examples * 2,
        deadline=None,
        database=None,
        suppress_health_check=list(HealthCheck),
        derandomize=os.environ.get("MINZHENG_FUZZ_RANDOM") != "1",
    )
    @given(case=strategy)
    def call(case) -> None:  # type: ignore[no-untyped-def]
        response = case.call(base_url=url, headers=headers, timeout=30)
        statuses[response.status_code] += 1
        modes[case.meta.generation.mode.value if case.meta else "?"] += 1
        wrong = response.status_code >= 500
        if anonymous and response.status_code != 401 and not operation.path.startswith(PUBLIC):
            # the service authenticates before it looks at any input; only the HTTP server itself
            # may refuse a malformed request first (a 400 that is not the service's JSON)
            try:
                response.json()
                wrong = True
            except ValueError:
                wrong = wrong or response.status_code != 400
        if wrong:
            failures.append(
                f"{'anonymous ' if anonymous else ''}{operation.method.upper()} {operation.path}: "
                f"{response.status_code} {response.text[:300]}\n  {case.as_curl_command()[:600]}"
            )

    return call


def test_no_request_gets_a_5xx_and_no_log_holds_a_resident_id(deployed, stack) -> None:  # type: ignore[no-untyped-def]
    import schemathesis

    from minzheng_eventstore.testing import bearer

    name, url, log = deployed
    schema = schemathesis.openapi.from_url(f"{url}/openapi.json")
    operations = [result.ok() for result in schema.get_all_operations()]  # type: ignore[union-attr]
    assert operations
    # anonymously (only 401, or the edge guard's refusal of the input), then as every role
    # (every role at once gets past every permission: the whole budget goes to the input; each
    # single role mostly meets its 403s: a third of the budget each, or one in the short budget)
    callers: list[tuple[str, dict[str, str], int]] = [("anonymous", {}, ANONYMOUS)]
    callers.append(("every role", bearer(stack.issuer, *ROLES, division="330727", subject="fuzz"), EXAMPLES))
    callers += [
        (r, bearer(stack.issuer, r, division="330727", subject=f"fuzz-{r}"), EACH_ROLE) for r in ROLES
    ]
    failures: list[str] = []
    total = 0
    for caller, headers, examples in callers:
        statuses: Counter[int] = Counter()
        modes: Counter[str] = Counter()
        for operation in operations:
            try:
                fuzz(
                    operation,
                    url,
                    headers,
                    statuses,
                    modes,
                    failures,
                    anonymous=caller == "anonymous",
                    examples=examples,
                )()
            except Exception as exc:  # name the operation whose generation or call broke
                raise AssertionError(
                    f"{name} {operation.method.upper()} {operation.path} as {caller}"
                ) from exc
        total += sum(statuses.values())
        print(
            f"\n{name} as {caller}: {sum(statuses.values())} cases ({dict(sorted(modes.items()))}); "
            f"statuses {dict(sorted(statuses.items()))}"
        )
    print(f"{name}: {total} cases over {len(operations)} operations and {len(callers)} callers")
    assert not failures, "\n".join(failures[:20])
    leaks = []
    for path in [log, *stack.root.joinpath("logs").glob("*.log")]:
        text = path.read_text(errors="replace")
        found = CLEAR_ID.findall(text)
        if found:
            leaks.append(f"{path.name}: {len(found)} resident IDs in clear")
    assert not leaks, leaks
    for path in stack.root.joinpath("logs").glob("*.log"):
        assert path.stat().st_mode & 0o077 == 0, f"{path} is readable by others"
    assert log.stat().st_mode & 0o077 == 0
