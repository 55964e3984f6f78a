# Two commands for a new user: `make run` and `make test`.
PYTHON ?= python3
VENV ?= .venv
BIN = $(VENV)/bin
STAMP = $(VENV)/.installed

.PHONY: run test test-fast install migrations-check clean screenshots

$(STAMP): requirements.txt requirements-dev.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -r requirements-dev.txt
	touch $(STAMP)

install: $(STAMP)

# Serve the site with demo data on http://127.0.0.1:8000 (SQLite unless DATABASE_URL is set),
# and the worker that runs imports in the background beside it: started first, stopped
# when the server stops (Ctrl-C stops both).
run: $(STAMP)
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py seed_demo
	$(BIN)/python manage.py db_worker & worker=$$!; \
	trap 'kill $$worker 2>/dev/null; wait $$worker' EXIT INT TERM; \
	$(BIN)/python manage.py runserver 127.0.0.1:8000

# The whole suite: unit, integration and browser tests (PostgreSQL when DATABASE_URL is set).
test: $(STAMP)
	$(BIN)/python manage.py makemigrations --check --dry-run
	$(BIN)/python -m pytest -n $(or $(JOBS),2) $(PYTEST_ARGS)

# The quick subset (under a minute on 2 cores): everything but the tests marked slow.
test-fast: $(STAMP)
	$(BIN)/python -m pytest -n $(or $(JOBS),2) -m "not slow" $(PYTEST_ARGS)

# Screenshots of every page as each role sees it, into docs/screenshots (a throw-away
# database and server, Debian's Chromium). Elsewhere: SCREENSHOTS_ARGS="--out /tmp/shots".
screenshots: $(STAMP)
	$(BIN)/python docs/screenshots/make_screenshots.py $(SCREENSHOTS_ARGS)

clean:
	rm -rf $(VENV) db.sqlite3 staticfiles
