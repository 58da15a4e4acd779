"""Demo referrals of Kota Metro: one a partner sent (its case at the officer's step) and one
from the public form waiting for a partner; and Kota Metro's opening stock of blank KTP-el, so
that the cards of S3 can be printed. Idempotent: done once per database."""

from __future__ import annotations

from datetime import date

from django.db import transaction
from django.utils import timezone

from alur.org.models import Office, User
from alur.outreach.inputs import ReferralInput
from alur.outreach.models import Referral
from alur.outreach.services.referrals import referral_create, referral_submit

OFFICE = "18.72"


OPENING_KTP_EL = 150


def _opening_stock(office: Office) -> None:
    """Kota Metro's blank KTP-el, as its opening stock count (stok opname) records them."""
    from alur.logistics.choices import Item
    from alur.logistics.ledger import balance_of, stock_count_record

    if balance_of(office, Item.KTP_EL) > 0:
        return
    stock_count_record(
        office=office,
        item=Item.KTP_EL,
        counted=OPENING_KTP_EL,
        document_ref=f"BA-SO/{office.code}/{timezone.localdate():%Y}/001",
        note="Saldo awal (stok opname)",
        actor=None,
    )


@transaction.atomic
def load_demo_referrals() -> int:
    office = Office.objects.filter(code=OFFICE).first()
    if office is not None:
        _opening_stock(office)
    partner = User.objects.filter(username="metro.mitra.dinsos").first()
    if office is None or partner is None or Referral.objects.filter(office=office).exists():
        return 0
    referral_submit(
        office=office,
        actor=partner,
        data=ReferralInput(
            reporter_name=partner.get_full_name(),
            reporter_org="Dinas Sosial Kota Metro",
            name="Sukirman",
            category="odgj",
            sex="L",
            birth_place="Metro",
            birth_date=date(1979, 4, 2),
            address="Halte Jl. Jend. Sudirman, Ganjar Agung",
            village="Ganjar Agung",
            latitude="-5.1206",
            longitude="105.3009",
            contact_name="Taufik (pekerja sosial)",
            contact_phone="081279001122",
            notes="Sering berada di sekitar halte pada pagi hari.",
        ),
    )
    referral_create(
        office=office,
        actor=None,
        channel="web",
        data=ReferralInput(
            reporter_name="Ketua RT 05 Yosodadi",
            name="Mbok Sarinah",
            category="terlantar",
            sex="P",
            address="Gubuk di belakang Pasar Kopindo, Yosodadi",
            village="Yosodadi",
            latitude="-5.1094",
            longitude="105.3168",
            contact_phone="085266004455",
        ),
    )
    return 2
