"""The issued documents of stock lines and allocations now point to `tte.IssuedDocument` (same
table): state only."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("logistics", "0003_s1_rounds_pickup_hibah"),
        ("tte", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="allocationline",
                    name="bast",
                    field=models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="tte.issueddocument",
                        verbose_name="BAST",
                    ),
                ),
                migrations.AlterField(
                    model_name="allocationline",
                    name="hibah",
                    field=models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="tte.issueddocument",
                        verbose_name="surat pernyataan hibah",
                    ),
                ),
                migrations.AlterField(
                    model_name="ledgerline",
                    name="document",
                    field=models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="tte.issueddocument",
                        verbose_name="dokumen terbit",
                    ),
                ),
            ],
        ),
    ]
