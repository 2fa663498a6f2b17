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

A replica that cannot be reached is skipped: the first replica read of a request checks the
connection (the check Django's ``CONN_HEALTH_CHECKS`` makes anyway, plus a connect if there is
none); if it fails, this request and every request of the process for
``REPLICA_RETRY_SECONDS`` read the primary, and then the replica is tried again. A stopped
replica thus costs no errors, only load on the primary (docs/deployment.md, measured by
tests/fault/test_replica.py).
"""

import contextlib
import logging
import time
from contextvars import ContextVar
from dataclasses import dataclass

from django.conf import settings
from django.db import DatabaseError, connections
from django.http import HttpRequest, HttpResponse

logger = logging.getLogger(__name__)

PRIMARY = "default"
REPLICA = "replica"
#: Apps whose data the public reads; any other app's reads stay on the primary.
PUBLIC_APPS = frozenset({"projects", "sectors"})

#: After a failed check, how long the process reads the primary before trying the replica again.
REPLICA_RETRY_SECONDS = 5.0


@dataclass
class _ReplicaChoice:
    """One request's permission to read the replica, and whether the replica answered it."""

    allowed: bool
    usable: bool | None = None  # not yet checked in this request


_replica_reads_allowed: ContextVar[_ReplicaChoice | None] = ContextVar(
    "replica_reads_allowed", default=None
)
_replica_down_until = 0.0  # time.monotonic(); shared by the threads of a process


def replica_configured() -> bool:
    return REPLICA in settings.DATABASES


def _replica_usable() -> bool:
    """Whether the replica connection works now; remembers a failure for a few seconds."""
    global _replica_down_until
    if time.monotonic() < _replica_down_until:
        return False
    connection = connections[REPLICA]
    try:
        connection.close_if_health_check_failed()
        connection.ensure_connection()
    except DatabaseError:
        _replica_down_until = time.monotonic() + float(
            getattr(settings, "REPLICA_RETRY_SECONDS", REPLICA_RETRY_SECONDS)
        )
        logger.warning("Replica unreachable; reading the primary", exc_info=True)
        with contextlib.suppress(DatabaseError):
            connection.close()
        return False
    return True


def _reads_replica() -> bool:
    choice = _replica_reads_allowed.get()
    if choice is None or not choice.allowed or not replica_configured():
        return False
    if choice.usable is None:
        choice.usable = _replica_usable()
    return choice.usable


class ReplicaRouter:
    """Send reads of the public apps to the replica while the request allows it."""

    def db_for_read(self, model, **hints):
        if model._meta.app_label in PUBLIC_APPS and _reads_replica():
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


def _streamed_with_replica(chunks, choice: _ReplicaChoice):
    """Keep the replica for a streamed body: it is read after the middleware has returned."""
    token = _replica_reads_allowed.set(choice)
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
        choice = _ReplicaChoice(allowed=self.allows_replica(request))
        token = _replica_reads_allowed.set(choice)
        try:
            response = self.get_response(request)
        finally:
            _replica_reads_allowed.reset(token)
        if choice.allowed and response.streaming and not response.is_async:
            response.streaming_content = _streamed_with_replica(response.streaming_content, choice)
        return response
