"""The archive row of a citizen document now points to `tte.IssuedDocument` (same table):
state only."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("documents", "0003_register_counter_to_core"),
        ("tte", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="citizendocument",
                    name="issued",
                    field=models.OneToOneField(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="citizen_document",
                        to="tte.issueddocument",
                        verbose_name="dokumen terbit (arsip)",
                    ),
                ),
            ],
        ),
    ]
