# Two commands a newcomer needs: `make run` and `make test`. Everything else is a building block.
# The venv is (re)installed only when pyproject.toml changes (stamp file).

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp
PKGS   := agent_desk guards nlp examples

.PHONY: run test check lint format typecheck contracts pytest bench eval clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	@touch $(STAMP)

## Open the call screen on the embedded default: the demo conversation, SQLite in the user data dir.
run: $(STAMP)
	$(BIN)/agent-desk

## Everything CI runs: format check, lint, types, import contracts, the whole test suite.
test: $(STAMP) lint typecheck contracts pytest

check: test

lint: $(STAMP)
	$(BIN)/ruff format --check $(PKGS) tests bench
	$(BIN)/ruff check $(PKGS) tests bench

format: $(STAMP)
	$(BIN)/ruff format $(PKGS) tests bench
	$(BIN)/ruff check --fix $(PKGS) tests bench

typecheck: $(STAMP)
	$(BIN)/mypy

contracts: $(STAMP)
	$(BIN)/lint-imports

pytest: $(STAMP)
	$(BIN)/python -m pytest

## Latency/throughput benchmarks; JSON on stdout, see docs/benchmarks.md.
bench: $(STAMP)
	$(BIN)/python -m bench

## NLP quality on the frozen test split, per language (docs/quality.md).
eval: $(STAMP)
	$(BIN)/agent-desk eval nlp --split test

clean:
	rm -rf $(VENV) .venv-medspacy .mypy_cache .ruff_cache .pytest_cache
