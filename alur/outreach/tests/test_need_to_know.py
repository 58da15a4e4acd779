"""F7: a partner reads the referrals they made and their cases, never another partner's (a
resident's NIK, KK, location and category such as ODGJ)."""

from __future__ import annotations

from django.test import Client

from alur.outreach import selectors
from alur.outreach.inputs import ReferralInput
from alur.outreach.services.referrals import referral_submit

NAME_A, NAME_B = "SULASTRI RUJUKANWATI", "PAIJO RUJUKANWANTO"  # as the register keeps them


def _refer(office, partner, name: str, nik: str):
    data = ReferralInput(
        reporter_name=partner.get_full_name(),
        name=name,
        category="odgj",
        nik=nik,
        address="Kampung Sentosa",
        latitude="-5.1132",
        longitude="105.3067",
    )
    return referral_submit(office=office, data=data, actor=partner)


def test_a_partner_reads_only_their_own_referrals_and_cases(db, persona, office) -> None:
    metro = office("18.72")
    partner_a = persona("metro.mitra.kelurahan")
    partner_b = persona("metro.mitra.dinsos")
    mine = _refer(metro, partner_a, NAME_A, "1872014506800001")
    theirs = _refer(metro, partner_b, NAME_B, "1872014506800002")
    readable = set(selectors.referrals_for(partner_a))
    assert mine in readable and theirs not in readable
    # Besides their own, only the public form's referrals waiting for a partner to take them up.
    assert all(r.case_id is None for r in readable - {mine})
    client = Client()
    client.force_login(partner_a)
    assert NAME_A in client.get(f"/perkara/{mine.case.reference}/").content.decode()
    assert NAME_B not in client.get("/siaga/mitra/").content.decode()
    for path in (
        f"/siaga/{theirs.pk}/",
        f"/siaga/{theirs.pk}/surat/ktp/berkas/",
        f"/perkara/{theirs.case.reference}/",
    ):
        answer = client.get(path)
        assert answer.status_code in (403, 404) and NAME_B not in answer.content.decode(), path
    # The office's staff who handle Dukcapil Siaga read both.
    staff = persona("metro.petugas")
    assert {mine, theirs} <= set(selectors.referrals_for(staff))
