# Two commands do all the set-up on a fresh machine: `make run` and `make test`.
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-$(shell sha1sum requirements.txt | cut -c1-12)
# Tests run with debug off, as production does; the key below exists only for test runs.
# The test client speaks plain HTTP, so the HTTPS redirect is off for tests only
# (tests/test_security_headers.py checks that it is on by default).
TEST_ENV := DJANGO_DEBUG=0 DJANGO_SECRET_KEY=test-only-not-a-secret-$(shell id -u) DJANGO_SECURE_SSL_REDIRECT=0
# Production as deployed: nothing switched off, and a fresh random key of production length.
DEPLOY_ENV = DJANGO_DEBUG=0 DJANGO_SECRET_KEY=$(shell python3 -c 'import secrets; print(secrets.token_urlsafe(50))')
DEV_ENV := DJANGO_DEBUG=1

.PHONY: install run migrate lint format test pytest e2e node_modules check check-deploy static messages clean

install: $(STAMP)

$(STAMP): requirements.txt
	test -x $(PY) || python3 -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.txt
	rm -f $(VENV)/.installed-*
	touch $@

messages: install
	@if [ -d locale ]; then $(DEV_ENV) $(PY) manage.py compilemessages --ignore=.venv --ignore=node_modules -v0; fi

migrate: install messages
	$(DEV_ENV) $(PY) manage.py migrate --noinput
	$(DEV_ENV) $(PY) manage.py loaddata busan

run: migrate
	$(DEV_ENV) $(PY) manage.py runserver 127.0.0.1:8000

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports

format: install
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

static: install
	$(TEST_ENV) $(PY) manage.py collectstatic --noinput -v0

# The browser tests (tests/e2e) need their own server and run in `make e2e`; see below.
pytest: install messages static
	$(TEST_ENV) $(VENV)/bin/pytest -m "not e2e" $(PYTEST_ARGS)

# The Nu HTML checker (vnu.jar from npm, run with the machine's Java). --ignore-scripts: the
# package's postinstall would download a Java runtime; the Debian one is used instead.
VNU_JAR := node_modules/vnu-jar/build/dist/vnu.jar
node_modules: $(VNU_JAR)

$(VNU_JAR): package.json package-lock.json
	npm ci --ignore-scripts --no-audit --no-fund
	touch $@

# Browser tests: Debian's Chromium (never a downloaded browser) against the site served by
# gunicorn with debug off (tests/e2e/conftest.py): flows, axe-core, vnu and the console.
e2e: install messages node_modules
	PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 $(TEST_ENV) $(VENV)/bin/pytest -m e2e tests/e2e $(PYTEST_ARGS)

test: lint pytest

check: install
	$(TEST_ENV) $(PY) manage.py check
	$(TEST_ENV) $(PY) manage.py makemigrations --check --dry-run

# Django's deployment checklist with production settings (inherited DJANGO_* variables are
# dropped first, so a developer's shell cannot switch anything off); any warning fails.
check-deploy: install
	@echo "manage.py check --deploy --fail-level WARNING (production settings, throwaway key)"
	@env $$(env | grep -o '^DJANGO_[A-Z_]*' | sed 's/^/-u /') $(DEPLOY_ENV) $(PY) manage.py check --deploy --fail-level WARNING

clean:
	rm -rf $(VENV) staticfiles db.sqlite3 node_modules

# Regenerates the Korean catalogue from the code and fails if any entry is untranslated or fuzzy.
messages-check: install
	$(DEV_ENV) $(PY) manage.py makemessages -l ko --ignore=.venv --ignore=node_modules --ignore=staticfiles --ignore=benchmarks --no-obsolete -v0
	@test -z "$$(msgattrib --untranslated --no-obsolete locale/ko/LC_MESSAGES/django.po)" || { echo "Untranslated Korean entries:"; msgattrib --untranslated --no-obsolete locale/ko/LC_MESSAGES/django.po; exit 1; }
	@test -z "$$(msgattrib --only-fuzzy --no-obsolete locale/ko/LC_MESSAGES/django.po)" || { echo "Fuzzy Korean entries:"; msgattrib --only-fuzzy --no-obsolete locale/ko/LC_MESSAGES/django.po; exit 1; }
	@echo "Korean catalogue complete"
