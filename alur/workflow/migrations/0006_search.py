"""The staff search: pg_trgm and btree_gin, and a GIN index of case subjects' trigrams (the
name in them) led by the office, so that a name is looked up within the offices a person
serves, not across the nation.

PostgreSQL only: SQLite has neither the extension nor GIN, and searches there by LIKE
(`workflow.search.name_condition`). The index is kept out of the model's Meta for that reason."""

from django.contrib.postgres.operations import BtreeGinExtension, TrigramExtension
from django.db import migrations

INDEX = "case_subject_trgm"


def create(apps, schema_editor):  # type: ignore[no-untyped-def]
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {INDEX} ON workflow_case "
            "USING gin (office_id, subject gin_trgm_ops)"
        )


def drop(apps, schema_editor):  # type: ignore[no-untyped-def]
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}")


class Migration(migrations.Migration):
    dependencies = [("workflow", "0005_staff_notices")]

    operations = [
        TrigramExtension(),
        BtreeGinExtension(),
        migrations.RunPython(create, drop, elidable=False),
    ]
