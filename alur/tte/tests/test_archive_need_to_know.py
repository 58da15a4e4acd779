"""F2: the archive finds and hands out a citizen's document only to the staff who handle its
case; the office's own letters stay open to its staff (analysts included)."""

from __future__ import annotations

from django.test import Client
from django.utils import timezone
from weasyprint import HTML

from alur.documents.models import CitizenDocument
from alur.org.choices import PositionKind
from alur.tte.models import DocumentKind
from alur.tte.selectors import archive_search, document_for_download
from alur.tte.services import document_archive
from alur.workflow.tests.drive import run_until_step, start
from alur.workflow.tests.test_need_to_know import hold

CHILD = "Kinanti Arsipwati"


def _akta_and_letter(persona) -> tuple:
    case = start("S2e")
    run_until_step(case, 2)
    now = timezone.now()
    akta = CitizenDocument.objects.create(
        case=case, office=case.office, kind="akta_kelahiran", created_at=now, updated_at=now
    )
    kadis = persona("waykanan.kadis")
    issued = document_archive(
        office=case.office,
        kind=DocumentKind.AKTA_KELAHIRAN,
        title=f"Kutipan Akta Kelahiran {CHILD}",
        pdf=HTML(string=f"<p>{CHILD}</p>").write_pdf(),
        number="1808-LT-07122026-0009",
        subject_person=CHILD,
        cause=akta,
        actor=kadis,
    )
    akta.issued = issued
    akta.save(update_fields=["issued"])
    letter = document_archive(
        office=case.office,
        kind=DocumentKind.SURAT,
        title="Undangan rapat koordinasi",
        pdf=HTML(string="<p>Undangan</p>").write_pdf(),
        number="400.12.2.1/9/Disdukcapil/2026",
        actor=kadis,
    )
    return case, issued, letter


def test_an_analyst_neither_finds_nor_downloads_a_citizens_akta(db, persona) -> None:
    case, issued, letter = _akta_and_letter(persona)
    analis = hold(case.office, "nk.analis", PositionKind.ANALIS)
    assert list(archive_search(analis, q="Arsipwati")) == []
    assert document_for_download(analis, issued.pk) is None
    assert list(archive_search(analis)) == [letter]  # the office's letters stay open
    client = Client()
    client.force_login(analis)
    assert CHILD not in client.get("/arsip/", {"q": "Arsipwati"}).content.decode()
    assert client.get(f"/arsip/{issued.pk}/unduh/").status_code == 404
    assert client.get(f"/arsip/{letter.pk}/unduh/").status_code == 200


def test_the_akta_is_found_in_the_unit_that_handles_its_case_only(db, persona) -> None:
    _case, issued, _letter = _akta_and_letter(persona)
    for username in ("waykanan.kadis", "waykanan.kasi.capil", "waykanan.operator.capil"):
        assert list(archive_search(persona(username), q="Arsipwati")) == [issued], username
    for username in ("waykanan.kasi.dafduk", "waykanan.kabid.dafduk", "waykanan.sekretaris"):
        user = persona(username)
        assert list(archive_search(user, q="Arsipwati")) == [], username
        assert document_for_download(user, issued.pk) is None, username
