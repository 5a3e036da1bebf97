# Image Factory: `make run` starts the local stack and console; `make test` runs every check.
VENV ?= .venv
PYTHON ?= python3
PORT ?= 8000
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: setup run test lint typecheck unit functional bench clean

setup: $(STAMP)

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e ".[dev]"
	touch $(STAMP)

run: setup
	$(BIN)/imgfactory dev --port $(PORT)

lint: setup
	$(BIN)/ruff check .

typecheck: setup
	$(BIN)/mypy app.py chalicelib imgfactory

test: lint typecheck
	$(BIN)/pytest -q -n 2 --dist loadfile

bench: setup
	$(BIN)/python bench/run_all.py

clean:
	rm -rf $(VENV) .imgfactory imgfactory-output chalice.out
