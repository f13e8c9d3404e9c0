# Two commands for a newcomer (Python 3.11+): `make run` and `make test`.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
PORT ?= 8501
# Extra pytest arguments, e.g. `make test PYTEST_ARGS="tests/test_digits.py -x"`.
PYTEST_ARGS ?=

.PHONY: run test lint bench system-deps

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.app: requirements.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.dev: requirements.txt requirements-dev.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $@

## Chromium, nginx, Node.js and npm, Python's venv: installed with apt-get when root,
## otherwise the exact command to run is printed and make stops.
system-deps:
	PYTHON=$(PYTHON) .ci/system-deps

## Install the app and serve it on http://localhost:8501
run: $(VENV)/.app
	MALLOC_ARENA_MAX=2 $(BIN)/streamlit run app.py --server.port $(PORT)

## Install what the tests need, then run every test. pytest's status 5 (no test collected)
## is a failure too: it is never turned into a pass.
test: system-deps $(VENV)/.dev
	$(BIN)/python -m pytest $(PYTEST_ARGS); status=$$?; \
	if [ $$status -eq 5 ]; then echo "pytest collected no test: failing" >&2; fi; \
	exit $$status

lint: $(VENV)/.dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

## Every benchmark runs, even after one misses its goal; then make fails if any missed.
bench: system-deps $(VENV)/.dev
	@missed=""; \
	for script in bench/*.py; do \
		echo "== $$script"; \
		$(BIN)/python $$script || missed="$$missed $$script"; \
	done; \
	if [ -n "$$missed" ]; then echo "goal missed by:$$missed" >&2; exit 1; fi; \
	echo "every benchmark met its goal"
