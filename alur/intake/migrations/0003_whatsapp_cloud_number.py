# The business number's model now lives in whatsapp_cloud (same table).

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('intake', '0002_staged_file'),
        ('whatsapp_cloud', '0001_initial'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name='application',
                    name='whatsapp_number',
                    field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='applications', to='whatsapp_cloud.businessnumber'),
                ),
            ],
            database_operations=[],
        ),
    ]
