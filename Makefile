# Image Factory: `make run` starts the local stack and console; `make test` runs every check.
VENV ?= .venv
PYTHON ?= python3
PORT ?= 8000
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
TEST_STAMP := $(VENV)/.installed-test

.PHONY: setup setup-test run test lint typecheck bench clean

# What `make run` needs: the app, the CLI and the local stack.
setup: $(STAMP)

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e ".[dev]"
	touch $(STAMP)

# What `make test` adds: the CDK app's libraries and Playwright (it drives Debian's Chromium,
# which .ci/run installs with apt).
setup-test: $(TEST_STAMP)

$(TEST_STAMP): $(STAMP) requirements-infra.txt requirements-browser.txt
	$(BIN)/pip install --quiet -r requirements-infra.txt -r requirements-browser.txt
	touch $(TEST_STAMP)

run: setup
	$(BIN)/imgfactory dev --port $(PORT)

lint: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: setup
	$(BIN)/mypy app.py chalicelib imgfactory

test: setup-test lint typecheck
	$(BIN)/pytest -q -n 2 --dist loadfile

bench: setup
	$(BIN)/python bench/run_all.py

clean:
	rm -rf $(VENV) .imgfactory imgfactory-output chalice.out
