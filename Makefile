# minzheng: one Makefile for the whole platform. Every target creates the virtual environment if needed.
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
PIP    := $(PY) -m pip
STAMP  := $(VENV)/.installed

PACKAGES := kernel contracts eventstore infra bench console $(wildcard services/*/pyproject.toml)
EDITABLES := $(foreach p,$(PACKAGES),-e $(patsubst %/pyproject.toml,%,$(p)))
PYPROJECTS := $(wildcard kernel/pyproject.toml contracts/pyproject.toml eventstore/pyproject.toml infra/pyproject.toml bench/pyproject.toml console/pyproject.toml services/*/pyproject.toml)

.PHONY: venv run test lint typecheck schemas bench bench-full faults fuzz clean-stack

venv: $(STAMP)

$(STAMP): $(PYPROJECTS) constraints.txt requirements-dev.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PIP) install -q --upgrade pip
	$(PIP) install -q -c constraints.txt $(EDITABLES) -r requirements-dev.txt
	touch $(STAMP)

## make run: embedded PostgreSQL + NATS (or DATABASE_URL/NATS_URL), provision, migrate, run every service.
run: venv
	$(PY) -m minzheng_infra run

## make test: the whole suite against a real PostgreSQL and NATS started by the test session itself.
test: venv
	$(PY) -m pytest -m "not slow"

lint: venv
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports
	$(PY) -m minzheng_contracts.compat contracts/schemas

typecheck: venv
	$(VENV)/bin/mypy kernel/src contracts/src eventstore/src infra/src bench/src console/src $(wildcard services/*/src)

## regenerate the committed JSON Schemas of the contracts, the catalogue's AsyncAPI and each service's
SERVICE_DEFINITIONS := minzheng_assistance.service:ASSISTANCE minzheng_disaster.service:DISASTER minzheng_registry.service:REGISTRY minzheng_veterans.service:VETERANS minzheng_eldercare.service:ELDERCARE
schemas: venv
	$(PY) -m minzheng_contracts.schema_export contracts/schemas
	$(PY) -m minzheng_eventstore.asyncapi contracts/schemas $(SERVICE_DEFINITIONS)

bench: venv
	$(PY) -m minzheng_bench --quick

bench-full: venv
	$(PY) -m minzheng_bench --full

faults: venv
	$(PY) -m pytest tests/faults -m "slow or not slow" --faults-full --timeout 1800

## make fuzz: schemathesis against every service as deployed, 10,000+ cases each (make test runs a few)
fuzz: venv
	MINZHENG_FUZZ_EXAMPLES=$${MINZHENG_FUZZ_EXAMPLES:-150} $(PY) -m pytest tests/fuzz -s --timeout 3600

clean-stack:
	rm -rf .stack
