"""The complaint register's serials per office and year move to core's gapless counters; reversible."""

from django.db import migrations

from alur.core.counter_copy import copy_in, copy_out

NAMESPACE = "complaints.register"


def forward(apps, schema_editor):
    copy_in(
        apps.get_model("complaints", "RegisterCounter"),
        apps.get_model("core", "Counter"),
        lambda row: (NAMESPACE, row.office_id, row.year),
    )


def backward(apps, schema_editor):
    copy_out(
        apps.get_model("core", "Counter"),
        apps.get_model("complaints", "RegisterCounter"),
        NAMESPACE,
        lambda parts: {"office_id": int(parts[0]), "year": int(parts[1])},
    )


class Migration(migrations.Migration):
    dependencies = [
        ("complaints", "0002_whatsapp_cloud_number"),
        ("core", "0002_counter"),
    ]

    operations = [
        migrations.RunPython(forward, backward),
        migrations.DeleteModel(name="RegisterCounter"),
    ]
