# A conversation's messages answered in the order they were sent; edits, deletions and reactions
# linked to the message they are about; media fetches counted; late messages marked.

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('whatsapp', '0005_businessnumber_to_whatsapp_cloud'),
    ]

    operations = [
        migrations.AddField(
            model_name='inboundmessage',
            name='original_message_id',
            field=models.CharField(blank=True, max_length=128, verbose_name='pesan asal'),
        ),
        migrations.AddField(
            model_name='inboundmessage',
            name='media_attempts',
            field=models.PositiveSmallIntegerField(default=0),
        ),
        migrations.AddField(
            model_name='inboundmessage',
            name='late',
            field=models.BooleanField(default=False, verbose_name='terlambat'),
        ),
        migrations.AddIndex(
            model_name='inboundmessage',
            index=models.Index(fields=['number', 'sender', 'sent_at'], name='inbound_conversation'),
        ),
    ]
