"""The serials of each series and year move to core's gapless counters; reversible."""

from django.db import migrations

from alur.core.counter_copy import copy_in, copy_out

NAMESPACE = "letters.series"


def forward(apps, schema_editor):
    copy_in(
        apps.get_model("letters", "SeriesCounter"),
        apps.get_model("core", "Counter"),
        lambda row: (NAMESPACE, row.series_id, row.year),
    )


def backward(apps, schema_editor):
    copy_out(
        apps.get_model("core", "Counter"),
        apps.get_model("letters", "SeriesCounter"),
        NAMESPACE,
        lambda parts: {"series_id": int(parts[0]), "year": int(parts[1])},
    )


class Migration(migrations.Migration):
    dependencies = [
        ("letters", "0008_letter_event_void_recipient"),
        ("core", "0002_counter"),
    ]

    operations = [
        migrations.RunPython(forward, backward),
        migrations.DeleteModel(name="SeriesCounter"),
    ]
