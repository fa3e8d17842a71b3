# The two commands a new user runs: `make app` and `make test`. Each creates .venv if needed.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 8866

.PHONY: app test bench bench-form bench-export bench-xlsx bench-workshop bench-portfolio-page bench-writers bench-hub clean

# Reinstall when the Voilà templates change too: the install copies them to share/jupyter/voila/templates.
$(STAMP): pyproject.toml $(wildcard templates/voila/templates/*/* templates/voila/templates/*/static/*)
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "nyttolib behöver Python 3.11 eller senare")'
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

app: $(STAMP)
	$(BIN)/nyttolib serve --host $(HOST) --port $(PORT)

test: $(STAMP)
	$(BIN)/ruff check nyttolib tests bench
	$(BIN)/python -m pytest

bench: $(STAMP)
	$(BIN)/python bench/bench_core.py

bench-form: $(STAMP)
	$(BIN)/python bench/bench_form.py

bench-export: $(STAMP)
	$(BIN)/python bench/bench_export.py

bench-xlsx: $(STAMP)
	$(BIN)/python bench/bench_xlsx.py

bench-workshop: $(STAMP)
	$(BIN)/python bench/bench_workshop.py

bench-portfolio-page: $(STAMP)
	$(BIN)/python bench/bench_portfolio_page.py

bench-writers: $(STAMP)
	$(BIN)/python bench/bench_writers.py

bench-hub: $(STAMP)
	$(BIN)/python bench/bench_hub.py

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache .hypothesis
