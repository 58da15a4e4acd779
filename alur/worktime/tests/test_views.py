"""The office page's calendar forms: the messages a person sees, and what is written."""

import pytest
from django.contrib.messages import get_messages

from alur.audit.models import AuditEvent
from alur.worktime.models import Closure, WeeklyHours

CLOSURE = {
    "starts_on": "2031-05-06",
    "starts_time": "07:30",
    "ends_on": "2031-05-07",
    "ends_time": "16:00",
    "reason": "Pemadaman listrik terjadwal",
}


def texts(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


@pytest.mark.django_db
def test_a_kadis_records_a_closure_in_local_time(client, persona, office) -> None:
    client.force_login(persona("waykanan.kadis"))
    response = client.post("/kantor/18.08/penutupan/", CLOSURE)
    assert response.status_code == 302
    closure = Closure.objects.get(office=office("18.08"))
    assert closure.starts_at.isoformat() == "2031-05-06T00:30:00+00:00"  # 07:30 WIB
    assert any("dicatat" in t for t in texts(response))
    page = client.get("/kantor/18.08/").content.decode()
    assert "Pemadaman listrik terjadwal" in page


@pytest.mark.django_db
def test_an_overlapping_closure_is_refused_with_its_reason(client, persona, office) -> None:
    client.force_login(persona("waykanan.kadis"))
    client.post("/kantor/18.08/penutupan/", CLOSURE)
    second = {**CLOSURE, "starts_on": "2031-05-07", "ends_on": "2031-05-08", "reason": "Rapat"}
    response = client.post("/kantor/18.08/penutupan/", second)
    assert any("bertumpuk dengan penutupan lain" in t for t in texts(response))
    assert Closure.objects.filter(office=office("18.08")).count() == 1


@pytest.mark.django_db
def test_an_operator_cannot_change_the_calendar(client, persona, office) -> None:
    client.force_login(persona("waykanan.operator"))
    before = AuditEvent.objects.count()
    response = client.post("/kantor/18.08/penutupan/", CLOSURE)
    assert any("tidak memiliki wewenang" in t for t in texts(response))
    assert not Closure.objects.filter(office=office("18.08")).exists()
    assert AuditEvent.objects.count() == before
    assert "Catat penutupan" not in client.get("/kantor/18.08/").content.decode()


@pytest.mark.django_db
def test_another_office_cannot_post_to_this_calendar(client, persona) -> None:
    client.force_login(persona("metro.kadis"))
    assert client.post("/kantor/18.08/penutupan/", CLOSURE).status_code == 404


@pytest.mark.django_db
def test_hours_are_edited_with_a_reason_and_incomplete_forms_explain(
    client, persona, office
) -> None:
    client.force_login(persona("waykanan.sekretaris"))
    response = client.post(
        "/kantor/18.08/jam-kerja/",
        {"weekday": 0, "opens": "08:00", "closes": "15:00", "reason": "Jam layanan"},
    )
    assert any("diperbarui" in t for t in texts(response))
    assert WeeklyHours.objects.filter(office=office("18.08")).count() == 5  # default kept Tue-Fri
    response = client.post("/kantor/18.08/jam-kerja/", {"weekday": 1, "reason": "x"})
    assert any("Isi jam buka" in t for t in texts(response))


@pytest.mark.django_db
def test_a_kadis_goes_back_to_the_national_hours_from_the_office_page(
    client, persona, office
) -> None:
    waykanan = office("18.08")
    client.force_login(persona("waykanan.kadis"))
    assert "Kembali ke jam kerja bawaan" not in client.get("/kantor/18.08/").content.decode()
    hours = {"weekday": "4", "opens": "08:00", "closes": "11:00", "reason": "Jumat pendek"}
    client.post("/kantor/18.08/jam-kerja/", hours)
    assert WeeklyHours.objects.filter(office=waykanan).exists()
    assert "Kembali ke jam kerja bawaan" in client.get("/kantor/18.08/").content.decode()
    response = client.post("/kantor/18.08/jam-kerja/bawaan/", {"reason": " "})
    assert texts(response)[-1] == "Alasan wajib diisi."
    assert WeeklyHours.objects.filter(office=waykanan).exists()
    response = client.post("/kantor/18.08/jam-kerja/bawaan/", {"reason": "Ikut Perpres"})
    assert texts(response)[-1] == "Jam kerja kembali ke jam kerja bawaan (Perpres 21/2023)."
    assert not WeeklyHours.objects.filter(office=waykanan).exists()
    event = AuditEvent.objects.filter(action="weekly_hours.reset").latest("pk")
    assert event.reason == "Ikut Perpres"
    response = client.post("/kantor/18.08/jam-kerja/bawaan/", {"reason": "Lagi"})
    assert texts(response)[-1].startswith("Kantor sudah memakai jam kerja bawaan")


@pytest.mark.django_db
def test_an_operator_cannot_reset_the_hours(client, persona) -> None:
    client.force_login(persona("waykanan.kadis"))
    client.post(
        "/kantor/18.08/jam-kerja/",
        {"weekday": "4", "opens": "08:00", "closes": "11:00", "reason": "Jumat pendek"},
    )
    client.force_login(persona("waykanan.operator"))
    assert "Kembali ke jam kerja bawaan" not in client.get("/kantor/18.08/").content.decode()
    response = client.post("/kantor/18.08/jam-kerja/bawaan/", {"reason": "Ikut Perpres"})
    assert any("tidak memiliki wewenang" in t for t in texts(response))
    assert WeeklyHours.objects.filter(office__code="18.08").exists()
