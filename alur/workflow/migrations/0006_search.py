"""The staff search: pg_trgm, and a GIN trigram index of case subjects (the name in them).

PostgreSQL only: SQLite has neither the extension nor GIN, and searches there by LIKE
(`workflow.search.name_condition`). The index is kept out of the model's Meta for that reason."""

from django.contrib.postgres.operations import TrigramExtension
from django.db import migrations

INDEX = "case_subject_trgm"


def create(apps, schema_editor):  # type: ignore[no-untyped-def]
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {INDEX} ON workflow_case USING gin (subject gin_trgm_ops)"
        )


def drop(apps, schema_editor):  # type: ignore[no-untyped-def]
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}")


class Migration(migrations.Migration):
    dependencies = [("workflow", "0005_staff_notices")]

    operations = [
        TrigramExtension(),
        migrations.RunPython(create, drop, elidable=False),
    ]
