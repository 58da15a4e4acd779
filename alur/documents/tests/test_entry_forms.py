"""The data-entry forms on the case page keep what was typed when an entry is refused, show each
error beside its field (and the list at the top), and find a family by NIK or No. KK."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from alur.documents.models import CitizenDocument
from alur.registry.demo import load_demo_families
from alur.registry.models import Family
from alur.workflow.models import Task
from alur.workflow.services import task_complete
from alur.workflow.tests.drive import holder, run_until_step, start

pytestmark = pytest.mark.django_db

BIRTH_ENTRY = {
    "name": "Putri Ayu",
    "sex": "P",
    "birth_place": "Blambangan Umpu",
    "birth_date": "2026-01-10",
    "marital_status": "belum_kawin",
    "birth_order": "2",
    "applied_on": "2026-01-20",
    "witness_1": "Saksi Pertama",
    "witness_2": "Saksi Kedua",
    "mother_name": "Ibu Uji",
}


def _entry_step(code: str, step: int) -> tuple[Task, Client]:
    task = run_until_step(start(code), step)
    client = Client()
    client.force_login(holder(task))
    return task, client


def _page(client: Client, task: Task) -> str:
    return client.get(f"/perkara/{task.case.reference}/").content.decode()


def test_an_unknown_no_kk_keeps_every_field_and_says_what_to_do_beside_it() -> None:
    task, client = _entry_step("S2e", 6)
    response = client.post(f"/tugas/{task.pk}/selesai/", BIRTH_ENTRY | {"no_kk": "12345"})
    assert response.status_code == 302 and response.url.endswith(f"#tugas-{task.pk}")
    body = _page(client, task)
    for value in ("Putri Ayu", "Blambangan Umpu", "2026-01-10", "Saksi Kedua", "12345"):
        assert f'value="{value}"' in body, value
    # beside the field, and in the list at the top linking to it
    field = body.split('for="id_no_kk"')[1].split('class="field')[0]
    assert "No. KK 12345 tidak terdaftar" in field and "Cari keluarga" in field
    assert 'href="#id_no_kk"' in body and "Isian belum tersimpan" in body
    task.refresh_from_db()
    assert task.status != "done" and not CitizenDocument.objects.filter(case=task.case).exists()
    # shown once: the next visit starts from the application again
    assert 'value="Saksi Kedua"' not in _page(client, task)


def test_a_form_error_is_shown_beside_its_field_with_the_rest_kept() -> None:
    task, client = _entry_step("S2e", 6)
    client.post(f"/tugas/{task.pk}/selesai/", BIRTH_ENTRY | {"birth_date": "kemarin", "no_kk": "1"})
    body = _page(client, task)
    field = body.split('for="id_birth_date"')[1].split('class="field')[0]
    assert "tanggal yang valid" in field.lower() or "Masukkan tanggal" in field
    assert 'value="Saksi Pertama"' in body and 'value="kemarin"' in body


def test_a_family_found_by_nik_fills_the_birth_entry_and_is_entered(
    persona: Callable[[str], Any],
) -> None:
    load_demo_families(2, ["18.08"])
    family = Family.objects.filter(office__code="18.08").order_by("pk").first()
    assert family is not None
    task, client = _entry_step("S2e", 6)
    mother = family.members.get(relation="istri").resident
    url = f"/tugas/{task.pk}/selesai/"
    client.post(url, BIRTH_ENTRY | {"_keluarga": mother.nik, "_cari": "1"})
    body = _page(client, task)
    assert f"KK {family.no_kk}" in body and family.head.name in body and mother.nik in body
    assert 'value="Saksi Kedua"' in body  # the search kept what was typed
    assert "Isian belum tersimpan" not in body  # a search is no refusal

    client.post(url, BIRTH_ENTRY | {"_keluarga": mother.nik, "_pilih": f"kk:{family.no_kk}"})
    body = _page(client, task)
    for value in (family.no_kk, family.head.nik, mother.nik, "Saksi Kedua"):
        assert f'value="{value}"' in body, value

    entry = BIRTH_ENTRY | {
        "no_kk": family.no_kk,
        "father_nik": family.head.nik,
        "mother_nik": mother.nik,
    }
    response = client.post(url, entry)
    assert response.status_code == 302
    task.refresh_from_db()
    assert task.status == "done"
    document = CitizenDocument.objects.get(case=task.case)
    assert document.family == family and document.data["mother"]["nik"] == mother.nik


def test_another_offices_family_is_not_found_nor_chosen(persona: Callable[[str], Any]) -> None:
    load_demo_families(1, ["18.72"])
    metro = Family.objects.get(office__code="18.72")
    task, client = _entry_step("S2e", 6)
    url = f"/tugas/{task.pk}/selesai/"
    client.post(url, BIRTH_ENTRY | {"_keluarga": metro.no_kk, "_cari": "1"})
    body = _page(client, task)
    assert "Tidak ada KK atau penduduk" in body and metro.head.name not in body
    client.post(url, BIRTH_ENTRY | {"_pilih": f"kk:{metro.no_kk}"})
    assert f'value="{metro.no_kk}"' not in _page(client, task)


def test_s2a_chooses_a_resident_in_no_kk_as_the_head_of_a_new_kk(
    persona: Callable[[str], Any],
) -> None:
    from alur.documents.tests.entry import person

    task, client = _entry_step("S2a", 2)
    head = person(task.case.office, None, "Kepala Baru")
    url = f"/tugas/{task.pk}/selesai/"
    client.post(url, {"_keluarga": head.nik, "_cari": "1"})
    body = _page(client, task)
    assert "belum tercatat dalam KK" in body and f"Pilih {head.name}" in body
    client.post(url, {"_keluarga": head.nik, "_pilih": f"nik:{head.nik}"})
    body = _page(client, task)
    assert f'value="{head.nik}"' in body and 'value="Jl. Uji No. 1"' in body


def test_a_refused_correction_keeps_what_was_typed_and_opens_the_form() -> None:
    """The Kasi sends the KK back (Perbaikan): the operator's correction form is on the case
    page; a refused correction comes back with what was typed and the reason beside the field."""
    review = run_until_step(start("S2a"), 3)
    kasi = holder(review)
    task_complete(task=review, actor=kasi, outcome="return", return_to=2, reason="RT belum benar.")
    entry = review.case.tasks.get(step=2, status__in=("open", "claimed"))
    client = Client()
    client.force_login(holder(entry))
    response = client.post(
        f"/dokumen/perkara/{review.case.reference}/koreksi/",
        {
            "koreksi-head_nik": "123",
            "koreksi-address": "Jl. Koreksi No. 9",
            "koreksi-district_code": "18.08.01",
        },
    )
    assert response.url.endswith("#koreksi-isian")
    body = _page(client, entry)
    assert '<details id="koreksi-isian" open>' in body
    assert 'value="Jl. Koreksi No. 9"' in body and "Isian belum tersimpan" in body
