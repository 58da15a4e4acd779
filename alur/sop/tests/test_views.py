"""The SOP pages: the list, the document, its revisions and the PDF download."""

from __future__ import annotations

import copy
import re
from pathlib import Path

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from alur.org.demo import DEMO_PASSWORD
from alur.sop.models import SopRevision
from alur.sop.selectors import sop_of
from alur.sop.services import definition_of
from alur.workflow.tests.drive import start

ARTIFACTS = Path(__file__).resolve().parents[3] / "test-artifacts"


def store_r2(code: str = "S2e") -> SopRevision:
    """A second revision of an SOP: step 10 takes 15 minutes instead of 10."""
    r1 = SopRevision.objects.get(code=code, revision=1)
    data = copy.deepcopy(r1.definition)
    data["revision"] = 2
    data["dates"]["revised"] = {"text": "Maret 2024"}
    data["steps"][-1]["time"] = {"text": "15 menit", "minutes": 15}
    sop = sop_of(SopRevision(definition=data))
    definition, checksum = definition_of(sop)
    return SopRevision.objects.create(
        code=code,
        revision=2,
        name=sop.name,
        office_code=sop.office,
        definition=definition,
        checksum=checksum,
        source=r1.source,
    )


@pytest.mark.django_db
def test_anonymous_visitors_are_sent_to_log_in(client: Client) -> None:
    for url in ("/sop/", "/sop/S2e/", "/sop/S2e/r1/", "/sop/S2e/r1.pdf"):
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith("/masuk/"), url


@pytest.mark.django_db
def test_the_list_shows_every_sop_at_its_newest_revision(client: Client, persona) -> None:
    client.force_login(persona("waykanan.operator"))
    body = client.get("/sop/").content.decode()
    codes = re.findall(r'<li data-sop="([^"]+)">', body)
    assert codes == ["S0", "S1", "S2a", "S2b", "S2c", "S2d", "S2e", "S2f", "S2g", "S3", "S4"]
    assert "PELAYANAN ONLINE WHATSAPP AKTA KELAHIRAN" in body
    assert "Disdukcapil Kab. Way Kanan" in body and "DP3ACSKB Prov. Kep. Bangka Belitung" in body
    assert "80 menit (1 jam 20 menit)" in body
    store_r2()
    body = client.get("/sop/").content.decode()
    row = body[body.index('<li data-sop="S2e">') :].split("</li>")[0]
    assert '<span class="sop-rev">r2</span>' in row and "85 menit" in row
    assert "10 langkah" in row


@pytest.mark.django_db
def test_the_list_reads_in_a_fixed_number_of_queries(
    client: Client, persona, django_assert_num_queries
) -> None:
    client.force_login(persona("waykanan.operator"))
    client.get("/sop/")  # warm the per-process caches
    with CaptureQueriesContext(connection) as few:
        client.get("/sop/")
    sqls = [query["sql"] for query in few.captured_queries]
    # One query for the newest revisions, one for their offices; the rest is the site's shell
    # (its menu asks once which SOPs the person's offices run: `sop.selectors.runs_sop`).
    menu = [sql for sql in sqls if "DISTINCT" in sql and 'FROM "sop_soprevision"' in sql]
    page = [sql for sql in sqls if sql not in menu]
    assert len(menu) == 1
    assert sum('FROM "sop_soprevision"' in sql for sql in page) == 1
    assert sum('FROM "org_office"' in sql for sql in page) == 1
    store_r2()
    store_r2("S2f")
    client.get("/sop/")  # storing revisions renews the per-process caches: warm them again
    with django_assert_num_queries(len(sqls)):
        client.get("/sop/")


@pytest.mark.django_db
def test_the_menu_leads_to_the_sops(client: Client, persona) -> None:
    client.force_login(persona("babel.kasi"))
    assert '<a href="/sop/">SOP</a>' in client.get("/").content.decode()


@pytest.mark.django_db
def test_a_partner_without_office_access_cannot_read_sops(client: Client, persona) -> None:
    client.force_login(persona("metro.mitra.dinsos"))
    assert client.get("/sop/").status_code == 403
    assert client.get("/sop/S3/").status_code == 403
    assert '<a href="/sop/">SOP</a>' not in client.get("/").content.decode()


@pytest.mark.django_db
def test_the_document_page(client: Client, persona) -> None:
    client.force_login(persona("metro.kasi"))  # SOPs of other offices are public documents too
    response = client.get("/sop/S2e/")
    body = response.content.decode()
    assert response.status_code == 200
    assert "<h1>PELAYANAN ONLINE WHATSAPP AKTA KELAHIRAN</h1>" in body
    assert 'href="/sop/S2e/r1.pdf"' in body and "Unduh PDF" in body
    assert "PEMERINTAH KABUPATEN WAY KANAN" in body
    assert body.count('class="sop-symbol"') == 10
    assert '<link rel="stylesheet" href="/static/sop/document.css">' in body
    # The site's Content-Security-Policy allows no inline styles.
    assert "style-src 'self'" in response["Content-Security-Policy"]
    assert " style=" not in body and "<style" not in body


@pytest.mark.django_db
def test_unknown_sops_and_revisions_are_not_found(client: Client, persona) -> None:
    client.force_login(persona("waykanan.operator"))
    for url in ("/sop/S99/", "/sop/S2e/r2/", "/sop/S2e/r2.pdf", "/sop/S99/r1.pdf"):
        assert client.get(url).status_code == 404, url


@pytest.mark.django_db
def test_the_pdf_download(client: Client, persona) -> None:
    client.force_login(persona("waykanan.operator"))
    response = client.get("/sop/S2e/r1.pdf")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="S2e-r1-akta-kelahiran.pdf"'
    assert response.content.startswith(b"%PDF-")


@pytest.mark.django_db
def test_the_revision_history(client: Client, persona) -> None:
    start("S2e")  # a case runs on r1
    r2 = store_r2()
    client.force_login(persona("waykanan.kasi.capil"))
    body = client.get("/sop/S2e/").content.decode()
    history = body[body.index("Riwayat revisi") :]
    rows = re.findall(r'<tr data-revision="(\d+)"[^>]*>(.*?)</tr>', history, re.S)
    assert [number for number, _ in rows] == ["2", "1"]
    r1 = SopRevision.objects.get(code="S2e", revision=1)
    cells = {number: re.findall(r"<td[^>]*>(.*?)</td>", row, re.S) for number, row in rows}
    assert cells["2"][4] == "0" and cells["1"][4] == "1"
    assert r2.checksum[:12] in rows[0][1] and r1.checksum[:12] in rows[1][1]
    assert 'href="/sop/S2e/r1/"' in history and "sedang dilihat" in rows[0][1]
    assert "Maret 2024" in body and 'href="/sop/S2e/r2.pdf"' in body
    assert "bukan revisi terbaru" not in body

    body = client.get("/sop/S2e/r1/").content.decode()
    assert "bukan revisi terbaru" in body and 'href="/sop/S2e/r1.pdf"' in body
    assert "Maret 2024" not in body and 'href="/sop/S2e/r2/"' in body
    response = client.get("/sop/S2e/r2.pdf")
    assert response["Content-Disposition"] == 'attachment; filename="S2e-r2-akta-kelahiran.pdf"'


@pytest.mark.browser
def test_the_flow_is_a_list_of_steps_on_a_phone_and_the_chart_on_a_screen(
    phone_page, live_server
) -> None:
    page = phone_page
    page.goto(f"{live_server.url}/masuk/?next=/sop/S2e/")
    page.get_by_label("Nama pengguna").fill("waykanan.operator")
    page.get_by_label("Kata sandi").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Masuk").click()
    page.wait_for_url(f"{live_server.url}/sop/S2e/")
    # On the phone nothing scrolls sideways: each step is a block that says in words what the
    # picture shows (its actor, the answers of its decision), the picture itself is hidden.
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    scroll = page.locator(".sop-scroll")
    assert scroll.evaluate("e => e.scrollWidth <= e.clientWidth")
    step2 = page.locator('.sop-flow tr[data-step="2"]')
    assert "Pelaksana: Petugas Pelayanan Online" in step2.inner_text()
    assert "Tidak lengkap → kembali ke pemohon" in step2.inner_text()
    assert not step2.locator("svg").is_visible()
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "sop-S2e-phone.png"), full_page=True)
    # On a screen wide enough for it, the flowchart.
    page.set_viewport_size({"width": 1400, "height": 900})
    # Each row is as tall as its picture: the lines of consecutive rows meet.
    rows = page.evaluate(
        """() => Array.from(document.querySelectorAll('.sop-flow tr[data-step]')).map(tr => [
            tr.getBoundingClientRect().height,
            tr.querySelector('svg').getBoundingClientRect().height])"""
    )
    assert len(rows) == 10
    assert all(row <= svg + 1.5 for row, svg in rows), rows
    # The actors' heads sit over their columns of the picture.
    heads = page.evaluate(
        """() => Array.from(document.querySelectorAll('th.sop-h-actor')).map(
            th => th.getBoundingClientRect().width)"""
    )
    width = page.evaluate("document.querySelector('svg.sop-picture').getBoundingClientRect().width")
    assert abs(sum(heads) - width) <= len(heads)
