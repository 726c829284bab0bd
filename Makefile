# Two commands for a newcomer: `make report` and `make test`. Both set up .venv first.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
SOURCES := $(shell find reanalysis -name "*.py")
INPUTS := $(wildcard data/*)

.PHONY: report test bench lint lock clean

# A file target: the venv is rebuilt only when the project's dependency files change.
$(STAMP): pyproject.toml requirements.lock
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade "pip==26.3"
	$(BIN)/python -m pip install --quiet -c requirements.lock -e ".[test,dev]"
	touch $(STAMP)

report: reports/results.json

reports/results.json: $(STAMP) $(SOURCES) $(INPUTS)
	$(BIN)/reanalysis report --out reports

test: $(STAMP)
	$(BIN)/python -m pytest

bench: $(STAMP)
	$(BIN)/python benchmarks/run.py

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

# Re-resolve the pins from pyproject.toml's ranges (needs the network).
lock:
	rm -rf /tmp/reanalysis-lock && $(PYTHON) -m venv /tmp/reanalysis-lock
	/tmp/reanalysis-lock/bin/python -m pip install --quiet --upgrade "pip==26.3"
	/tmp/reanalysis-lock/bin/python -m pip install --quiet ".[test,dev]"
	(echo "# Exact versions installed by the Makefile (pip install -c requirements.lock). Regenerate with \`make lock\`."; \
	 /tmp/reanalysis-lock/bin/python -m pip freeze --exclude reanalysis) > requirements.lock

clean:
	rm -rf $(VENV) .pytest_cache .hypothesis
