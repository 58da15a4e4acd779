# BusinessNumber moves from the whatsapp app to the provider; its table stays.

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('org', '0002_office_calendar_version'),
        ('whatsapp', '0004_delivery_bad_items'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='BusinessNumber',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('phone_number_id', models.CharField(max_length=32, unique=True, verbose_name='phone_number_id (Cloud API)')),
                        ('display_number', models.CharField(max_length=20, verbose_name='nomor WhatsApp')),
                        ('label', models.CharField(max_length=120, verbose_name='layanan')),
                        ('service_codes', models.JSONField(blank=True, default=list, verbose_name='kode SOP layanan')),
                        ('is_complaints', models.BooleanField(default=False, verbose_name='nomor pengaduan')),
                        ('is_active', models.BooleanField(default=True, verbose_name='aktif')),
                        ('status_template', models.CharField(default='pembaruan_permohonan', max_length=120, verbose_name='templat pemberitahuan')),
                        ('template_language', models.CharField(default='id', max_length=10, verbose_name='bahasa templat')),
                        ('office', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='whatsapp_numbers', to='org.office')),
                    ],
                    options={
                        'verbose_name': 'nomor WhatsApp',
                        'verbose_name_plural': 'nomor WhatsApp',
                        'ordering': ['office', 'display_number'],
                        'db_table': 'whatsapp_businessnumber',
                    },
                ),
            ],
            database_operations=[],
        ),
    ]
