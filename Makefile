# Two commands do all the set-up on a fresh machine with Python 3.11: `make run` and `make test`.
PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
export PYTHONDONTWRITEBYTECODE := 1

.PHONY: run test lint bench run-services migrate seed messages clean

$(VENV)/.runtime: requirements.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV) || python3 -m venv $(VENV)
	$(PIP) install --quiet --disable-pip-version-check -r requirements.txt
	touch $@

$(VENV)/.dev: requirements.txt requirements-dev.txt $(VENV)/.runtime
	$(PIP) install --quiet --disable-pip-version-check -r requirements-dev.txt
	touch $@

# Embedded default: SQLite in the project folder, Celery eager, demo county loaded on first start.
# Migrations and the demo in one process, no system checks (make test runs them); the rest of the voter
# rolls loads in the background while the pages answer, with a banner until it is in (demo.rolls).
# Bytecode is written here (git-ignored): the server's two processes and the loader start on it.
run: $(VENV)/.runtime
	DEBUG=1 PYTHONDONTWRITEBYTECODE= $(PY) manage.py seed_demo --migrate --if-empty --rolls-later
	DEBUG=1 PYTHONDONTWRITEBYTECODE= $(PY) manage.py runserver --skip-checks 127.0.0.1:$(or $(PORT),8000)

# Ruff, migrations check, then the whole pytest suite (e2e included; benchmarks excluded).
# SQLite unless DATABASE_URL is set. Installs Debian chromium for the browser tests when it can.
test: $(VENV)/.dev
	@bash .ci/ensure-browser || true
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports
	DEBUG=0 SECRET_KEY=makemigrations-check-only $(PY) manage.py makemigrations --check --dry-run
	$(PY) -m pytest $(PYTEST_ARGS)

lint: $(VENV)/.dev
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

bench: $(VENV)/.dev
	$(PY) -m pytest tests/benchmarks -s -p no:randomly $(PYTEST_ARGS)

migrate: $(VENV)/.runtime
	DEBUG=1 $(PY) manage.py migrate --noinput

seed: migrate
	DEBUG=1 $(PY) manage.py seed_demo --if-empty

# Production-like: web + Celery worker + beat against DATABASE_URL / REDIS_URL (see Procfile).
run-services: $(VENV)/.runtime
	$(PY) manage.py migrate --noinput
	$(PY) manage.py collectstatic --noinput
	$(VENV)/bin/honcho start

# Regenerate the Chinese catalogue after changing UI strings, then translate and compile it.
messages: $(VENV)/.dev
	DEBUG=1 $(PY) manage.py makemessages -l zh_Hans --ignore=.venv --ignore=tests --ignore=staticfiles --no-obsolete
	DEBUG=1 $(PY) manage.py compilemessages -l zh_Hans --ignore=.venv

clean:
	rm -rf $(VENV) staticfiles .pytest_cache .ruff_cache
