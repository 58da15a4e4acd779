"""The staff search: applications found by the applicant's NIK or phone (b-tree), and by name
(a GIN trigram index, PostgreSQL only; see workflow/0006_search)."""

from django.db import migrations, models

INDEX = "application_name_trgm"


KK_INDEX = "application_kk"  # a No. KK typed on a KK application (fields -> 'kk_number')


def create(apps, schema_editor):  # type: ignore[no-untyped-def]
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {INDEX} ON intake_application "
            "USING gin (office_id, applicant_name gin_trgm_ops)"
        )
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {KK_INDEX} ON intake_application ((fields -> 'kk_number'))"
        )


def drop(apps, schema_editor):  # type: ignore[no-untyped-def]
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}")
        schema_editor.execute(f"DROP INDEX IF EXISTS {KK_INDEX}")


class Migration(migrations.Migration):
    dependencies = [("intake", "0003_whatsapp_cloud_number"), ("workflow", "0006_search")]

    operations = [
        migrations.AddIndex(
            model_name="application",
            index=models.Index(fields=["applicant_nik"], name="application_nik"),
        ),
        migrations.AddIndex(
            model_name="application",
            index=models.Index(fields=["applicant_phone"], name="application_phone"),
        ),
        migrations.RunPython(create, drop, elidable=False),
    ]
