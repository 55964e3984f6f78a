# Two commands for a new user: `make run` and `make test`.
PYTHON ?= python3
VENV ?= .venv
BIN = $(VENV)/bin
STAMP = $(VENV)/.installed
# The Simplified Chinese catalogue, compiled from the committed .po by GNU gettext's msgfmt
# (Debian's `gettext` package); the .mo is built, not committed (.gitignore).
PO = locale/zh_Hans/LC_MESSAGES/django.po
MO = $(PO:.po=.mo)

.PHONY: run test test-fast install migrations-check clean screenshots messages

$(STAMP): requirements.txt requirements-dev.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -r requirements-dev.txt
	touch $(STAMP)

install: $(STAMP) $(MO)

$(MO): $(PO) $(STAMP)
	$(BIN)/python manage.py compilemessages --locale zh_Hans --ignore .venv


# After marking new strings: the .po gains their msgids (then translate them: tests/test_i18n.py
# fails on an untranslated or fuzzy one, and on a marked string missing from the .po).
messages: $(STAMP)
	$(BIN)/python manage.py makemessages -l zh_Hans --no-location --no-obsolete \
		--ignore=.venv --ignore=tests --ignore=bench --ignore=docs --ignore=staticfiles

# Serve the site with demo data on http://127.0.0.1:8000 (SQLite unless DATABASE_URL is set),
# and the worker that runs imports in the background beside it: started first, stopped
# when the server stops (Ctrl-C stops both).
run: $(STAMP) $(MO)
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py seed_demo
	$(BIN)/python manage.py db_worker & worker=$$!; \
	trap 'kill $$worker 2>/dev/null; wait $$worker' EXIT INT TERM; \
	$(BIN)/python manage.py runserver 127.0.0.1:8000

# The whole suite: unit, integration and browser tests (PostgreSQL when DATABASE_URL is set).
test: $(STAMP) $(MO)
	$(BIN)/python manage.py makemigrations --check --dry-run
	$(BIN)/python -m pytest -n $(or $(JOBS),2) $(PYTEST_ARGS)

# The quick subset (under a minute on 2 cores): everything but the tests marked slow.
test-fast: $(STAMP) $(MO)
	$(BIN)/python -m pytest -n $(or $(JOBS),2) -m "not slow" $(PYTEST_ARGS)

# Screenshots of every page as each role sees it, into docs/screenshots (a throw-away
# database and server, Debian's Chromium). Elsewhere: SCREENSHOTS_ARGS="--out /tmp/shots".
screenshots: $(STAMP) $(MO)
	$(BIN)/python docs/screenshots/make_screenshots.py $(SCREENSHOTS_ARGS)

clean:
	rm -rf $(VENV) db.sqlite3 staticfiles $(MO)
