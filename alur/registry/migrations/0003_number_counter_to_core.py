"""The NIK and No. KK serials per prefix move to core's gapless counters; reversible."""

from django.db import migrations

from alur.core.counter_copy import copy_in, copy_out

NAMESPACE = "registry.number"


def forward(apps, schema_editor):
    copy_in(
        apps.get_model("registry", "NumberCounter"),
        apps.get_model("core", "Counter"),
        lambda row: (NAMESPACE, row.kind, row.prefix),
    )


def backward(apps, schema_editor):
    copy_out(
        apps.get_model("core", "Counter"),
        apps.get_model("registry", "NumberCounter"),
        NAMESPACE,
        lambda parts: {"kind": parts[0], "prefix": parts[1]},
    )


class Migration(migrations.Migration):
    dependencies = [
        ("registry", "0002_coverage_rollup"),
        ("core", "0002_counter"),
    ]

    operations = [
        migrations.RunPython(forward, backward),
        migrations.DeleteModel(name="NumberCounter"),
    ]
