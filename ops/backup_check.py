"""Back up an Alur installation and prove the backup restores: database and files.

    python ops/backup_check.py            # a demo installation made for the check
    python ops/backup_check.py --keep     # leave the databases and folders for inspection

1. A source installation on PostgreSQL (database `alur_backup_src`, files in a temporary
   MEDIA_ROOT) gets the demo data and real work: applications with their files, a signed letter
   in the archive.
2. The backup is what production takes: `pg_dump --format=custom` of the database and a tar of
   MEDIA_ROOT, with their SHA-256.
3. They are restored into a new database (`alur_backup_dst`) and a new folder, and the restore is
   checked: the same rows in every table, the audit trail intact (`verify_audit`), every archived
   document's file present with the SHA-256 recorded for it, every application file present.

It prints JSON lines and exits non-zero when anything differs.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import shutil
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))

from common import PG, fresh_database  # noqa: E402

SOURCE, TARGET = "alur_backup_src", "alur_backup_dst"


def connect(program: str) -> list[str]:
    return [program, "-h", PG["host"], "-p", PG["port"], "-U", PG["user"]]


def emit(**fields: object) -> None:
    print(json.dumps(fields, ensure_ascii=False), flush=True)


def sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def manage(url: str, var: Path, *args: str) -> str:
    """A management command on the installation with database `url` and files under `var`."""
    env = os.environ | {"DATABASE_URL": url, "ALUR_VAR_DIR": str(var), "DEBUG": "0"}
    return subprocess.run(
        [sys.executable, str(ROOT / "manage.py"), *args],
        env=env,
        cwd=ROOT,
        check=True,
        capture_output=True,
        text=True,
    ).stdout


WORK = """
from alur.intake.services import application_submit
from alur.intake.tests import samples
from alur.letters.chain import letter_submit
from alur.letters.services import LetterInput, letter_create
from alur.letters.issuing import letter_sign
from alur.tte.tests.drivers import PASSPHRASE, certificate_for
from alur.org.models import Office, Position, User

office = Office.objects.get(code="18.08")
for n in range(3):
    application_submit(
        office=office, service_code="S2e", channel="counter",
        applicant={"name": f"Pemohon {n}", "nik": "1808011708900001", "phone": "081234567890"},
        fields={"child_name": f"Anak {n}", "child_birth_date": "2026-10-01",
                "child_birth_place": "Blambangan Umpu"},
        files=[("birth_letter", samples.pdf(), "application/pdf", "lahir.pdf"),
               ("marriage", samples.jpeg(), "image/jpeg", "nikah.jpg"),
               ("kk", samples.png(), "image/png", "kk.png"),
               ("f201", samples.pdf(), "application/pdf", "f201.pdf")],
    )
kadis = User.objects.get(username="waykanan.kadis")
certificate_for(kadis)
letter = letter_create(
    office=office, actor=kadis,
    data=LetterInput(kind="surat", classification="400.12.2.1", subject="Uji cadangan",
                     body="Dengan hormat,\\n\\nIsi surat uji cadangan."),
    signer=Position.objects.get(office=office, kind="kadis"),
)
letter = letter_submit(letter=letter, actor=kadis)
letter_sign(letter=letter, actor=kadis, passphrase=PASSPHRASE, base_url="https://alur.test/")
"""

CHECK = """
import hashlib, json
from django.apps import apps
from django.core.files.storage import default_storage
from alur.intake.models import Attachment
from alur.tte.models import IssuedDocument
counts = {m._meta.db_table: m.objects.count() for m in apps.get_models() if m._meta.managed}
bad = []
for d in IssuedDocument.objects.all():
    with default_storage.open(d.file.name, "rb") as f:
        if hashlib.sha256(f.read()).hexdigest() != d.sha256:
            bad.append(d.file.name)
missing = [a.file.name for a in Attachment.objects.all() if not default_storage.exists(a.file.name)]
print(json.dumps({"counts": counts, "bad_documents": bad, "missing_files": missing,
                  "documents": IssuedDocument.objects.count(),
                  "attachments": Attachment.objects.count()}))
"""


def state(url: str, var: Path) -> dict:
    out = manage(url, var, "shell", "-c", CHECK)
    return json.loads(out.strip().splitlines()[-1])


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--keep", action="store_true")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="alur-backup-"))
    source_var, target_var = work / "var-src", work / "var-dst"
    source_var.mkdir()
    target_var.mkdir()
    try:
        source = fresh_database(SOURCE)
        manage(source, source_var, "migrate", "--verbosity", "0")
        manage(source, source_var, "load_demo", "--verbosity", "0")
        manage(source, source_var, "shell", "-c", WORK)
        before = state(source, source_var)

        dump, files = work / "alur.dump", work / "media.tar.gz"
        subprocess.run(
            [*connect("pg_dump"), "--format=custom", "--file", str(dump), SOURCE],
            check=True,
        )
        with tarfile.open(files, "w:gz") as tar:
            tar.add(source_var / "media", arcname="media")
        emit(
            step="backup",
            database_bytes=dump.stat().st_size,
            database_sha256=sha256(dump),
            files_bytes=files.stat().st_size,
            files_sha256=sha256(files),
        )

        target = fresh_database(TARGET)
        subprocess.run(
            [*connect("pg_restore"), "--no-owner", "--dbname", TARGET, str(dump)],
            check=True,
        )
        with tarfile.open(files) as tar:
            tar.extractall(work / "restored", filter="data")
        shutil.move(work / "restored" / "media", target_var / "media")
        after = state(target, target_var)
        audit = manage(target, target_var, "verify_audit").strip()
        differing = {
            table: (count, after["counts"].get(table))
            for table, count in before["counts"].items()
            if after["counts"].get(table) != count
        }
        ok = not differing and not after["bad_documents"] and not after["missing_files"]
        emit(
            step="restore",
            tables=len(after["counts"]),
            rows=sum(after["counts"].values()),
            differing_tables=differing,
            documents=after["documents"],
            documents_bad=after["bad_documents"],
            attachments=after["attachments"],
            attachments_missing=after["missing_files"],
            audit=audit,
            ok=ok,
        )
        return 0 if ok else 1
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
