"""The staff search: a GIN trigram index of reporters' names (PostgreSQL only; see
workflow/0006_search)."""

from django.db import migrations

INDEX = "complaint_reporter_trgm"


def create(apps, schema_editor):  # type: ignore[no-untyped-def]
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {INDEX} ON complaints_complaint "
            "USING gin (office_id, reporter_name gin_trgm_ops)"
        )


def drop(apps, schema_editor):  # type: ignore[no-untyped-def]
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}")


class Migration(migrations.Migration):
    dependencies = [("complaints", "0003_register_counter_to_core"), ("workflow", "0006_search")]

    operations = [migrations.RunPython(create, drop, elidable=False)]
