# The whole quickstart: `make run` and `make test` on a machine with only Python and pip.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
OUT ?= out

.PHONY: run test lint typecheck pytest bench fuzz clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# Reinstall only when the package metadata changes.
$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(VENV)/.installed-dev: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	touch $(VENV)/.installed $@

run: $(VENV)/.installed
	$(BIN)/guarantor assess --out $(OUT)

lint: $(VENV)/.installed-dev
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/ruff format --check src tests benchmarks
	$(BIN)/lint-imports  # the architecture's contracts (pyproject.toml, docs/architecture.md)

typecheck: $(VENV)/.installed-dev
	$(BIN)/mypy

pytest: $(VENV)/.installed-dev
	$(BIN)/pytest

test: lint typecheck pytest

# The long fuzz run (at least 10,000 generated inputs; tens of minutes): generated scenario
# files, pledge imports, every command's options, kill -9 during imports. One pytest per file,
# side by side; each writes its tally to $(OUT)/fuzz-NAME.json and its log to $(OUT)/fuzz-NAME.log.
FUZZ_PARTS := scenarios imports options found kill

fuzz: $(VENV)/.installed-dev
	@mkdir -p $(OUT)
	@$(MAKE) --no-print-directory -j $(words $(FUZZ_PARTS)) $(addprefix fuzz-,$(FUZZ_PARTS))

fuzz-%:
	HYPOTHESIS_PROFILE=fuzz GUARANTOR_FUZZ_REPORT=$(OUT)/fuzz-$*.json \
		$(BIN)/pytest -m fuzz tests/fuzz/test_$*.py -q -s -p no:cacheprovider --timeout=0 \
		--hypothesis-show-statistics > $(OUT)/fuzz-$*.log 2>&1 \
		|| { tail -n 60 $(OUT)/fuzz-$*.log; exit 1; }
	@tail -n 1 $(OUT)/fuzz-$*.log

bench: $(VENV)/.installed-dev
	for b in benchmarks/bench_*.py; do echo "== $$b"; $(BIN)/python $$b || exit 1; done

clean:
	rm -rf $(VENV) $(OUT) .pytest_cache .mypy_cache .ruff_cache
