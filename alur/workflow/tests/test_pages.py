import pytest
from django.contrib.messages import get_messages

from alur.workflow.choices import TaskStatus
from alur.workflow.tests.drive import run_until_step, start


def texts(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


@pytest.mark.django_db
def test_the_inbox_shows_a_post_its_tasks_by_due_time(client, persona) -> None:
    task = run_until_step(start("S2e"), 3)
    client.force_login(persona("waykanan.kasi.capil"))
    body = client.get("/tugas/").content.decode()
    assert task.case.reference in body and "Tepat waktu" in body
    assert "Bidang Pelayanan Pencatatan Sipil" in body  # the unit the task went to
    # Not the Kasi of the other bidang, not another post, not another office.
    for other in ("waykanan.kasi.dafduk", "waykanan.operator", "metro.kasi"):
        client.force_login(persona(other))
        assert task.case.reference not in client.get("/tugas/").content.decode(), other


@pytest.mark.django_db
def test_the_inbox_query_count_does_not_grow_with_tasks(
    client, persona, django_assert_num_queries
) -> None:
    client.force_login(persona("waykanan.kasi.capil"))
    for _ in range(2):
        run_until_step(start("S2e"), 3)
    client.get("/tugas/")  # warm the per-process caches
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as few:
        client.get("/tugas/")
    for _ in range(6):
        run_until_step(start("S2e"), 3)
    with django_assert_num_queries(len(few.captured_queries)):
        response = client.get("/tugas/")
    assert response.content.decode().count("Buka perkara") == 8


@pytest.mark.django_db
def test_claim_and_complete_from_the_pages(client, persona) -> None:
    task = run_until_step(start("S2e"), 3)
    client.force_login(persona("waykanan.kasi.capil"))
    response = client.post(f"/tugas/{task.pk}/ambil/", {"next": "inbox"})
    assert response["Location"] == "/tugas/" and texts(response) == ["Tugas diambil."]
    page = client.get(f"/perkara/{task.case.reference}/").content.decode()
    assert "Simpan hasil langkah 3" in page and "Mutu baku" in page
    response = client.post(f"/tugas/{task.pk}/selesai/", {"outcome": "return", "return_to": "2"})
    assert texts(response)[-1] == "Tuliskan alasan pengembalian atau penolakan."
    response = client.post(
        f"/tugas/{task.pk}/selesai/",
        {"outcome": "return", "return_to": "2", "reason": "Nama ayah tidak sesuai KK"},
    )
    assert texts(response)[-1] == "Perkara dikembalikan."
    task.refresh_from_db()
    assert task.status == TaskStatus.DONE and task.return_to == "2"
    again = client.post(f"/tugas/{task.pk}/selesai/", {"outcome": "done"})
    assert "sudah ditangani oleh Lina Marlina" in texts(again)[-1]
    page = client.get(f"/perkara/{task.case.reference}/").content.decode()
    assert "Nama ayah tidak sesuai KK" in page


@pytest.mark.django_db
def test_another_office_cannot_see_or_touch_a_case(client, persona) -> None:
    task = run_until_step(start("S2e"), 3)
    client.force_login(persona("metro.kasi"))
    assert client.get(f"/perkara/{task.case.reference}/").status_code == 404
    assert client.post(f"/tugas/{task.pk}/selesai/", {"outcome": "done"}).status_code == 404
    assert client.post(f"/tugas/{task.pk}/ambil/").status_code == 404
    task.refresh_from_db()
    assert task.status == TaskStatus.OPEN


@pytest.mark.django_db
def test_a_claimed_task_can_be_released_for_a_colleague(client, persona) -> None:
    task = run_until_step(start("S2a"), 3)  # both Kasi of Pendaftaran Penduduk may take it
    client.force_login(persona("waykanan.kasi.dafduk"))
    client.post(f"/tugas/{task.pk}/ambil/")
    assert "Lepas tugas" in client.get(f"/perkara/{task.case.reference}/").content.decode()
    response = client.post(f"/tugas/{task.pk}/lepas/")
    assert texts(response)[-1].startswith("Tugas dilepas")
    task.refresh_from_db()
    assert task.status == TaskStatus.OPEN and task.assignee is None
    client.force_login(persona("waykanan.kasi.pindah"))
    response = client.post(f"/tugas/{task.pk}/ambil/")
    assert texts(response)[-1] == "Tugas diambil."
    # The colleague holds it now: the first Kasi cannot release it.
    client.force_login(persona("waykanan.kasi.dafduk"))
    response = client.post(f"/tugas/{task.pk}/lepas/")
    assert "sedang dikerjakan oleh Joko Prasetyo" in texts(response)[-1]


@pytest.mark.django_db
def test_a_long_inbox_shows_the_tasks_due_first_and_says_how_many_wait(
    client, persona, monkeypatch
) -> None:
    from alur.workflow import views

    monkeypatch.setattr(views, "INBOX_PAGE", 3)  # a page of three instead of fifty
    tasks = [run_until_step(start("S2e"), 3) for _ in range(4)]
    client.force_login(persona("waykanan.kasi.capil"))
    body = client.get("/tugas/").content.decode()
    assert body.count("Buka perkara") == 3
    assert "Menampilkan 3 dari 4 tugas" in body
    assert tasks[-1].case.reference not in body  # the latest is due last
