from django.db import migrations


class Migration(migrations.Migration):
    """pg_trgm lives in public so every store schema (search_path: store, public) sees its operators."""

    dependencies = [("tenants", "0001_initial")]

    operations = [
        migrations.RunSQL(
            "CREATE EXTENSION IF NOT EXISTS pg_trgm WITH SCHEMA public",
            reverse_sql=migrations.RunSQL.noop,
        )
    ]
