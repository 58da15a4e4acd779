"""The channels' senders: WhatsApp through the real transport and the local Graph API server,
e-mail through Django's mail backends."""

from smtplib import SMTPRecipientsRefused, SMTPServerDisconnected

import pytest

from alur.outbox.choices import Channel, Kind
from alur.outbox.models import OutboundMessage
from alur.outbox.senders import SendError, receipt_error, send_email, send_whatsapp
from alur.outbox.tests.conftest import AKTA_LAHIR, control

CITIZEN = "6281234567890"


def whatsapp(kind: str, payload: dict, to: str = CITIZEN) -> OutboundMessage:
    return OutboundMessage(
        channel=Channel.WHATSAPP, kind=kind, sender=AKTA_LAHIR, recipient=to, payload=payload
    )


def accepted(graph) -> list[dict]:
    return control(graph, "messages", method="GET")["data"]


@pytest.mark.django_db  # a template is checked against the synced ones
def test_each_kind_goes_out_as_the_cloud_api_expects(graph) -> None:
    control(graph, "inbound", {"from": CITIZEN, "phone_number_id": AKTA_LAHIR})
    text_id = send_whatsapp(whatsapp(Kind.TEXT, {"body": "Akta Anda sudah jadi."}))
    template = {"name": "akta_selesai", "language": "id", "components": []}
    template_id = send_whatsapp(whatsapp(Kind.TEMPLATE, template))
    document = {"link": "https://alur.example/a.pdf", "filename": "akta.pdf", "caption": "Akta"}
    document_id = send_whatsapp(whatsapp(Kind.DOCUMENT, document))
    seen = {m["id"]: m for m in accepted(graph)}
    assert set(seen) == {text_id, template_id, document_id}
    assert seen[text_id]["message"]["text"]["body"] == "Akta Anda sudah jadi."
    assert seen[template_id]["message"]["template"]["name"] == "akta_selesai"
    assert seen[template_id]["message"]["template"]["language"] == {"code": "id"}
    sent_document = seen[document_id]["message"]["document"]
    assert sent_document["filename"] == "akta.pdf" and sent_document["caption"] == "Akta"
    assert {m["to"] for m in seen.values()} == {CITIZEN}


def test_a_closed_window_is_permanent_with_its_code(graph) -> None:
    with pytest.raises(SendError) as refused:
        send_whatsapp(whatsapp(Kind.TEXT, {"body": "halo"}))
    assert (refused.value.retryable, refused.value.code) == (False, 131047)
    assert "24 jam" in refused.value.reason


@pytest.mark.django_db  # a template is checked against the synced ones
def test_throttling_and_outages_are_retryable(graph) -> None:
    control(graph, "faults", {"mode": "http_status", "status": 429, "retry_after": 30, "count": 1})
    with pytest.raises(SendError) as throttled:
        send_whatsapp(whatsapp(Kind.TEMPLATE, {"name": "akta_selesai"}))
    assert throttled.value.retryable and throttled.value.retry_after == 30
    control(graph, "faults", {"mode": "down", "count": 1})
    with pytest.raises(SendError) as down:
        send_whatsapp(whatsapp(Kind.TEMPLATE, {"name": "akta_selesai"}))
    assert down.value.retryable and "503" in down.value.reason
    assert accepted(graph) == []


def test_a_failed_receipt_reads_like_the_refused_call() -> None:
    error = receipt_error({"code": 131047, "title": "Re-engagement message"})
    assert (error.retryable, error.code) == (False, 131047) and "24 jam" in error.reason
    assert receipt_error({}).code is None


def email(kind: str = Kind.TEXT, **payload) -> OutboundMessage:
    return OutboundMessage(
        channel=Channel.EMAIL,
        kind=kind,
        sender="dukcapil@waykanankab.go.id",
        recipient="kabid@waykanankab.go.id",
        payload={"subject": "Laporan mingguan", "body": "Terlampir laporan."} | payload,
    )


def test_an_email_is_sent_with_its_message_id(mailoutbox) -> None:
    message_id = send_email(email())
    [sent] = mailoutbox
    assert sent.to == ["kabid@waykanankab.go.id"] and sent.subject == "Laporan mingguan"
    assert sent.from_email == "dukcapil@waykanankab.go.id"
    assert sent.extra_headers["Message-ID"] == message_id


def test_an_email_document_attaches_the_stored_file(mailoutbox, settings, tmp_path) -> None:
    settings.MEDIA_ROOT = tmp_path
    (tmp_path / "laporan").mkdir()
    (tmp_path / "laporan" / "minggu-47.pdf").write_bytes(b"%PDF-1.7 laporan")
    send_email(email(Kind.DOCUMENT, path="laporan/minggu-47.pdf"))
    [(filename, content, mimetype)] = mailoutbox[0].attachments
    assert (filename, content, mimetype) == (
        "minggu-47.pdf",
        b"%PDF-1.7 laporan",
        "application/pdf",
    )
    with pytest.raises(SendError) as missing:
        send_email(email(Kind.DOCUMENT, path="laporan/hilang.pdf", filename="hilang.pdf"))
    assert not missing.value.retryable and "hilang.pdf" in missing.value.reason


class RefusingBackend:
    """An SMTP server that refuses as told (the class attribute `error`)."""

    error: Exception = SMTPServerDisconnected("Connection unexpectedly closed")

    def __init__(self, **kwargs) -> None:
        pass

    def send_messages(self, messages) -> int:
        raise self.error


@pytest.mark.parametrize(
    ("error", "retryable", "code"),
    [
        (SMTPServerDisconnected("closed"), True, None),
        (ConnectionRefusedError(111, "Connection refused"), True, None),
        (SMTPRecipientsRefused({"kabid@waykanankab.go.id": (450, b"mailbox busy")}), True, 450),
        (SMTPRecipientsRefused({"kabid@waykanankab.go.id": (550, b"no such user")}), False, 550),
    ],
)
def test_smtp_errors_say_whether_a_retry_can_help(
    settings, monkeypatch, error, retryable, code
) -> None:
    settings.EMAIL_BACKEND = f"{__name__}.RefusingBackend"
    monkeypatch.setattr(RefusingBackend, "error", error)
    with pytest.raises(SendError) as refused:
        send_email(email())
    assert (refused.value.retryable, refused.value.code) == (retryable, code)
