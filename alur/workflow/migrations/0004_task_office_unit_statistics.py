"""PostgreSQL's planner learns that a task's unit follows from its office (every unit belongs to
one office): without it, it takes the two for independent, expects a handful of rows in a unit's
inbox pile and sorts every open task of the unit instead of reading the index in order."""

from django.db import migrations

CREATE = (
    "CREATE STATISTICS IF NOT EXISTS workflow_task_office_unit (dependencies) "
    "ON office_id, unit_id FROM workflow_task"
)
DROP = "DROP STATISTICS IF EXISTS workflow_task_office_unit"


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)
        schema_editor.execute("ANALYZE workflow_task")


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [("workflow", "0003_task_waiting")]

    operations = [migrations.RunPython(create, drop)]
