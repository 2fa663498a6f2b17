"""Shared test fixtures.

The real Busan document is loaded once into the test database, so every database test starts
from the portfolio the public sees; each test runs in a transaction that is rolled back. The
fixtures several modules need (fast password hashing, an editor and a client signed in as one)
are here; plain helpers such as ``rendered_form_data`` are in ``tests/helpers.py``.
"""

import pytest
from django.conf import settings as django_settings
from django.contrib.auth.models import Group, User
from django.core.cache import cache
from django.core.management import call_command
from django.utils import translation

from tests import factories
from tests.helpers import EDITOR_PASSWORD


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        call_command("loaddata", "busan", verbosity=0)


@pytest.fixture(autouse=True)
def empty_page_cache():
    """Each test starts with an empty cache: the database rolls back after a test, and a page
    cached by one test would otherwise show another test's data (busanportal/cache.py); the
    API's and exports' rate limits count in the same cache and start at zero too."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def default_language_after_each_test():
    """A request activates its page's language for the rest of the thread: without this, a test
    that ends on a Korean page would leave Korean active for the next test's messages."""
    yield
    translation.activate(django_settings.LANGUAGE_CODE)


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    """Signing in and creating users hash a password; the production hasher is slow on purpose
    and would make the admin, import and sign-in tests take minutes."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def facets_never_run_out_of_time(settings):
    """Tests that read facet counts pin the counts, not the time: on a loaded machine a facet
    counted live could overrun the production budget (100 ms) and be shown without counts.
    The tests of the budget itself (tests/test_scaling.py) set their own."""
    settings.PORTAL_FACET_TIME_BUDGET_MS = 60_000


@pytest.fixture
def editor(db):
    """A city official: staff, in the Editors group the migrations create, not a superuser."""
    user = User.objects.create_user(
        "official", "official@busan.example", EDITOR_PASSWORD, is_staff=True
    )
    user.groups.add(Group.objects.get(name="Editors"))
    return user


@pytest.fixture
def editor_client(client, editor):
    """The test client, signed in as ``editor``."""
    client.force_login(editor)
    return client


@pytest.fixture
def make_project(db):
    """Create a published project (with factories) and return it."""
    return factories.ProjectFactory


@pytest.fixture
def many_projects(db):
    """500 generated published projects on top of the real ones, for query-count tests."""
    return factories.create_many_projects(500)


@pytest.fixture(autouse=True)
def export_files_in_a_temporary_directory(settings, tmp_path):
    """The full exports are files (projects/export_files.py): each test gets its own folder, so
    that no test serves another's file or writes into the working tree."""
    settings.PORTAL_EXPORT_DIR = tmp_path / "exports"
    # A background build is a process of its own, which would not see this folder; the tests
    # of the background build switch it on with a stand-in for the process.
    settings.PORTAL_EXPORT_BUILD_IN_BACKGROUND = False
