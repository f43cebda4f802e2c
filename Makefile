# yibao-rules — the two commands of the README: `make demo` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
TEST_STAMP := $(VENV)/.installed-test

.PHONY: demo test check bench bench-batch docs clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(STAMP): pyproject.toml setup.py | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(TEST_STAMP): pyproject.toml setup.py | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $@ $(STAMP)

demo: $(STAMP)
	$(BIN)/yibao check inner-mongolia
	$(BIN)/yibao evaluate examples/inner-mongolia-case.yaml

test: $(TEST_STAMP)
	$(BIN)/python -m pytest -q

check: $(STAMP)
	$(BIN)/yibao check rulebooks/*.yaml

bench: $(STAMP)
	$(BIN)/python -m pip install --quiet -e '.[bench]'
	$(BIN)/python bench/evaluate.py

bench-batch: $(TEST_STAMP)
	$(BIN)/python bench/batch.py

# The documentation site: pages generated from the rulebooks, then a strict MkDocs build (site/).
docs: $(TEST_STAMP)
	$(BIN)/yibao docs
	$(BIN)/mkdocs build --strict

clean:
	rm -rf $(VENV) build dist *.egg-info site .pytest_cache .hypothesis docs/rulebooks docs/compare docs/reference
