"""The registers' serials per office, kind and year move to core's gapless counters; reversible."""

from django.db import migrations

from alur.core.counter_copy import copy_in, copy_out

NAMESPACE = "documents.register"


def forward(apps, schema_editor):
    copy_in(
        apps.get_model("documents", "RegisterCounter"),
        apps.get_model("core", "Counter"),
        lambda row: (NAMESPACE, row.office_id, row.kind, row.year),
    )


def backward(apps, schema_editor):
    copy_out(
        apps.get_model("core", "Counter"),
        apps.get_model("documents", "RegisterCounter"),
        NAMESPACE,
        lambda parts: {"office_id": int(parts[0]), "kind": parts[1], "year": int(parts[2])},
    )


class Migration(migrations.Migration):
    dependencies = [
        ("documents", "0002_initial"),
        ("core", "0002_counter"),
    ]

    operations = [
        migrations.RunPython(forward, backward),
        migrations.DeleteModel(name="RegisterCounter"),
    ]
