import pytest
from django.test import override_settings

from alur.org.demo import DEMO_PASSWORD


def login(client, username: str, password: str):
    return client.post("/masuk/", {"username": username, "password": password}, follow=True)


@pytest.mark.django_db
def test_a_persona_logs_in_and_sees_offices_and_positions(client) -> None:
    response = login(client, "waykanan.kasi.capil", DEMO_PASSWORD)
    body = response.content.decode()
    assert response.redirect_chain[-1][0] == "/"
    assert "Selamat datang, Lina Marlina, S.H." in body
    assert "Disdukcapil Kab. Way Kanan" in body
    assert "Kepala Seksi Kelahiran dan Kematian" in body
    assert "Pelaksana Tugas (Plt.)" in body  # the acting Kabid post


@pytest.mark.django_db
def test_a_wrong_password_gets_a_clear_message(client) -> None:
    response = login(client, "waykanan.operator", "salah-sekali-123")
    assert "Nama pengguna atau kata sandi salah" in response.content.decode()
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
@override_settings(AXES_FAILURE_LIMIT=3)
def test_a_failed_login_storm_locks_the_account_for_that_address(client) -> None:
    for _ in range(3):
        login(client, "waykanan.kadis", "tebak-tebak-123")
    response = login(client, "waykanan.kadis", DEMO_PASSWORD)  # even the right password now
    assert response.status_code == 429
    assert "Terlalu banyak percobaan masuk" in response.content.decode()
    assert "_auth_user_id" not in client.session
    # Another account from the same address is not locked.
    assert login(client, "waykanan.operator", DEMO_PASSWORD).redirect_chain[-1][0] == "/"


@pytest.mark.django_db
def test_pages_need_a_login(client) -> None:
    response = client.get("/")
    assert response.status_code == 302 and response["Location"].startswith("/masuk/")
    assert client.get("/kantor/18.08/").status_code == 302


@pytest.mark.django_db
def test_responses_carry_security_headers(client) -> None:
    response = client.get("/masuk/")
    assert "default-src 'self'" in response["Content-Security-Policy"]
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"


@pytest.mark.django_db
def test_the_office_page_shows_staff_and_acting_holders(client, persona) -> None:
    client.force_login(persona("waykanan.operator"))
    body = client.get("/kantor/18.08/").content.decode()
    assert "PEMERINTAH KABUPATEN WAY KANAN" in body
    assert "Kepala Bidang Pelayanan Pencatatan Sipil" in body and "Plt." in body
    assert "Jejak audit kantor" not in body  # an operator does not read the audit trail


@pytest.mark.django_db
def test_the_audit_page_lists_the_office_events(client, persona) -> None:
    client.force_login(persona("waykanan.kadis"))
    body = client.get("/kantor/18.08/audit/").content.decode()
    assert "appointment.create" in body and "office.create" in body


def test_the_liveness_endpoint_answers_without_a_session(client) -> None:
    response = client.get("/sehat/")
    assert response.status_code == 200 and response.content == b"ok"
    assert client.post("/sehat/").status_code == 405
