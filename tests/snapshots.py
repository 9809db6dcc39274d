"""What "nothing changed" means in a test: the contents of every table, compared before and after."""

from django.db import connection


class Snapshot:
    """The contents of every table of the store's schema and of public, as one digest per table."""

    LEFT_OUT = {"django_session", "django_migrations"}

    def __init__(self, schema: str):
        self.schema = schema

    def take(self) -> dict:
        digests = {}
        with connection.cursor() as cursor:
            for schema in (self.schema, "public"):
                cursor.execute(
                    "SELECT table_name FROM information_schema.tables"
                    " WHERE table_schema = %s AND table_type = 'BASE TABLE'",
                    [schema],
                )
                tables = sorted(name for (name,) in cursor.fetchall() if name not in self.LEFT_OUT)
                digest = "md5(coalesce(string_agg(t::text, ',' ORDER BY t::text), ''))"
                cursor.execute(
                    " UNION ALL ".join(
                        f"""SELECT '{schema}.{name}', {digest} FROM "{schema}"."{name}" t"""
                        for name in tables
                    )
                )
                digests.update(cursor.fetchall())
        return digests
