# Tindak Lanjut: the two commands that matter are `make run` and `make test`.
PYTHON ?= python3
PORT ?= 5000
VENV := .venv
BIN := $(VENV)/bin
FLASK := $(BIN)/flask --app tracker
TRANSLATIONS := tracker/translations

.PHONY: run test serve bench lint install install-dev translations translations-update static vendor clean check-python

## The pinned packages (holidays, among others) need Python 3.11 or newer: say so before pip fails.
## Checks the existing .venv's interpreter if there is one, else the one that would create it.
CHECKED_PYTHON = $(if $(wildcard $(BIN)/python),$(BIN)/python,$(PYTHON))
check-python:
	@$(CHECKED_PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null || { \
	  echo "Tindak Lanjut needs Python 3.11 or newer; $(CHECKED_PYTHON) is: $$($(CHECKED_PYTHON) --version 2>&1 || echo 'not found')."; \
	  echo "Install Python 3.11+ (Debian 12 / Ubuntu 24.04: apt install python3 python3-venv) and run"; \
	  echo "'make clean' then 'make run', or point make at it: make run PYTHON=python3.11"; \
	  exit 1; }

$(BIN)/python: | check-python
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.installed: requirements.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.installed-dev: requirements-dev.txt requirements.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $(VENV)/.installed $@

install: $(VENV)/.installed translations static

install-dev: $(VENV)/.installed-dev translations static

## Pre-compress the static files (.br and .gz beside each; WhiteNoise and nginx send them as they are).
static: $(VENV)/.installed
	$(BIN)/python -m whitenoise.compress --quiet tracker/static

## Compile the id/en catalogs (the .mo files are build output, not committed).
translations: $(VENV)/.installed
	$(BIN)/pybabel compile --statistics -d $(TRANSLATIONS)

## Re-extract the strings and merge them into both catalogs; English msgstr = msgid.
translations-update: $(VENV)/.installed
	$(BIN)/pybabel extract -F babel.cfg -k _l -k lazy_gettext -o $(TRANSLATIONS)/messages.pot .
	$(BIN)/pybabel update -i $(TRANSLATIONS)/messages.pot -d $(TRANSLATIONS) --no-fuzzy-matching --ignore-obsolete
	$(BIN)/python scripts/fill_english_catalog.py $(TRANSLATIONS)/en/LC_MESSAGES/messages.po

## `make run PORT=5001` serves on another port; links in e-mails and the calendar follow it.
run: install
	$(FLASK) db upgrade
	$(FLASK) seed-demo --if-empty
	@echo "Tindak Lanjut: http://127.0.0.1:$(PORT)"
	BASE_URL="$${BASE_URL:-http://127.0.0.1:$(PORT)}" $(FLASK) run --host 127.0.0.1 --port $(PORT)

## Production mode under gunicorn (needs SECRET_KEY; DATABASE_URL for PostgreSQL).
serve: install
	$(FLASK) db upgrade
	APP_ENV=production $(BIN)/gunicorn --config gunicorn.conf.py 'tracker:create_app()'

## The suite runs on TEST_WORKERS processes (pytest-xdist), each with a database of its own.
TEST_WORKERS ?= 2
test: install-dev
	$(BIN)/python -m pytest -n $(TEST_WORKERS) --dist loadfile $(PYTEST_ARGS)

## Page speed at 1k, 10k and 100k items (QUICK=1: 1k and 10k); PostgreSQL too when BENCH_DATABASE_URL is set.
bench: install-dev
	$(BIN)/python -m bench.run $(if $(QUICK),--quick) $(if $(WEIGHT),--weight-only --sizes 1k) $(BENCH_ARGS)

lint: install-dev
	$(BIN)/ruff check tracker tests bench config.py scripts

vendor:
	scripts/vendor-assets.sh

clean:
	rm -rf $(VENV) .pytest_cache
