# BusinessNumber now belongs to whatsapp_cloud (same table): the state forgets it here.

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('whatsapp', '0004_delivery_bad_items'),
        ('whatsapp_cloud', '0001_initial'),
        ('intake', '0003_whatsapp_cloud_number'),
        ('complaints', '0002_whatsapp_cloud_number'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name='inboundmessage',
                    name='number',
                    field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='inbound', to='whatsapp_cloud.businessnumber'),
                ),
                migrations.AlterField(
                    model_name='conversation',
                    name='number',
                    field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='whatsapp_cloud.businessnumber'),
                ),
                migrations.DeleteModel(name='BusinessNumber'),
            ],
            database_operations=[],
        ),
    ]
