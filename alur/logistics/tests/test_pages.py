"""The stock pages, requests page and the S1 step panels, as the personas see them."""

from __future__ import annotations

import pytest
from django.contrib.messages import get_messages
from django.db import connection
from django.test.utils import CaptureQueriesContext

from alur.logistics import ledger
from alur.logistics.choices import Item, MovementKind
from alur.logistics.models import BlankRequest, LedgerLine, Shipment
from alur.logistics.services.allocation import available
from alur.logistics.tests.conftest import s1_round
from alur.logistics.tests.test_s1 import drive_to

pytestmark = pytest.mark.django_db


def texts(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def test_the_province_sees_every_kab_kota_stock_with_a_chart(client, persona, office) -> None:
    client.force_login(persona("babel.kabid"))
    body = client.get("/logistik/").content.decode()
    assert "<svg" in body and "Posisi stok" in body
    for child in office("19").children.all():
        assert str(child) in body
        assert f"/logistik/riwayat/{child.code}/ktp_el/" in body
    bangka = office("19.01")
    assert f'<td data-label="Stok">{ledger.balance_of(bangka, Item.KTP_EL)}</td>' in body


def test_a_kab_kota_sees_only_its_own_stock(client, persona, office) -> None:
    client.force_login(persona("bangka.kadis"))
    body = client.get("/logistik/").content.decode()
    assert str(office("19.01")) in body
    assert str(office("19.02")) not in body
    assert client.get("/logistik/riwayat/19.02/ktp_el/").status_code == 404
    assert client.get("/logistik/?kantor=19").status_code == 404
    client.force_login(persona("waykanan.operator"))
    assert "Babel" not in client.get("/logistik/").content.decode()
    client.force_login(persona("metro.mitra.dinsos"))
    assert client.get("/logistik/").status_code == 403


def test_the_stock_page_query_count_does_not_grow_with_lines(
    client, persona, office, django_assert_num_queries
) -> None:
    client.force_login(persona("babel.kabid"))
    client.get("/logistik/")  # warm the per-process caches
    with CaptureQueriesContext(connection) as few:
        client.get("/logistik/")
    for child in office("19").children.all():
        for _ in range(3):
            ledger.movement_post(
                office=child,
                item=Item.KTP_EL,
                kind=MovementKind.RECEIPT,
                quantity=10,
                document_ref="x",
                actor=None,
            )
    with django_assert_num_queries(len(few.captured_queries)):
        client.get("/logistik/")


def test_history_shows_lines_and_reconciles(client, persona, office) -> None:
    client.force_login(persona("bangka.operator"))
    body = client.get("/logistik/riwayat/19.01/ktp_el/").content.decode()
    assert "Rekap cetak KTP-el minggu 1" in body and "cocok" in body and "<svg" in body
    assert "Catat hasil hitung" in body
    client.force_login(persona("babel.kabid"))  # the province reads, does not count here
    assert (
        "Catat hasil hitung" not in client.get("/logistik/riwayat/19.01/ktp_el/").content.decode()
    )


def test_a_negative_count_from_the_page_is_refused(client, persona, office) -> None:
    client.force_login(persona("bangka.operator"))
    lines = LedgerLine.objects.count()
    response = client.post(
        "/logistik/riwayat/19.01/ktp_el/opname/", {"counted": "-5", "document_ref": "BA-SO/1"}
    )
    assert texts(response) == ["Hasil hitung stok (stok opname) tidak boleh negatif."]
    assert LedgerLine.objects.count() == lines
    response = client.post(
        "/logistik/riwayat/19.01/ktp_el/opname/", {"counted": "7", "document_ref": "BA-SO/1"}
    )
    assert texts(response)[-1] == "Hasil stok opname dicatat."
    assert ledger.balance_of(office("19.01"), Item.KTP_EL) == 7
    response = client.post(
        "/logistik/riwayat/19.01/ktp_el/rusak/", {"quantity": "2", "document_ref": "BA-R/1"}
    )
    assert texts(response)[-1] == "Blanko rusak dicatat."
    assert ledger.balance_of(office("19.01"), Item.KTP_EL) == 5


def test_reconciliation_page(client, persona) -> None:
    client.force_login(persona("babel.kabid"))
    body = client.get("/logistik/rekonsiliasi/").content.decode()
    assert "tidak cocok" not in body and body.count("cocok") >= 8


def test_a_kab_kota_submits_a_request_from_the_page(client, persona, office) -> None:
    client.force_login(persona("belitung.operator"))
    response = client.post(
        "/logistik/permohonan/",
        {
            "kantor": "19.02",
            "item": "ktp_el",
            "quantity": "250",
            "backlog": "90",
            "justification": "Perekaman pemilih pemula",
            "letter_number": "470/33/2026",
        },
    )
    assert texts(response) == ["Permohonan blanko dikirim ke provinsi."]
    request = BlankRequest.objects.get(letter_number="470/33/2026")
    assert request.office == office("19.02") and request.backlog == 90
    response = client.post(
        "/logistik/permohonan/", {"kantor": "19.01", "item": "ktp_el", "quantity": "1"}
    )
    assert response.status_code == 403
    client.force_login(persona("babel.kabid"))
    assert "Perekaman pemilih pemula" in client.get("/logistik/permohonan/").content.decode()


def test_the_case_page_shows_the_step_forms_and_they_complete_steps(client, persona) -> None:
    case = s1_round()
    task = drive_to(case, 13)
    client.force_login(persona("babel.penghubung"))
    page = client.get(f"/perkara/{case.reference}/").content.decode()
    assert "Simpan langkah 13" in page and "Nomor surat muatan udara" in page
    assert "Logistik blanko" in page
    response = client.post(
        f"/tugas/{task.pk}/selesai/",
        {"item": "ktp_el", "quantity": "0", "carrier": "Garuda", "waybill": "126-1"},
    )
    assert texts(response) == ["Jumlah yang dikirim harus lebih dari 0."]
    response = client.post(
        f"/tugas/{task.pk}/selesai/",
        {"item": "ktp_el", "quantity": "500", "carrier": "Garuda", "waybill": "126-1"},
    )
    assert texts(response)[-1] == "Langkah selesai; perkara diteruskan."
    shipment = Shipment.objects.get(case=case)
    assert shipment.quantity_shipped == 500
    client.force_login(persona("babel.pelaksana"))
    page = client.get(f"/perkara/{case.reference}/").content.decode()
    assert "jemput di bandara" in page and "126-1" in page


def test_the_kadis_approves_from_the_case_page(client, persona) -> None:
    from alur.logistics.models import Allocation

    case = s1_round()
    drive_to(case, 16)
    allocation = Allocation.objects.get(case=case)
    client.force_login(persona("babel.kabid"))
    assert (
        "Setujui porsi pembagian" not in client.get(f"/perkara/{case.reference}/").content.decode()
    )
    client.force_login(persona("babel.kadis"))
    page = client.get(f"/perkara/{case.reference}/").content.decode()
    assert "Setujui porsi pembagian" in page and "metode sisa terbesar" in page
    data = {f"share_{line.office_id}": line.proposed for line in allocation.lines.all()}
    first = allocation.lines.order_by("office__code").first()
    free = available(allocation.office, Item.KTP_EL, excluding=allocation)
    data[f"share_{first.office_id}"] = free + 1
    response = client.post(f"/logistik/pembagian/{allocation.pk}/setujui/", data | {"reason": "x"})
    assert "melebihi stok Blanko KTP-el yang tersedia" in texts(response)[0]
    data[f"share_{first.office_id}"] = first.proposed
    response = client.post(f"/logistik/pembagian/{allocation.pk}/setujui/", data)
    assert texts(response)[-1] == "Porsi pembagian disetujui."
    allocation.refresh_from_db()
    assert allocation.status == "approved"
