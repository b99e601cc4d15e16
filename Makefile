# Tindak Lanjut: the two commands that matter are `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
FLASK := $(BIN)/flask --app tracker
TRANSLATIONS := tracker/translations

.PHONY: run test serve bench lint install install-dev translations translations-update static vendor clean

$(BIN)/python:
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

run: install
	$(FLASK) db upgrade
	$(FLASK) seed-demo --if-empty
	$(FLASK) run --host 127.0.0.1 --port 5000

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
