"""A demo signer's certificate for the tests that sign: issued by the development CA on first
use, uploaded as the signer would on the certificate page."""

from __future__ import annotations

from alur.org.models import User
from alur.tte import pki
from alur.tte.models import SignerCertificate
from alur.tte.services import certificate_upload

PASSPHRASE = "Passphrase-Uji-2026"


def certificate_for(user: User) -> SignerCertificate:
    """The demo signer's certificate, issued by the development CA on first use."""
    existing = SignerCertificate.objects.filter(user=user).first()
    if existing is not None:
        return existing
    ca = pki.dev_ca()
    cert, key = pki.issue_signer(ca, name=user.get_full_name(), nip=user.nip, office_name="Uji")
    p12 = pki.pkcs12_bytes(cert, key, ca[0], PASSPHRASE)
    return certificate_upload(user=user, p12=p12, passphrase=PASSPHRASE, actor=user)
