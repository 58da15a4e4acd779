"""IssuedDocument and SignerCertificate move from `letters` to `tte`, their tables kept
(`letters_issueddocument`, `letters_signercertificate`): the models are created here in the
migration state only, and `letters` 0010 drops them from its state. The content types of the two
models are renamed to `tte` in an existing database, so permissions given on them stay."""

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models

import alur.tte.models

MOVED = ("issueddocument", "signercertificate")


def content_types_to(source: str, target: str):
    def rename(apps, schema_editor):
        content_type = apps.get_model("contenttypes", "ContentType")
        db = schema_editor.connection.alias
        for model in MOVED:
            if not content_type.objects.using(db).filter(app_label=target, model=model).exists():
                content_type.objects.using(db).filter(app_label=source, model=model).update(
                    app_label=target
                )

    return rename


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("letters", "0008_letter_event_void_recipient"),
        ("org", "0003_office_acting_may_review_twice"),
        ("contenttypes", "0002_remove_content_type_name"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="SignerCertificate",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
                            ),
                        ),
                        ("p12_sealed", models.BinaryField(verbose_name="PKCS#12 tersegel")),
                        (
                            "subject_cn",
                            models.CharField(max_length=200, verbose_name="nama pada sertifikat"),
                        ),
                        ("serial", models.CharField(max_length=64, verbose_name="nomor seri")),
                        ("issuer_cn", models.CharField(max_length=200, verbose_name="penerbit")),
                        (
                            "fingerprint_sha256",
                            models.CharField(
                                max_length=64, unique=True, verbose_name="sidik jari SHA-256"
                            ),
                        ),
                        ("not_before", models.DateTimeField(verbose_name="berlaku mulai")),
                        ("not_after", models.DateTimeField(verbose_name="berlaku sampai")),
                        (
                            "uploaded_at",
                            models.DateTimeField(
                                default=django.utils.timezone.now, verbose_name="diunggah"
                            ),
                        ),
                        (
                            "revoked_at",
                            models.DateTimeField(blank=True, null=True, verbose_name="dicabut"),
                        ),
                        (
                            "user",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="signer_certificates",
                                to=settings.AUTH_USER_MODEL,
                                verbose_name="pemilik",
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "sertifikat penanda tangan",
                        "verbose_name_plural": "sertifikat penanda tangan",
                        "db_table": "letters_signercertificate",
                        "ordering": ["user", "-not_after"],
                    },
                ),
                migrations.CreateModel(
                    name="IssuedDocument",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
                            ),
                        ),
                        (
                            "kind",
                            models.CharField(
                                choices=[
                                    ("surat", "Surat"),
                                    ("nota_dinas", "Nota dinas"),
                                    ("bast", "Berita acara serah terima"),
                                    ("surat_pernyataan", "Surat pernyataan"),
                                    ("laporan", "Laporan"),
                                    ("kk", "Kartu Keluarga"),
                                    ("akta_kelahiran", "Akta kelahiran"),
                                    ("akta_kematian", "Akta kematian"),
                                    ("skpwni", "Surat keterangan pindah (SKPWNI)"),
                                    ("other", "Lainnya"),
                                ],
                                max_length=20,
                                verbose_name="jenis",
                            ),
                        ),
                        ("title", models.CharField(max_length=300, verbose_name="judul")),
                        (
                            "number",
                            models.CharField(blank=True, max_length=160, verbose_name="nomor"),
                        ),
                        (
                            "classification",
                            models.CharField(
                                blank=True, max_length=24, verbose_name="kode klasifikasi"
                            ),
                        ),
                        ("issued_at", models.DateTimeField(verbose_name="tanggal terbit")),
                        (
                            "signer_name",
                            models.CharField(
                                blank=True, max_length=200, verbose_name="nama penanda tangan"
                            ),
                        ),
                        (
                            "signer_position",
                            models.CharField(
                                blank=True, max_length=200, verbose_name="jabatan penanda tangan"
                            ),
                        ),
                        (
                            "file",
                            models.FileField(
                                max_length=200,
                                upload_to=alur.tte.models.archive_path,
                                verbose_name="berkas",
                            ),
                        ),
                        (
                            "sha256",
                            models.CharField(max_length=64, unique=True, verbose_name="SHA-256"),
                        ),
                        ("size", models.PositiveBigIntegerField(verbose_name="ukuran (bita)")),
                        (
                            "verify_code",
                            models.CharField(
                                max_length=32, unique=True, verbose_name="kode verifikasi"
                            ),
                        ),
                        (
                            "status",
                            models.CharField(
                                choices=[
                                    ("valid", "Sah"),
                                    ("revoked", "Dicabut"),
                                    ("replaced", "Diganti"),
                                ],
                                default="valid",
                                max_length=10,
                                verbose_name="status",
                            ),
                        ),
                        (
                            "revoked_at",
                            models.DateTimeField(
                                blank=True, null=True, verbose_name="dicabut pada"
                            ),
                        ),
                        (
                            "revoke_reason",
                            models.TextField(
                                blank=True, verbose_name="alasan pencabutan/penggantian"
                            ),
                        ),
                        (
                            "subject_person",
                            models.CharField(
                                blank=True, max_length=200, verbose_name="nama yang bersangkutan"
                            ),
                        ),
                        (
                            "object_type",
                            models.CharField(blank=True, max_length=100, verbose_name="jenis asal"),
                        ),
                        (
                            "object_id",
                            models.CharField(blank=True, max_length=64, verbose_name="id asal"),
                        ),
                        (
                            "issued_by",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.SET_NULL,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                                verbose_name="diterbitkan oleh",
                            ),
                        ),
                        (
                            "office",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="issued_documents",
                                to="org.office",
                            ),
                        ),
                        (
                            "replaced_by",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="replaces",
                                to="tte.issueddocument",
                                verbose_name="diganti dengan",
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "dokumen terbit",
                        "verbose_name_plural": "dokumen terbit",
                        "db_table": "letters_issueddocument",
                        "ordering": ["-issued_at", "-pk"],
                        "indexes": [
                            models.Index(
                                fields=["office", "-issued_at"], name="issued_doc_office_date"
                            ),
                            models.Index(
                                fields=["office", "number"], name="issued_doc_office_number"
                            ),
                        ],
                    },
                ),
            ],
        ),
        migrations.RunPython(
            content_types_to("letters", "tte"), content_types_to("tte", "letters"), elidable=False
        ),
    ]
