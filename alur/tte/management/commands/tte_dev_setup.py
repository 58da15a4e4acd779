"""Development TTE: the development CA and a signer certificate for every person who may sign.

Idempotent: people who already hold a usable certificate are skipped. Refuses to run in
production, where certificates come from the real certification authority.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from alur.org.access import KIND_CAPABILITIES, Capability, offices_for
from alur.org.models import User
from alur.tte import pki
from alur.tte.models import SignerCertificate
from alur.tte.services import certificate_upload

DEMO_PASSPHRASE = "TTE-Demo-2026"  # noqa: S105  (published demo passphrase, development only)


class Command(BaseCommand):
    help = (
        "Buat CA pengembangan (jika belum ada) dan sertifikat TTE untuk setiap pengguna yang "
        f"berwenang menandatangani (kata sandi demo: {DEMO_PASSPHRASE})."
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
        if verbose:
            self.stdout.write(
                f"{issued} sertifikat baru diterbitkan. Kata sandi sertifikat demo: "
                f"{DEMO_PASSPHRASE}"
            )
