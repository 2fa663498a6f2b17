"""Shared test fixtures.

The real Busan document is loaded once into the test database, so every database test starts
from the portfolio the public sees; each test runs in a transaction that is rolled back.
"""

import pytest
from django.core.cache import cache
from django.core.management import call_command

from tests import factories


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        call_command("loaddata", "busan", verbosity=0)


@pytest.fixture(autouse=True)
def empty_page_cache():
    """Each test starts with an empty cache: the database rolls back after a test, and a page
    cached by one test would otherwise show another test's data (busanportal/cache.py)."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def make_project(db):
    """Create a published project (with factories) and return it."""
    return factories.ProjectFactory


@pytest.fixture
def many_projects(db):
    """500 generated published projects on top of the real ones, for query-count tests."""
    return factories.create_many_projects(500)
