# Hearth: `make demo` runs it, `make test` tests it; both start from a fresh clone.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HEARTH := $(BIN)/hearth
DEMO_CHILDREN ?= 2000
ONLY ?=

.PHONY: demo test lint bench setup static browser clean

$(VENV)/.installed: pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e ".[dev]"
	touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

# GOV.UK Frontend, MOJ Frontend and HTMX, copied from npm into Django's static files.
hearth/core/static/vendor/.built: node_modules/.installed scripts/build_static.sh
	sh scripts/build_static.sh
	touch $@

setup: $(VENV)/.installed hearth/core/static/vendor/.built

# Browser tests drive Debian's Chromium; never a downloaded browser.
browser:
	@command -v chromium >/dev/null 2>&1 || { \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && $$SUDO apt-get install -y -qq chromium; }

demo: setup
	mkdir -p var
	HEARTH_ENV=demo $(HEARTH) migrate --noinput
	HEARTH_ENV=demo $(HEARTH) collectstatic --noinput --verbosity 0
	HEARTH_ENV=demo $(HEARTH) demo --children $(DEMO_CHILDREN)
	HEARTH_ENV=demo $(HEARTH) serve

test: setup browser
	HEARTH_ENV=test $(BIN)/pytest -q

lint: setup
	$(BIN)/ruff check hearth bench
	$(BIN)/ruff format --check hearth bench
	HEARTH_ENV=test $(BIN)/mypy hearth
	HEARTH_ENV=test $(HEARTH) makemigrations --check --dry-run

bench: setup
	HEARTH_ENV=bench $(BIN)/python bench/run.py $(ONLY)

clean:
	rm -rf $(VENV) node_modules hearth/core/static/vendor var staticfiles
