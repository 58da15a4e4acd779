# One recipient's pending messages, found fast: they are sent in the order written.

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('outbox', '0003_interactive'),
    ]

    operations = [
        migrations.AddIndex(
            model_name='outboundmessage',
            index=models.Index(fields=['recipient', 'sender', 'status'], name='outbox_recipient'),
        ),
    ]
