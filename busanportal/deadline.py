"""Queries with a time limit: a part of a page that cannot finish in time is left out.

``run_within_budget`` runs named pieces of work within one time budget: each SQL statement may
take what is left of it when it starts; a piece whose statement overruns is abandoned and
reported as ``TIMED_OUT``, the next ones get what is left, and once the budget is spent the
rest are not run (also ``TIMED_OUT``), so the pieces never cost a page more than the budget.
Datasette shows a facet that overran its time limit without counts; the project list does the
same (``projects.selectors.project_facets``).

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
    budget_ms: int, work: dict[str, Callable[[], object]], using: str = "default"
) -> dict[str, object]:
    """Run the pieces of ``work`` (name -> callable) in turn, all of them within ``budget_ms``
    together: each SQL statement may take what is left of the budget when it starts; a piece
    that overruns, and every piece after the budget is spent, gives ``TIMED_OUT``."""
    if budget_ms <= 0:
        return {name: run() for name, run in work.items()}
    deadline = time.monotonic() + budget_ms / 1000
    connection = connections[using]
    if connection.vendor == "postgresql":
        return _on_postgresql(connection, deadline, work)
    if connection.vendor == "sqlite":
        return _on_sqlite(connection, deadline, work)
    return {name: run() for name, run in work.items()}


def _left_ms(deadline: float) -> int:
    return int((deadline - time.monotonic()) * 1000)


def _on_postgresql(connection, deadline: float, work: dict) -> dict:
    results, pending = {}, list(work.items())
    # SET LOCAL lasts to the end of the transaction, not of a savepoint: inside an outer
    # transaction (a test's, say) the limit is lifted again before the block is released.
    nested = connection.in_atomic_block
    while pending:
        try:
            with transaction.atomic(using=connection.alias):
                while pending:
                    name, run = pending[0]
                    left = _left_ms(deadline)
                    if left < 1:
                        results[name] = TIMED_OUT
                    else:
                        with connection.cursor() as cursor:
                            # SET takes no bind parameter; the value is an int.
                            cursor.execute(f"SET LOCAL statement_timeout = {left}")
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


def _on_sqlite(connection, deadline: float, work: dict) -> dict:
    results = {}
    connection.ensure_connection()
    raw = connection.connection
    raw.set_progress_handler(partial(_past, deadline), SQLITE_CHECK_EVERY)
    try:
        for name, run in work.items():
            if _past(deadline):
                results[name] = TIMED_OUT
                continue
            try:
                results[name] = run()
            except OperationalError as error:
                if not _cancelled(error):
                    raise
                results[name] = TIMED_OUT
    finally:
        raw.set_progress_handler(None, 0)
    return results
