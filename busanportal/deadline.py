"""Queries with a time limit: a part of a page that cannot finish in time is left out.

``run_within_budget`` runs named pieces of work, each of whose SQL statements may take at most
``limit_ms``; a piece whose statement overruns is abandoned and reported as ``TIMED_OUT``, and
the others still run. Datasette shows a facet that overran its time limit without counts; the
project list does the same (``projects.selectors.project_facets``).

- PostgreSQL: the pieces run in a transaction (a savepoint inside an outer one) with
  ``SET LOCAL statement_timeout``, so the server itself cancels an overrunning statement and
  nothing outside the block is affected; after a cancellation the next piece starts a fresh
  block. In production (autocommit) that is one ``BEGIN``/``COMMIT`` and one ``SET LOCAL`` per
  page; inside a test's transaction, a ``SAVEPOINT``, the ``SET LOCAL`` and a ``RELEASE``.
- SQLite: a progress handler interrupts a statement that runs past the deadline (SQLite checks
  it every few thousand virtual-machine steps); no extra statement.
- Any other backend: no limit.

A limit of 0 (or less) turns the deadline off.
"""

import sqlite3
import time
from collections.abc import Callable
from functools import partial

from django.db import OperationalError, connections, transaction

#: The result of a piece of work that overran its time limit.
TIMED_OUT = object()

CANCELLED_SQLSTATE = "57014"  # PostgreSQL's query_canceled
SQLITE_CHECK_EVERY = 2000  # virtual-machine steps between two looks at the clock


def _cancelled(error: OperationalError) -> bool:
    cause = error.__cause__
    # psycopg 3 names the code ``sqlstate``, psycopg2 ``pgcode``.
    if CANCELLED_SQLSTATE in (getattr(cause, "sqlstate", None), getattr(cause, "pgcode", None)):
        return True
    return isinstance(cause, sqlite3.OperationalError) and "interrupted" in str(cause)


def run_within_budget(
    limit_ms: int, work: dict[str, Callable[[], object]], using: str = "default"
) -> dict[str, object]:
    """Run each piece of ``work`` (name -> callable), each SQL statement limited to
    ``limit_ms``; return name -> result, or ``TIMED_OUT`` for a piece that overran."""
    if limit_ms <= 0:
        return {name: run() for name, run in work.items()}
    connection = connections[using]
    if connection.vendor == "postgresql":
        return _on_postgresql(connection, limit_ms, work)
    if connection.vendor == "sqlite":
        return _on_sqlite(connection, limit_ms, work)
    return {name: run() for name, run in work.items()}


def _on_postgresql(connection, limit_ms: int, work: dict) -> dict:
    results, pending = {}, list(work.items())
    # SET LOCAL lasts to the end of the transaction, not of a savepoint: inside an outer
    # transaction (a test's, say) the limit is lifted again before the block is released.
    nested = connection.in_atomic_block
    while pending:
        try:
            with transaction.atomic(using=connection.alias):
                with connection.cursor() as cursor:
                    # SET takes no bind parameter; the value is an int.
                    cursor.execute(f"SET LOCAL statement_timeout = {int(limit_ms)}")
                while pending:
                    name, run = pending[0]
                    results[name] = run()
                    pending.pop(0)
                if nested:
                    with connection.cursor() as cursor:
                        cursor.execute("SET LOCAL statement_timeout TO DEFAULT")
        except OperationalError as error:
            if not _cancelled(error):
                raise
            name, _ = pending.pop(0)
            results[name] = TIMED_OUT
    return results


def _past(deadline: float) -> bool:
    return time.monotonic() > deadline


def _on_sqlite(connection, limit_ms: int, work: dict) -> dict:
    results = {}
    connection.ensure_connection()
    raw = connection.connection
    for name, run in work.items():
        deadline = time.monotonic() + limit_ms / 1000
        raw.set_progress_handler(partial(_past, deadline), SQLITE_CHECK_EVERY)
        try:
            results[name] = run()
        except OperationalError as error:
            if not _cancelled(error):
                raise
            results[name] = TIMED_OUT
        finally:
            raw.set_progress_handler(None, 0)
    return results
