# Two commands: `make run` sets everything up and serves the shop; `make test` runs the tests.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
export DJANGO_SETTINGS_MODULE ?= config.settings.base

.PHONY: install dev-install setup run test lint format bench graph messages clean

$(VENV)/.installed: requirements.lock
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.lock
	touch $@

# Test and lint tools (requirements-dev.lock, pinned to the same versions as requirements.lock) on top.
$(VENV)/.dev-installed: $(VENV)/.installed requirements.lock requirements-dev.lock
	$(BIN)/python -m pip install --quiet -r requirements-dev.lock
	touch $@

install: $(VENV)/.installed

dev-install: $(VENV)/.dev-installed

setup: install
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py seed_demo

run: setup
	PATH="$(CURDIR)/$(BIN):$$PATH" $(BIN)/honcho start --port $(PORT)

test: dev-install
	DJANGO_SETTINGS_MODULE=config.settings.test $(BIN)/pytest $(PYTEST_ARGS)

# The typed domain layer: every services, selectors and errors module (and the wallet's credit.py).
TYPED := $(shell find . -path ./.venv -prune -o -path ./tests -prune -o \( -name services.py -o -name selectors.py -o -name errors.py -o -name credit.py -o -name calendar.py -o -path '*/services/*.py' -o -path '*/selectors/*.py' \) -print | sort)

lint: dev-install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports
	$(BIN)/mypy --disallow-untyped-defs --disallow-incomplete-defs $(TYPED)

format: dev-install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

# `make bench catalogue search`: the goals after `bench` are its sections (default: all).
BENCH_SECTIONS := $(filter-out bench,$(MAKECMDGOALS))
bench: dev-install
	$(BIN)/python -m tests.bench $(BENCH_SECTIONS)
ifeq (bench,$(firstword $(MAKECMDGOALS)))
$(BENCH_SECTIONS):
	@:
endif

# The apps' import graph and its cycles (the layers contract of make lint forbids any).
graph: dev-install
	$(BIN)/python -m tests.app_graph

# Refresh the German catalogue after adding strings (needs GNU gettext); the .mo files are committed
# so that a fresh machine needs no gettext.
messages: install
	$(BIN)/python manage.py makemessages --locale de --ignore ".venv/*" --ignore "tests/*" --ignore "staticfiles/*" --ignore "media/*" --ignore ".data/*"
	$(BIN)/python manage.py compilemessages --locale de --locale en --ignore ".venv/*"

clean:
	rm -rf $(VENV) .data db.sqlite3 media staticfiles
