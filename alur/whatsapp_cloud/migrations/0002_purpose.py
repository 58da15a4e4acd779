# Each number gets an explicit purpose instead of the is_complaints flag: complaints numbers keep
# theirs; a number without services is the one kab/kota reports were sent to (the reports
# conversation took documents on numbers with no service codes); the rest take applications.

from django.db import migrations, models


def purpose_from_flags(apps, schema_editor):
    BusinessNumber = apps.get_model('whatsapp_cloud', 'BusinessNumber')
    BusinessNumber.objects.filter(is_complaints=True).update(purpose='complaints')
    for number in BusinessNumber.objects.filter(is_complaints=False):
        if not number.service_codes:
            number.purpose = 'reports'
            number.save(update_fields=['purpose'])


def flags_from_purpose(apps, schema_editor):
    BusinessNumber = apps.get_model('whatsapp_cloud', 'BusinessNumber')
    BusinessNumber.objects.filter(purpose='complaints').update(is_complaints=True)


class Migration(migrations.Migration):

    dependencies = [
        ('whatsapp_cloud', '0001_initial'),
        ('whatsapp', '0005_businessnumber_to_whatsapp_cloud'),
    ]

    operations = [
        migrations.AddField(
            model_name='businessnumber',
            name='purpose',
            field=models.CharField(choices=[('applications', 'Permohonan dokumen'), ('complaints', 'Pengaduan'), ('reports', 'Naskah dan laporan')], default='applications', max_length=12, verbose_name='kegunaan'),
        ),
        migrations.RunPython(purpose_from_flags, flags_from_purpose),
        migrations.RemoveField(
            model_name='businessnumber',
            name='is_complaints',
        ),
    ]
