"""IssuedDocument and SignerCertificate now live in `tte` (tables kept, see `tte` 0001): the
letter's archive row points there and both models leave this app's state. Nothing changes in the
database."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("letters", "0009_series_counter_to_core"),
        ("tte", "0001_initial"),
        ("documents", "0004_issued_document_to_tte"),
        ("logistics", "0004_issued_document_to_tte"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="letter",
                    name="document",
                    field=models.OneToOneField(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="letter",
                        to="tte.issueddocument",
                    ),
                ),
                migrations.DeleteModel(name="IssuedDocument"),
                migrations.DeleteModel(name="SignerCertificate"),
            ],
        ),
    ]
