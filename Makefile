# Two commands for a newcomer: `make up` (demo on SQLite) and `make test` (everything, SQLite + PostgreSQL).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: up test install lint typecheck pytest pytest-postgres clean serve

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	@touch $(STAMP)

install: $(STAMP)

up: $(STAMP)
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py load_demo
	@echo ""
	@echo "  돌봄 demo: http://$(HOST):$(PORT)/   (stop with Ctrl+C)"
	@echo ""
	$(BIN)/python manage.py runserver $(HOST):$(PORT)

serve: $(STAMP)
	$(BIN)/python manage.py runserver $(HOST):$(PORT)

lint: $(STAMP)
	$(BIN)/ruff check .

typecheck: $(STAMP)
	$(BIN)/mypy

pytest: $(STAMP)
	$(BIN)/python scripts/ensure_browser.py
	$(BIN)/pytest -q

pytest-postgres: $(STAMP)
	$(BIN)/python scripts/with_postgres.py $(BIN)/pytest -q

test: lint typecheck pytest pytest-postgres

clean:
	rm -rf $(VENV) staticfiles .pytest_cache .mypy_cache .ruff_cache
