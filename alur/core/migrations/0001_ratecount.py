from django.db import migrations, models


class Migration(migrations.Migration):
    initial = True

    dependencies = []

    operations = [
        migrations.CreateModel(
            name="RateCount",
            fields=[
                ("name", models.CharField(max_length=200, primary_key=True, serialize=False)),
                ("hits", models.PositiveIntegerField(default=0)),
                ("window_end", models.BigIntegerField(db_index=True)),
            ],
        ),
    ]
