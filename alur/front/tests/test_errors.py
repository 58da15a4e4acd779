"""The error pages: Bahasa Indonesia inside the staff shell, never Django's debug page."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from django.db import OperationalError
from django.test import Client

from alur.core.middleware import DATABASE_UNAVAILABLE
from alur.front import errors

ROOT = Path(__file__).resolve().parents[3]
ENGLISH = re.compile(
    r"\b(Forbidden|Not Found|Page not found|Server Error|Traceback|Bad Request|"
    r"Service Unavailable|CSRF verification|Reason given|URLconf)\b"
)


def text_of(response: Any) -> str:
    body = response.content.decode()
    assert not ENGLISH.search(body), ENGLISH.search(body)
    return body


def test_make_run_has_debug_off_unless_asked() -> None:
    """`make run` sets nothing: the settings it gets must not show Django's debug page."""
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("DEBUG", "ALUR_ENV"))}
    code = "import alur.settings as s; print(s.DEBUG, s.WHITENOISE_USE_FINDERS)"
    run = subprocess.run(
        [sys.executable, "-c", code], env=clean, cwd=ROOT, capture_output=True, text=True
    )
    assert run.returncode == 0, run.stderr
    assert run.stdout.split() == ["False", "True"]  # and the static files are still served


@pytest.mark.django_db
def test_an_unknown_address_answers_404_in_bahasa_inside_the_shell(client, persona) -> None:
    client.force_login(persona("waykanan.operator"))
    response = client.get("/tidak-ada-di-sini/")
    body = text_of(response)
    assert response.status_code == 404
    assert "Halaman tidak ditemukan" in body and errors.NOT_FOUND in body
    assert "Keluar (waykanan.operator)" in body  # the menu of the shell
    assert "/static/front/alur.css" in body


@pytest.mark.django_db
def test_another_offices_record_answers_the_same_404(client, persona) -> None:
    client.force_login(persona("waykanan.operator"))
    response = client.get("/kantor/18.72/")  # Kota Metro: not one of the operator's offices
    assert response.status_code == 404 and "Halaman tidak ditemukan" in text_of(response)


@pytest.mark.django_db
def test_signed_out_the_404_offers_the_login(client) -> None:
    response = client.get("/tidak-ada-di-sini/")
    body = text_of(response)
    assert response.status_code == 404 and "/masuk/?next=/tidak-ada-di-sini/" in body
    assert "Keluar (" not in body


@pytest.mark.django_db
def test_a_partner_at_a_staff_page_is_told_where_to_go(client, persona) -> None:
    client.force_login(persona("metro.mitra.dinsos"))
    response = client.get("/naskah/")  # the letters are staff work
    body = text_of(response)
    assert response.status_code == 403
    assert "Halaman ini bukan untuk Anda" in body
    assert "Anda tidak memiliki wewenang" in body  # the view's own reason
    assert "Halaman yang dapat Anda buka" in body
    assert 'href="/siaga/mitra/">Rujukan penduduk rentan</a>' in body
    assert "Keluar (metro.mitra.dinsos)" in body


@pytest.mark.django_db
def test_the_partners_home_links_no_office_page_they_cannot_open(client, persona) -> None:
    client.force_login(persona("metro.mitra.dinsos"))
    body = client.get("/").content.decode()
    assert "Disdukcapil Kota Metro" in body and "/kantor/18.72/" not in body
    client.force_login(persona("metro.kasi"))
    assert "/kantor/18.72/" in client.get("/").content.decode()


@pytest.mark.django_db
def test_a_refusal_without_a_reason_gets_the_default_in_bahasa(rf, persona) -> None:
    from django.core.exceptions import PermissionDenied

    request = rf.get("/apa-saja/")
    request.user = persona("waykanan.operator")
    response = errors.permission_denied(request, PermissionDenied())
    assert response.status_code == 403 and errors.DENIED in text_of(response)


@pytest.mark.django_db
def test_a_stale_form_answers_403_in_bahasa_and_keeps_nothing() -> None:
    client = Client(enforce_csrf_checks=True)
    response = client.post(
        "/masuk/",
        {"username": "waykanan.operator", "password": "x"},
        HTTP_REFERER="http://testserver/masuk/?next=/tugas/",
    )
    body = text_of(response)
    assert response.status_code == 403
    assert "Formulir kedaluwarsa" in body and errors.CSRF_EXPIRED in body
    assert 'href="http://testserver/masuk/?next=/tugas/">Buka lagi formulirnya' in body
    elsewhere = client.post("/masuk/", {}, HTTP_REFERER="https://penyerang.example/")
    assert "penyerang" not in elsewhere.content.decode()  # only a way back to our own pages


@pytest.mark.django_db
def test_a_bug_answers_500_in_bahasa_inside_the_shell(persona, monkeypatch) -> None:
    def broken(user: Any) -> None:
        raise RuntimeError("a bug")

    monkeypatch.setattr("alur.front.views.positions_of", broken)
    client = Client(raise_request_exception=False)
    client.force_login(persona("waykanan.kadis"))
    response = client.get("/")
    body = text_of(response)
    assert response.status_code == 500
    assert "Terjadi kesalahan di server" in body and errors.SERVER_ERROR in body
    assert "Keluar (waykanan.kadis)" in body


@pytest.mark.django_db
def test_a_500_whose_shell_breaks_too_is_still_a_page(persona, monkeypatch) -> None:
    def broken(user: Any) -> None:
        raise RuntimeError("the menu broke")

    monkeypatch.setattr("alur.front.context_processors.items_for", broken)
    client = Client(raise_request_exception=False)
    client.force_login(persona("waykanan.kadis"))
    response = client.get("/")
    body = text_of(response)
    assert response.status_code == 500 and errors.SERVER_ERROR in body
    assert "Keluar (" not in body  # drawn without the request's context


@pytest.mark.django_db
def test_a_lost_database_answers_a_503_page_to_a_browser(persona, monkeypatch) -> None:
    def lost(user: Any) -> None:
        raise OperationalError("server closed the connection unexpectedly")

    monkeypatch.setattr("alur.front.views.positions_of", lost)
    client = Client()
    client.force_login(persona("waykanan.kadis"))
    response = client.get("/?tab=1", HTTP_ACCEPT="text/html,application/xhtml+xml")
    body = text_of(response)
    assert response.status_code == 503 and response["Retry-After"] == "5"
    assert response["Content-Type"].startswith("text/html")
    assert "Layanan sementara terganggu" in body and DATABASE_UNAVAILABLE in body
    assert 'href="/?tab=1">Coba lagi</a>' in body
    sent = client.post(
        "/", {}, HTTP_ACCEPT="text/html", HTTP_REFERER="http://testserver/naskah/baru/"
    )  # a form sent: "Coba lagi" opens the form's page again, not its address
    assert sent.status_code == 503 and 'href="http://testserver/naskah/baru/">Coba lagi' in text_of(
        sent
    )
    # A machine (no HTML in Accept) reads the sentence alone.
    plain = client.get("/")
    assert plain.status_code == 503 and plain.content.decode() == DATABASE_UNAVAILABLE


@pytest.mark.django_db
def test_a_bad_request_answers_400_in_bahasa(client) -> None:
    response = client.get("/", HTTP_HOST="penyerang.example")  # outside ALLOWED_HOSTS
    assert response.status_code == 400 and "Permintaan tidak dapat diproses" in text_of(response)


@pytest.mark.django_db
def test_opening_a_forms_address_answers_405_in_bahasa(client, persona) -> None:
    client.force_login(persona("waykanan.operator"))
    response = client.get("/keluar/", HTTP_ACCEPT="text/html")  # logging out is a POST
    body = text_of(response)
    assert response.status_code == 405 and "hanya menerima kiriman formulir" in body
    assert "Keluar (waykanan.operator)" in body
    assert client.get("/keluar/").content == b""  # machines keep the bare answer
