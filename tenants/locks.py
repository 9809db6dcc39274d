"""Named locks for the few rules a row lock cannot guard because the row does not exist yet: "at most
N codes a day for this phone number", "one buyer per WeChat openid", "at most 20 addresses". A
transaction takes `hold(...)` on the names it decides for; a second transaction asking for the same
name waits until the first commits or rolls back, then sees its rows.

They are PostgreSQL advisory locks scoped to the transaction (released on commit or rollback, never
leaked). Advisory locks are database-wide: the store's schema is part of every name, so two stores
never wait for each other."""

import hashlib

from django.db import connection


def _key(name: str) -> int:
    digest = hashlib.blake2b(f"{connection.schema_name}:{name}".encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big", signed=True)


def hold(*names: str) -> None:
    """Take the named locks until the current transaction ends, in sorted order (so two transactions
    asking for the same names never deadlock). Must run inside a transaction."""
    if not connection.in_atomic_block:
        raise RuntimeError("tenants.locks.hold() outside a transaction would release at once")
    with connection.cursor() as cursor:
        for key in sorted({_key(name) for name in names}):
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [key])
