# yibao-rules — the two commands of the README: `make demo` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
TEST_STAMP := $(VENV)/.installed-test

.PHONY: demo test check bench bench-batch docs fuzz clean

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

# Coverage-guided fuzzing of the case reader and the DSL (atheris), FUZZ_SECONDS each; not part of `make test`.
# A finding is written as crash-*/timeout-* in the current folder: keep it in tests/data/hostile/.
FUZZ_SECONDS ?= 60
fuzz: $(STAMP)
	$(BIN)/python -m pip install --quiet -e '.[fuzz]'
	mkdir -p fuzz/corpus/case fuzz/corpus/dsl
	cp -n fuzz/seeds/case/* fuzz/corpus/case/; cp -n fuzz/seeds/dsl/* fuzz/corpus/dsl/
	$(BIN)/python fuzz/fuzz_case.py -max_total_time=$(FUZZ_SECONDS) -timeout=5 -rss_limit_mb=1024 fuzz/corpus/case
	$(BIN)/python fuzz/fuzz_dsl.py -max_total_time=$(FUZZ_SECONDS) -timeout=5 -rss_limit_mb=1024 fuzz/corpus/dsl

clean:
	rm -rf $(VENV) build dist *.egg-info site .pytest_cache .hypothesis docs/rulebooks docs/compare docs/reference
