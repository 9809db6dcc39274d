"""A kept, prepared cursor for the one statement that must be as cheap as possible: the stock change
(shop.services.inventory). Everything about it that leans on django-tenants or psycopg internals lives
here, behind `prepared_cursor()`, with its guard test
(tests/shop/services/test_inventory.py::test_one_connection_serving_two_stores_takes_stock_in_each_stores_own_schema).

Why: parsing and planning the stock statement costs the database about as much CPU as running it, and
creating cursors (Django's, django-tenants' for the search_path, psycopg's) and their wrappers was most
of a hot SKU's Python time. So the statement is prepared once per connection (server-side binding) and
run on one cursor kept per connection. A pooler in front of PostgreSQL must then keep prepared
statements per client (PgBouncer >= 1.21 with max_prepared_statements, or session pooling)."""

from contextlib import contextmanager

from django.db import DEFAULT_DB_ALIAS, connections
from django.db.backends.postgresql.base import ServerBindingCursor
from django.db.backends.utils import CursorDebugWrapper, CursorWrapper

# Django turns psycopg's automatic preparation off (prepare_threshold=None, for transaction poolers).
# The kept cursor asks for it explicitly; a threshold nothing reaches keeps it off for the rest.
_NEVER_BY_COUNT = 2**62
_KEPT = "_fenxiao_prepared_cursor"


class _PreparingCursor(ServerBindingCursor):
    """Binds parameters on the server and prepares each statement once per connection (psycopg keeps
    the prepared statements per connection). A prepared statement is planned again by PostgreSQL when
    the search_path changes, so one connection serving several stores stays correct."""

    def execute(self, query, params=None, *, prepare=None, binary=None):
        return super().execute(query, params, prepare=True, binary=binary)


class _PreparedDebugWrapper(CursorDebugWrapper):
    """Query logging (DEBUG, assertNumQueries) for the kept cursor, which stays open afterwards."""

    def execute(self, sql, params=None):
        # Django cannot render a prepared execution with its parameters: log the statement as written.
        with self.debug_sql(sql, params):
            return CursorWrapper.execute(self, sql, params)


def _kept_cursor(db):
    # What db.cursor() does before handing out a cursor, without creating one: the health check, the
    # connection, and django-tenants' `SET search_path` when the store changed (TENANT_LIMIT_SET_CALLS
    # makes that a no-op otherwise). _handle_search_path is django-tenants' own step of its cursor()
    # (4.0.1, pinned); the guard test above fails if an upgrade changes it.
    db.close_if_health_check_failed()
    if db.connection is None:
        db.ensure_connection()
    db._handle_search_path()
    raw = db.connection
    cached = db.__dict__.get(_KEPT)
    if cached is None or cached[0] is not raw or cached[1].closed:
        if raw.prepare_threshold is None:
            raw.prepare_threshold = _NEVER_BY_COUNT
        cached = (raw, _PreparingCursor(raw))
        db.__dict__[_KEPT] = cached
    return cached[1]


@contextmanager
def prepared_cursor():
    """The current store's kept, preparing cursor (execute / fetchone), with what Django's cursor
    wrapper does around it: refusing to run in a transaction that already failed, raising Django's
    database errors, and logging queries when DEBUG or a test asks."""
    db = connections[DEFAULT_DB_ALIAS]  # the thread's wrapper itself, not the proxy: looked up once
    cursor = _kept_cursor(db)
    if db.queries_logged:
        cursor = _PreparedDebugWrapper(cursor, db)
    db.validate_no_broken_transaction()
    with db.wrap_database_errors:
        yield cursor
