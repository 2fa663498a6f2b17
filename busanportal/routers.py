"""Read replicas: public reads go to a PostgreSQL replica, everything else to the primary.

Opt-in. With ``DATABASE_REPLICA_URL`` set, settings add a ``replica`` database alias, this router
and ``ReplicaReadsMiddleware``; without it nothing here is installed and every query goes to
``default`` as before.

Which reads may use the replica is decided per request, because only the request knows who is
asking. ``ReplicaReadsMiddleware`` allows the replica for anonymous GET and HEAD requests outside
the admin, i.e. the public site, the exports, the API and the feeds. Everything else reads the
primary: writes and the requests around them, the admin, every request that carries a session
cookie (an official who just saved sees the saved data, not the replica's slightly older copy),
and all code outside a request (management commands, shell, data migrations), which may read
what it has just written. Sessions, users, permissions, django-axes and the content types are
always read from the primary, since they decide who may do what.

Writes always go to ``default``; migrations run only there (a physical replica follows the
primary by streaming replication, so it receives the schema too).
"""

from contextvars import ContextVar

from django.conf import settings
from django.http import HttpRequest, HttpResponse

PRIMARY = "default"
REPLICA = "replica"
#: Apps whose data the public reads; any other app's reads stay on the primary.
PUBLIC_APPS = frozenset({"projects", "sectors"})

_replica_reads_allowed: ContextVar[bool] = ContextVar("replica_reads_allowed", default=False)


def replica_configured() -> bool:
    return REPLICA in settings.DATABASES


class ReplicaRouter:
    """Send reads of the public apps to the replica while the request allows it."""

    def db_for_read(self, model, **hints):
        if (
            model._meta.app_label in PUBLIC_APPS
            and _replica_reads_allowed.get()
            and replica_configured()
        ):
            return REPLICA
        return PRIMARY

    def db_for_write(self, model, **hints):
        return PRIMARY

    def allow_relation(self, obj1, obj2, **hints):
        # Both aliases hold the same data: an object read from either may refer to the other.
        if {obj1._state.db, obj2._state.db} <= {PRIMARY, REPLICA, None}:
            return True
        return None

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return db == PRIMARY


def _streamed_with_replica(chunks):
    """Keep the replica for a streamed body: it is read after the middleware has returned."""
    token = _replica_reads_allowed.set(True)
    try:
        yield from chunks
    finally:
        _replica_reads_allowed.reset(token)


class ReplicaReadsMiddleware:
    """Allow replica reads for the anonymous, read-only requests of the public site."""

    SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})

    def __init__(self, get_response):
        self.get_response = get_response

    def allows_replica(self, request: HttpRequest) -> bool:
        admin_prefix = getattr(settings, "ADMIN_URL_PREFIX", "/admin/")
        return (
            request.method in self.SAFE_METHODS
            and settings.SESSION_COOKIE_NAME not in request.COOKIES
            and not request.path.startswith(admin_prefix)
        )

    def __call__(self, request: HttpRequest) -> HttpResponse:
        allowed = self.allows_replica(request)
        token = _replica_reads_allowed.set(allowed)
        try:
            response = self.get_response(request)
        finally:
            _replica_reads_allowed.reset(token)
        if allowed and response.streaming and not response.is_async:
            response.streaming_content = _streamed_with_replica(response.streaming_content)
        return response
