"""Development TTE: the development CA and a signer certificate for every person who may sign
(the `local` backend), and for the local BSrE server (the `bsre` backend) a NIK for every
official who has none and `var/bsre_users.json`, the signers that server knows (each with the
demo passphrase and an active certificate).

Idempotent: people who already hold a usable certificate or a NIK are skipped; the users file is
rewritten. Refuses to run in production, where certificates come from the real certification
authority and BSrE knows the officials.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from alur.audit.services import record
from alur.org.access import KIND_CAPABILITIES, Capability, active_appointments, offices_for
from alur.org.models import User
from alur.tte import pki
from alur.tte.models import SignerCertificate
from alur.tte.services import certificate_upload

DEMO_PASSPHRASE = "TTE-Demo-2026"  # noqa: S105  (published demo passphrase, development only)
BSRE_USERS_FILE = "bsre_users.json"


def bsre_users_path() -> Path:
    return Path(settings.VAR_DIR) / BSRE_USERS_FILE


def demo_nik(user: User, office_code: str, taken: set[str]) -> str:
    """A NIK in the official's shape: the office's kab/kota code, kecamatan 01, the birth date
    of their NIP (day + 40 for a woman, as the NIP's sex digit says) and a serial unused in
    `taken`."""
    region = "".join(ch for ch in office_code if ch.isdigit())[:4].ljust(4, "0")
    nip = user.nip if len(user.nip) == 18 and user.nip.isdigit() else ""
    day, month, year = (nip[6:8], nip[4:6], nip[2:4]) if nip else ("01", "01", "80")
    if nip and nip[14] == "2":
        day = f"{int(day) + 40:02d}"
    serial = user.pk % 9000 + 1
    while True:
        nik = f"{region}01{day}{month}{year}{serial:04d}"
        if nik not in taken:
            return nik
        serial = serial % 9999 + 1


def demo_niks() -> int:
    """Give every active official with a NIP and no NIK one (audited `user.nik_set`)."""
    taken = set(User.objects.exclude(nik="").values_list("nik", flat=True))
    given = 0
    for user in User.objects.filter(is_active=True, nik="").exclude(nip="").order_by("pk"):
        first = active_appointments(user).order_by("position__office__code").first()
        if first is None:
            continue
        office = first.position.office
        nik = demo_nik(user, office.code, taken)
        taken.add(nik)
        with transaction.atomic():
            user.nik = nik
            user.save(update_fields=["nik"])
            record(
                actor=None,
                office=office,
                action="user.nik_set",
                obj=user,
                after={"nik": nik},
                reason="data demo: NIK pejabat untuk BSrE lokal",
            )
        given += 1
    return given


def bsre_users_write(path: Path) -> int:
    """The signers the local BSrE server knows: every active user with a NIK."""
    users = [
        {
            "nik": user.nik,
            "name": user.get_full_name() or user.username,
            "nip": user.nip,
            "email": user.email or f"{user.username}@alur.test",
            "passphrase": DEMO_PASSPHRASE,
            "state": "ISSUE",
        }
        for user in User.objects.filter(is_active=True).exclude(nik="").order_by("nik")
    ]
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(users, indent=1, ensure_ascii=False), encoding="utf-8")
    tmp.chmod(0o600)
    tmp.replace(path)
    return len(users)


class Command(BaseCommand):
    help = (
        "Buat CA pengembangan (jika belum ada) dan sertifikat TTE untuk setiap pengguna yang "
        f"berwenang menandatangani (kata sandi demo: {DEMO_PASSPHRASE})."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument(
            "--bsre-users",
            default="",
            help=f"berkas penanda tangan BSrE lokal (bawaan: VAR_DIR/{BSRE_USERS_FILE})",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if getattr(settings, "PRODUCTION", False):
            raise CommandError("tte_dev_setup hanya untuk pengembangan, bukan produksi.")
        ca = pki.dev_ca()
        verbose = options["verbosity"] >= 1
        if verbose:
            self.stdout.write(f"CA pengembangan: {pki.dev_ca_dir() / 'dev-ca.pem'}")

        signing_kinds = [k for k, caps in KIND_CAPABILITIES.items() if Capability.SIGN in caps]
        now = timezone.now()
        has_usable = set(
            SignerCertificate.objects.filter(
                revoked_at__isnull=True, not_before__lte=now, not_after__gte=now
            ).values_list("user_id", flat=True)
        )
        candidates = (
            User.objects.filter(
                is_active=True,
                appointments__position__kind__in=signing_kinds,
                appointments__position__is_active=True,
            )
            .distinct()
            .order_by("username")
        )
        issued = 0
        for user in candidates:
            office = offices_for(user, Capability.SIGN).order_by("code").first()
            if office is None:
                continue  # the appointment has ended or not yet begun
            if user.pk in has_usable:
                if options["verbosity"] >= 2:
                    self.stdout.write(f"  lewati {user.username}: sudah punya sertifikat")
                continue
            cert, key = pki.issue_signer(
                ca, name=user.get_full_name(), nip=user.nip, office_name=office.name
            )
            certificate_upload(
                user=user,
                p12=pki.pkcs12_bytes(cert, key, ca[0], DEMO_PASSPHRASE),
                passphrase=DEMO_PASSPHRASE,
                actor=None,
            )
            issued += 1
            if verbose:
                self.stdout.write(f"  {user.username:<28} {user.get_full_name()} — {office}")
        niks = demo_niks()
        path = Path(options["bsre_users"]) if options["bsre_users"] else bsre_users_path()
        count = bsre_users_write(path)
        if verbose:
            self.stdout.write(
                f"{issued} sertifikat baru diterbitkan. Kata sandi sertifikat demo: "
                f"{DEMO_PASSPHRASE}"
            )
            self.stdout.write(
                f"BSrE lokal: {niks} NIK pejabat baru; {count} penanda tangan di {path} "
                f"(passphrase {DEMO_PASSPHRASE})"
            )
