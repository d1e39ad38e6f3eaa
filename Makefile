# The two commands the README promises: `make demo` and `make test`.
VENV    ?= .venv
BIN     := $(VENV)/bin
STAMP   := $(VENV)/.installed
PYTEST_ARGS ?=

.PHONY: demo test lint bench fast clean

$(STAMP): pyproject.toml scripts/setup.sh scripts/apt-packages.txt
	bash scripts/setup.sh
	touch $(STAMP)

demo: $(STAMP)
	$(BIN)/python -m clapboard.demo

test: $(STAMP) lint
	$(BIN)/python -m pytest -n 2 $(PYTEST_ARGS)

# Everything but the tests marked slow: for a quick local loop (CI runs all).
fast: $(STAMP)
	$(BIN)/python -m pytest -n 2 -m "not slow" $(PYTEST_ARGS)

lint: $(STAMP)
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/ruff format --check src tests benchmarks

bench: $(STAMP)
	$(BIN)/python benchmarks/parse.py
	$(BIN)/python benchmarks/engine.py
	$(BIN)/python benchmarks/render.py
	$(BIN)/python benchmarks/sound.py
	$(BIN)/python benchmarks/llm.py
	$(BIN)/python benchmarks/localize.py
	$(BIN)/python benchmarks/studio.py
	$(BIN)/python benchmarks/film.py
	$(BIN)/python benchmarks/lab.py

clean:
	rm -rf $(VENV) build dist out demo-out .pytest_cache .ruff_cache .hypothesis
