# The two commands of the README: `make run` and `make test`. Each builds .venv when it is
# missing or older than pyproject.toml.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
DEMO_DIR := .demo
DEMO_DB := $(DEMO_DIR)/econnect.db

.PHONY: run test check bench lint format demo clean

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	@touch $(STAMP)

$(DEMO_DB): | $(STAMP)
	$(BIN)/econnect --db $(DEMO_DB) init --demo

run: $(STAMP) $(DEMO_DB)
	$(BIN)/econnect --db $(DEMO_DB)

demo: $(STAMP)
	rm -rf $(DEMO_DIR)
	$(BIN)/econnect --db $(DEMO_DB) init --demo

test: $(STAMP)
	$(BIN)/python -m pytest -m "not slow"

check: $(STAMP)
	$(BIN)/python -m pytest -m slow

bench: $(STAMP)
	$(BIN)/python -m bench

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports

format: $(STAMP)
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

clean:
	rm -rf $(VENV) $(DEMO_DIR) snapshot_report.html
