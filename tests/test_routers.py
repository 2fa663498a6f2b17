"""The read-replica router (busanportal/routers.py), with two database aliases.

The ``replica`` alias is added for these tests only, as a second connection to the test
database: the data loaded once per session is committed, so the replica connection sees it,
exactly as a streaming replica sees the primary's committed data.
"""

import runpy

import pytest
from django.contrib.auth.models import User
from django.contrib.sessions.models import Session
from django.db import connections, router
from django.db.utils import load_backend
from django.test.utils import CaptureQueriesContext

from busanportal import routers
from busanportal import settings as settings_module
from projects.models import Project
from sectors.models import Sector

pytestmark = [
    pytest.mark.django_db,
    # Django warns that DATABASES is read once; the fixture below registers the connection itself.
    pytest.mark.filterwarnings("ignore:Overriding setting DATABASES"),
]

ROUTER = "busanportal.routers.ReplicaRouter"
MIDDLEWARE = "busanportal.routers.ReplicaReadsMiddleware"


@pytest.fixture
def replica(settings):
    """A ``replica`` alias on the test database, the router and the middleware switched on.

    The connection is registered directly rather than through ``DATABASES``, which Django reads
    once per process; the settings still name the alias, as ``DATABASE_REPLICA_URL`` does.
    """
    primary = connections[routers.PRIMARY].settings_dict
    wrapper = load_backend(primary["ENGINE"]).DatabaseWrapper(dict(primary), routers.REPLICA)
    connections[routers.REPLICA] = wrapper
    settings.DATABASES = {**settings.DATABASES, routers.REPLICA: dict(primary)}
    settings.DATABASE_ROUTERS = [ROUTER]
    settings.MIDDLEWARE = [MIDDLEWARE, *settings.MIDDLEWARE]
    yield wrapper
    wrapper.close()
    del connections[routers.REPLICA]


class Queries:
    """The SQL each alias ran inside a ``with`` block."""

    def __init__(self):
        self.primary = CaptureQueriesContext(connections[routers.PRIMARY])
        self.replica = CaptureQueriesContext(connections[routers.REPLICA])

    def __enter__(self):
        self.primary.__enter__()
        self.replica.__enter__()
        return self

    def __exit__(self, *exc):
        self.replica.__exit__(*exc)
        self.primary.__exit__(*exc)

    def on(self, alias, table):
        context = self.primary if alias == routers.PRIMARY else self.replica
        return [query["sql"] for query in context.captured_queries if table in query["sql"]]


def test_an_anonymous_public_page_reads_from_the_replica(client, replica):
    with Queries() as queries:
        response = client.get("/projects/?sector=it&year=2016")
    assert response.status_code == 200
    assert queries.on(routers.REPLICA, "projects_project")
    assert queries.on(routers.PRIMARY, "projects_project") == []


def test_the_replicas_answer_is_the_page(client, replica):
    response = client.get("/sectors/it/")
    assert "Cloud data center model complex" in response.content.decode()


def test_a_streamed_export_reads_from_the_replica_while_it_streams(client, replica):
    with Queries() as queries:
        response = client.get("/projects/export.csv")
        body = b"".join(response.streaming_content).decode("utf-8-sig")
    assert "cloud-data-center-complex" in body
    assert queries.on(routers.REPLICA, "projects_project")
    assert queries.on(routers.PRIMARY, "projects_project") == []


def test_the_api_reads_from_the_replica(client, replica):
    with Queries() as queries:
        client.get("/api/projects/")
    assert queries.on(routers.REPLICA, "projects_project")
    assert queries.on(routers.PRIMARY, "projects_project") == []


def test_a_signed_in_official_reads_the_primary(admin_client, replica):
    with Queries() as queries:
        response = admin_client.get("/projects/")
    assert response.status_code == 200
    assert queries.on(routers.PRIMARY, "projects_project")
    assert queries.on(routers.REPLICA, "projects_project") == []


def test_the_admin_reads_the_primary(client, replica):
    with Queries() as queries:
        client.get("/admin/login/")
    assert queries.on(routers.REPLICA, "") == []


def test_a_post_reads_the_primary(client, replica):
    with Queries() as queries:
        client.post("/projects/")
    assert queries.on(routers.REPLICA, "") == []


def test_code_outside_a_request_reads_the_primary(replica):
    with Queries() as queries:
        assert Project.objects.filter(slug="offshore-wind-farm").exists()
    assert queries.on(routers.PRIMARY, "projects_project")
    assert queries.on(routers.REPLICA, "") == []


def test_writes_go_to_the_primary_even_during_a_public_request(replica):
    token = routers._replica_reads_allowed.set(True)
    try:
        with Queries() as queries:
            Sector.objects.create(slug="space", name_en="Space", position=99)
    finally:
        routers._replica_reads_allowed.reset(token)
    assert queries.on(routers.PRIMARY, "INSERT INTO")
    assert queries.on(routers.REPLICA, "") == []


def test_who_may_do_what_is_always_read_from_the_primary(replica):
    token = routers._replica_reads_allowed.set(True)
    try:
        aliases = [router.db_for_read(model) for model in (User, Session, Project, Sector)]
    finally:
        routers._replica_reads_allowed.reset(token)
    assert aliases == ["default", "default", "replica", "replica"]


def test_migrations_run_on_the_primary_only():
    router_ = routers.ReplicaRouter()
    assert router_.allow_migrate("default", "projects") is True
    assert router_.allow_migrate("replica", "projects") is False


def test_objects_from_both_aliases_may_be_related():
    project, sector = Project(), Sector()
    project._state.db, sector._state.db = "replica", "default"
    assert routers.ReplicaRouter().allow_relation(project, sector) is True


def test_without_a_replica_the_router_reads_the_primary(settings):
    token = routers._replica_reads_allowed.set(True)
    try:
        assert routers.ReplicaRouter().db_for_read(Project) == "default"
    finally:
        routers._replica_reads_allowed.reset(token)


# --- Settings ------------------------------------------------------------------------------


def production_settings(monkeypatch, **env):
    monkeypatch.setenv("DJANGO_DEBUG", "0")
    monkeypatch.setenv("DJANGO_SECRET_KEY", "test-only-settings-key")
    monkeypatch.delenv("DATABASE_REPLICA_URL", raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    return runpy.run_path(settings_module.__file__)


def test_by_default_there_is_one_database_and_no_router(monkeypatch):
    config = production_settings(monkeypatch)
    assert list(config["DATABASES"]) == ["default"]
    assert "DATABASE_ROUTERS" not in config
    assert config["PAGE_CACHE_REPLICA_LAG_SECONDS"] == 0  # no replica: no shortened lifetime
    assert MIDDLEWARE not in config["MIDDLEWARE"]


def test_a_replica_url_adds_the_alias_router_and_middleware(monkeypatch):
    config = production_settings(
        monkeypatch,
        DATABASE_URL="postgres://portal@primary.internal:5432/busan",
        DATABASE_REPLICA_URL="postgres://portal@replica.internal:5432/busan",
    )
    replica = config["DATABASES"]["replica"]
    assert (replica["HOST"], replica["NAME"]) == ("replica.internal", "busan")
    assert replica["TEST"] == {"MIRROR": "default"}
    assert replica["OPTIONS"]["connect_timeout"] == 3
    assert config["DATABASE_ROUTERS"] == [ROUTER]
    assert config["PAGE_CACHE_REPLICA_LAG_SECONDS"] == 5
    middleware = config["MIDDLEWARE"]
    assert middleware.index(MIDDLEWARE) == (
        middleware.index("whitenoise.middleware.WhiteNoiseMiddleware") + 1
    )
