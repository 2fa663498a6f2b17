# Two commands do all the set-up on a fresh machine: `make run` and `make test`.
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-$(shell sha1sum requirements.txt | cut -c1-12)
# Tests run with debug off, as production does; the key below exists only for test runs.
TEST_ENV := DJANGO_DEBUG=0 DJANGO_SECRET_KEY=test-only-not-a-secret-$(shell id -u)
DEV_ENV := DJANGO_DEBUG=1

.PHONY: install run migrate lint format test pytest check static messages clean

install: $(STAMP)

$(STAMP): requirements.txt
	test -x $(PY) || python3 -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.txt
	rm -f $(VENV)/.installed-*
	touch $@

messages: install
	@if [ -d locale ]; then $(PY) manage.py compilemessages --ignore=.venv -v0; fi

migrate: install messages
	$(DEV_ENV) $(PY) manage.py migrate --noinput
	$(DEV_ENV) $(PY) manage.py loaddata busan

run: migrate
	$(DEV_ENV) $(PY) manage.py runserver 127.0.0.1:8000

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: install
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

static: install
	$(TEST_ENV) $(PY) manage.py collectstatic --noinput -v0

pytest: install messages static
	$(TEST_ENV) $(VENV)/bin/pytest $(PYTEST_ARGS)

test: lint pytest

check: install
	$(TEST_ENV) $(PY) manage.py check
	$(TEST_ENV) $(PY) manage.py makemigrations --check --dry-run

clean:
	rm -rf $(VENV) staticfiles db.sqlite3
