"""The staff page /kotak-keluar/ and the staff retry: audited, within the person's offices."""

import re
from zoneinfo import ZoneInfo

import pytest
from django.contrib.messages import get_messages
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.test.utils import CaptureQueriesContext

from alur.audit.models import AuditEvent
from alur.core.errors import ConflictError
from alur.core.tests.csp import inline_script, inline_style
from alur.org.models import Office
from alur.outbox.choices import MessageStatus
from alur.outbox.delivery import deliver
from alur.outbox.senders import SendError
from alur.outbox.services import message_retry

pytestmark = pytest.mark.django_db

URL = "/kotak-keluar/"
UNREGISTERED = "Nomor tidak terdaftar di WhatsApp atau tidak dapat menerima pesan"


def texts(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


@pytest.fixture
def failed(queue, provider):
    provider.fail_with(SendError(retryable=False, reason=UNREGISTERED, code=131026))
    message = queue()
    deliver(message.pk)
    message.refresh_from_db()
    return message


def test_the_page_lists_the_office_s_messages_masked_failed_first(
    client, persona, queue, provider, failed
) -> None:
    sent = queue(recipient="081298765432", payload={"body": "KK Anda sudah jadi."})
    deliver(sent.pk)
    client.force_login(persona("waykanan.kadis"))
    response = client.get(URL)
    body = response.content.decode()
    assert "6281****7890" in body and "6281****5432" in body
    assert "6281234567890" not in body and "081234567890" not in body
    assert UNREGISTERED in body and "kode 131026" in body
    assert body.index("6281****7890") < body.index("6281****5432")  # failed one first
    assert body.count("Kirim ulang") == 1
    assert "Gagal (1)" in body and "Terkirim (1)" in body
    assert not inline_style(body) and not inline_script(body)
    assert "Pesan keluar" in body  # the menu entry

    only_sent = client.get(URL, {"status": "sent"}).content.decode()
    assert "6281****5432" in only_sent and "6281****7890" not in only_sent


def test_times_are_shown_in_the_office_s_time_zone(client, persona, failed) -> None:
    Office.objects.filter(pk=failed.office_id).update(timezone="Asia/Jayapura")  # WIT, UTC+9
    client.force_login(persona("waykanan.kadis"))
    body = client.get(URL).content.decode()
    for moment in (failed.created_at, failed.failed_at):
        assert moment.astimezone(ZoneInfo("Asia/Jayapura")).strftime("%d-%m-%Y %H:%M") in body
        assert moment.astimezone(ZoneInfo("Asia/Jakarta")).strftime("%d-%m-%Y %H:%M") not in body


def test_staff_retry_is_audited_and_sends_again(
    client, persona, provider, failed, django_capture_on_commit_callbacks
) -> None:
    client.force_login(persona("waykanan.kadis"))
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"{URL}{failed.pk}/kirim-ulang/",
            {"status": "failed", "reason": "Warga sudah mengaktifkan WhatsApp"},
        )
    assert response.status_code == 302 and response["Location"] == f"{URL}?status=failed"
    assert texts(response) == ["Pesan dimasukkan kembali ke antrean dan akan segera dikirim ulang."]
    failed.refresh_from_db()
    assert failed.status == MessageStatus.SENT and failed.attempts == 1
    event = AuditEvent.objects.get(action="outbox.retry", object_id=str(failed.pk))
    assert event.actor == persona("waykanan.kadis")
    assert event.reason == "Warga sudah mengaktifkan WhatsApp"
    assert event.before["status"] == "failed" and event.before["error_code"] == "131026"


def test_only_failed_messages_can_be_retried(persona, queue) -> None:
    message = queue()
    with pytest.raises(ConflictError, match="hanya pesan yang gagal"):
        message_retry(message=message, actor=persona("waykanan.kadis"), reason="")


def test_another_office_cannot_see_or_retry_a_message(client, persona, failed) -> None:
    client.force_login(persona("metro.kadis"))
    assert "6281****7890" not in client.get(URL).content.decode()
    assert client.post(f"{URL}{failed.pk}/kirim-ulang/").status_code == 404
    with pytest.raises(PermissionDenied):
        message_retry(message=failed, actor=persona("metro.kadis"), reason="")
    failed.refresh_from_db()
    assert failed.status == MessageStatus.FAILED
    assert not AuditEvent.objects.filter(action="outbox.retry").exists()


def test_staff_without_the_capability_get_no_page(client, persona, failed) -> None:
    client.force_login(persona("waykanan.operator"))
    assert client.get(URL).status_code == 403
    assert client.post(f"{URL}{failed.pk}/kirim-ulang/").status_code == 404
    assert "Pesan keluar" not in client.get("/").content.decode()


def test_the_page_query_count_does_not_grow_with_messages(
    client, persona, queue, provider, django_assert_num_queries
) -> None:
    for _ in range(2):
        queue()
    client.force_login(persona("waykanan.kadis"))
    client.get(URL)  # warm the per-process caches
    with CaptureQueriesContext(connection) as few:
        client.get(URL)
    for i in range(10):
        message = queue(recipient=f"0812000000{i:02d}")
        if i % 2:
            deliver(message.pk)
    with django_assert_num_queries(len(few.captured_queries)):
        body = client.get(URL).content.decode()
    assert len(re.findall(r"6281\*\*\*\*", body)) == 12
