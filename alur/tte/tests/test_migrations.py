"""An install from before the move: its issued documents and signer certificates, kept in
`letters`' tables, are read through `tte` after migrating, and the content types follow."""

from __future__ import annotations

from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from alur.tte.models import IssuedDocument, SignerCertificate

MOVE = ("tte", "0001_initial")


def test_documents_certificates_and_content_types_survive_the_move(
    demo_transactional: None,
) -> None:
    executor = MigrationExecutor(connection)
    before = [p.key for p in executor.loader.graph.node_map[MOVE].parents if p.key[0] == "letters"]
    executor.migrate([("tte", None)])
    executor.loader.build_graph()
    old = executor.loader.project_state(before).apps
    office = old.get_model("org", "Office").objects.get(code="18.08")
    user = old.get_model("org", "User").objects.order_by("pk").first()
    now = timezone.now()
    old.get_model("letters", "IssuedDocument").objects.create(
        office_id=office.pk,
        kind="laporan",
        title="Laporan sebelum pindah",
        issued_at=now,
        file="arsip/lama.pdf",
        sha256="a" * 64,
        size=10,
        verify_code="MIGRASI234567890",
    )
    old.get_model("letters", "SignerCertificate").objects.create(
        user_id=user.pk,
        p12_sealed=b"sealed",
        subject_cn="Kepala Dinas",
        serial="1f",
        issuer_cn="CA",
        fingerprint_sha256="b" * 64,
        not_before=now,
        not_after=now,
    )
    ContentType.objects.filter(model__in=("issueddocument", "signercertificate")).delete()
    kept = {
        model: ContentType.objects.create(app_label="letters", model=model).pk
        for model in ("issueddocument", "signercertificate")
    }

    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())
    ContentType.objects.clear_cache()

    document = IssuedDocument.objects.get(verify_code="MIGRASI234567890")
    assert document.title == "Laporan sebelum pindah" and document.office_id == office.pk
    assert SignerCertificate.objects.get(fingerprint_sha256="b" * 64).user_id == user.pk
    assert ContentType.objects.get_for_model(IssuedDocument).pk == kept["issueddocument"]
    assert ContentType.objects.get_for_model(SignerCertificate).pk == kept["signercertificate"]
    assert not ContentType.objects.filter(app_label="letters", model="issueddocument").exists()
