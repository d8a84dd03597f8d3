"""Reference search ("contains", on the dashboard and the queues) through a trigram index.

PostgreSQL only: pg_trgm is one of its standard extensions; SQLite, the embedded default for one
office, scans its few rows instead. Django's `icontains` is `UPPER(reference::text) LIKE
UPPER(...)`, so the index is on that expression.
"""

from django.db import migrations


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    schema_editor.execute(
        "CREATE INDEX IF NOT EXISTS req_reference_trgm ON certifications_certificationrequest "
        "USING gin ((UPPER(reference::text)) gin_trgm_ops)"
    )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("DROP INDEX IF EXISTS req_reference_trgm")


class Migration(migrations.Migration):
    dependencies = [("certifications", "0004_statistics_snapshot")]

    operations = [migrations.RunPython(create, drop, elidable=False)]
