"""A citizen applies for an akta kelahiran over WhatsApp, end to end.

The citizen's messages arrive at our webhook as Meta sends them; their documents are uploaded to
the local Graph API server and fetched from it by media id; our replies go out through the outbox
to the same server, which records them.
"""

import hashlib
from datetime import timedelta

import httpx
import pytest
from django.conf import settings
from django.core.files.storage import default_storage
from django.utils import timezone

from alur.intake.models import Application
from alur.intake.tests.samples import pdf
from alur.whatsapp.models import Conversation
from alur.whatsapp_cloud import payloads, transport
from alur.workflow.choices import CaseStatus
from peers.graph_api.server import start_server

CITIZEN = "6281234567890"
AKTA_LAHIR = ("108117961700", "628117961700")
NIK = "1808015503950001"  # Way Kanan, born 15-03-1995, female


@pytest.fixture
def graph(settings):
    running = start_server(port=0, app_secret=settings.WHATSAPP_APP_SECRET)
    settings.WHATSAPP_API_BASE = running.base_url
    httpx.post(running.control("inbound"), json={"from": CITIZEN})  # the 24-hour window is open
    yield running
    running.stop()


@pytest.fixture
def citizen(client, graph, django_capture_on_commit_callbacks):
    """Send a message as the citizen; returns the texts our side queued in answer."""

    def send(
        text: str | None = None, *, document: bytes | None = None, message: dict | None = None
    ) -> list[str]:
        from alur.outbox.models import OutboundMessage

        last = OutboundMessage.objects.order_by("-id").values_list("id", flat=True).first() or 0
        if message is not None:
            pass
        elif document is not None:
            media_id = transport.upload_media(AKTA_LAHIR[0], document, "application/pdf", "b.pdf")
            message = payloads.document_message(
                CITIZEN,
                media_id=media_id,
                mime_type="application/pdf",
                sha256=hashlib.sha256(document).hexdigest(),
                filename="berkas.pdf",
            )
        else:
            message = payloads.text_message(CITIZEN, text or "")
        body = payloads.encode(
            payloads.message_notification(
                phone_number_id=AKTA_LAHIR[0], display_phone_number=AKTA_LAHIR[1], message=message
            )
        )
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(
                "/whatsapp/webhook/",
                body,
                content_type="application/json",
                **{
                    "HTTP_X_HUB_SIGNATURE_256": payloads.signature_header(
                        body, settings.WHATSAPP_APP_SECRET
                    )["X-Hub-Signature-256"]
                },
            )
        assert response.status_code == 200
        return _replies(after=last)

    return send


def _replies(after: int = 0) -> list[str]:
    from alur.outbox.models import OutboundMessage

    rows = OutboundMessage.objects.filter(recipient=CITIZEN, id__gt=after).order_by("id")
    return [row.payload.get("body", "") for row in rows]


@pytest.mark.django_db
def test_a_citizen_applies_for_an_akta_kelahiran_and_asks_its_status(
    citizen, graph, client
) -> None:
    opening = citizen("Halo, saya mau urus akta kelahiran anak")
    assert "nomor WhatsApp resmi" in opening[0] and "BERHENTI" in opening[0]  # what it is for
    assert "Permohonan Akta kelahiran" in opening[1] and "Surat keterangan lahir" in opening[1]
    assert opening[-1].startswith("Nama pemohon")
    assert citizen("Siti Aminah")[-1].startswith("NIK pemohon")
    wrong = citizen("1234")
    assert "16" in wrong[0] and wrong[-1].startswith("NIK pemohon")  # asked again, nothing lost
    assert citizen(NIK)[-1].startswith("Nomor HP")
    assert citizen("SAMA")[-1].startswith("Nama anak")
    assert citizen("Putri Aminah")[-1].startswith("Tanggal lahir anak")
    assert (
        "masa depan" in citizen((timezone.localdate() + timedelta(days=3)).strftime("%d-%m-%Y"))[0]
    )
    asked = citizen((timezone.localdate() - timedelta(days=10)).strftime("%d-%m-%Y"))
    assert asked[-1].startswith("Tempat lahir anak")
    first_file = citizen("Blambangan Umpu")
    assert first_file[-1].startswith("Kirim foto atau PDF: Surat keterangan lahir")
    fake = citizen(document=b"MZ\x90\x00 not a pdf at all")
    assert "bukan PDF" in fake[0] or "tidak" in fake[0].lower()
    conversation = Conversation.objects.get(citizen=CITIZEN)
    for _ in range(6):
        conversation.refresh_from_db()
        if conversation.state != "files":
            break
        citizen(document=pdf())
    conversation.refresh_from_db()
    assert conversation.state == "confirm"
    done = citizen("YA")
    application = Application.objects.get(applicant_phone=CITIZEN)
    case = application.case
    assert case.reference in done[-1] and case.status == CaseStatus.OPEN
    assert application.channel == "whatsapp" and application.applicant_nik == NIK
    assert application.attachments.count() >= 3
    status = citizen("STATUS")
    assert case.reference in status[-1] and "Langkah sekarang" in status[-1]
    # ... and on the public status page, with the last four digits of the phone.
    page = client.post("/lacak/", {"reference": case.reference, "last4": CITIZEN[-4:]})
    text = page.content.decode()
    assert page.status_code == 200 and "Akta kelahiran" in text and "Siti" not in text
    # Every reply reached the citizen through the outbox and the Graph API.
    sent = httpx.get(graph.control("messages"), params={"to": CITIZEN}).json()
    bodies = [
        m["message"].get("text", {}).get("body")
        or m["message"].get("interactive", {}).get("body", {}).get("text", "")
        for m in sent["data"]
    ]
    assert any(case.reference in body for body in bodies)


@pytest.mark.django_db
def test_an_idle_conversation_starts_again_and_says_so(citizen) -> None:
    citizen("Halo")
    citizen("Siti")
    Conversation.objects.filter(citizen=CITIZEN).update(
        updated_at=timezone.now()
        - timedelta(minutes=settings.WHATSAPP_CONVERSATION_IDLE_MINUTES + 1)
    )
    replies = citizen("1808015503950001")
    assert "berakhir" in replies[0]
    # Back at the menu: a new form starts only when the citizen asks for it.
    assert "Mulai permohonan" in replies[-1]
    conversation = Conversation.objects.get(citizen=CITIZEN)
    assert conversation.state == "menu" and conversation.data == {}


@pytest.mark.django_db
def test_a_sticker_is_answered_politely(client, graph, django_capture_on_commit_callbacks) -> None:
    message = {
        "from": CITIZEN,
        "id": "wamid.STICKER",
        "timestamp": "1795400000",
        "type": "sticker",
        "sticker": {"id": "S1", "mime_type": "image/webp"},
    }
    body = payloads.encode(
        payloads.message_notification(
            phone_number_id=AKTA_LAHIR[0], display_phone_number=AKTA_LAHIR[1], message=message
        )
    )
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            "/whatsapp/webhook/",
            body,
            content_type="application/json",
            HTTP_X_HUB_SIGNATURE_256=payloads.signature_header(body, settings.WHATSAPP_APP_SECRET)[
                "X-Hub-Signature-256"
            ],
        )
    assert any("hanya dapat membaca" in r for r in _replies())


@pytest.mark.django_db
def test_returned_for_missing_papers_the_citizen_sends_them_and_hears_when_done(
    citizen, persona
) -> None:
    from alur.intake.services import application_submit
    from alur.org.models import Office
    from alur.whatsapp_cloud.models import BusinessNumber
    from alur.workflow import services
    from alur.workflow.tests.drive import active, run_to_end

    number = BusinessNumber.objects.get(phone_number_id=AKTA_LAHIR[0])
    application = application_submit(
        office=Office.objects.get(code="18.08"),
        service_code="S2e",
        channel="whatsapp",
        applicant={"name": "Siti Aminah", "nik": NIK, "phone": CITIZEN},
        fields={
            "child_name": "Putri",
            "child_birth_date": "2026-11-01",
            "child_birth_place": "Blambangan Umpu",
        },
        files=[
            (key, pdf(), "application/pdf", f"{key}.pdf")
            for key in ("birth_letter", "marriage", "kk", "f201")
        ],
        whatsapp_number=number,
    )
    case = application.case
    (check,) = active(case)
    services.task_complete(
        task=check,
        actor=persona("waykanan.petugas.capil"),  # S2e's officer, Bidang Pencatatan Sipil
        outcome="return",
        return_to="applicant",
        reason="Surat keterangan lahir tidak terbaca",
    )
    notices = _replies()
    assert any("tidak terbaca" in body and case.reference in body for body in notices)
    assert "Pilih persyaratan" in citizen("KIRIM")[-1]
    assert "Silakan kirim" in citizen("1")[-1]
    assert "diterima" in citizen(document=pdf())[-2]
    assert "sudah kami teruskan" in citizen("SELESAI")[-1]
    case.refresh_from_db()
    assert case.status == CaseStatus.OPEN and case.paused_at is None
    assert [t.step for t in active(case)] == [2]
    assert application.attachments.filter(source_media_id__gt="").count() == 1
    run_to_end(case)
    assert any("sudah selesai" in body for body in _replies())


def _to_files_stage(citizen) -> None:
    for text in (
        "Halo",
        "Siti",
        NIK,
        "SAMA",
        "Putri",
        (timezone.localdate() - timedelta(days=3)).strftime("%d-%m-%Y"),
        "Way Kanan",
    ):
        citizen(text)
    assert Conversation.objects.get(citizen=CITIZEN).state == "files"


@pytest.mark.django_db
def test_media_the_api_no_longer_serves_is_asked_again(citizen, graph) -> None:
    _to_files_stage(citizen)
    media_id = transport.upload_media(AKTA_LAHIR[0], pdf(), "application/pdf", "a.pdf")
    httpx.delete(f"{graph.base_url}/{media_id}", headers={"Authorization": "Bearer dev-token"})
    message = payloads.document_message(
        CITIZEN, media_id=media_id, mime_type="application/pdf", sha256="x", filename="a.pdf"
    )
    replies = citizen(message=message)
    assert "tidak dapat kami ambil" in replies[0]
    assert Conversation.objects.get(citizen=CITIZEN).data["files"] == {}


@pytest.mark.django_db
def test_oversized_media_is_refused_and_nonsense_gets_the_question_again(citizen, settings) -> None:
    _to_files_stage(citizen)
    assert "Kami menunggu foto" in citizen("asdfgh")[0]
    settings.WHATSAPP_MEDIA_MAX_BYTES = 100
    replies = citizen(document=pdf() + b"%" * 200)
    assert "tidak dapat kami ambil" in replies[0] or "besar" in replies[0]
    assert Conversation.objects.get(citizen=CITIZEN).data["files"] == {}


def _staged_paths() -> list[str]:
    data = Conversation.objects.get(citizen=CITIZEN).data
    return [file["path"] for file in data.get("files", {}).values() if file]


def _stored(folder: str) -> set[str]:
    """Every file in storage under `folder`."""
    if not default_storage.exists(folder):
        return set()
    directories, files = default_storage.listdir(folder)
    return {f"{folder}/{name}" for name in files}.union(
        *(_stored(f"{folder}/{d}") for d in directories)
    )


def _to_confirm_stage(citizen) -> list[str]:
    """Fill in the application up to its summary; the staged files' paths, all in storage."""
    _to_files_stage(citizen)
    for _ in range(6):
        if Conversation.objects.get(citizen=CITIZEN).state != "files":
            break
        citizen(document=pdf())
    assert Conversation.objects.get(citizen=CITIZEN).state == "confirm"
    paths = _staged_paths()
    assert paths and all(default_storage.exists(path) for path in paths)
    return paths


@pytest.mark.django_db
def test_the_staged_files_become_the_attachments_once_the_application_is_sent(citizen) -> None:
    """Stored once: each attachment takes its staged file over; no second copy is written."""
    paths = _to_confirm_stage(citizen)
    before = _stored("intake")
    citizen("YA")
    application = Application.objects.get(applicant_phone=CITIZEN)
    assert sorted(a.file.name for a in application.attachments.all()) == sorted(paths)
    assert all(default_storage.exists(path) for path in paths)
    assert _stored("intake") == before
    assert "files" not in Conversation.objects.get(citizen=CITIZEN).data


@pytest.mark.django_db
def test_the_staged_files_are_removed_when_the_citizen_cancels(citizen) -> None:
    paths = _to_confirm_stage(citizen)
    assert "dibatalkan" in citizen("BATAL")[0]  # said, and back at the menu
    assert "files" not in Conversation.objects.get(citizen=CITIZEN).data
    assert not any(default_storage.exists(path) for path in paths)


@pytest.mark.django_db
def test_the_staged_files_are_removed_when_the_conversation_expires(
    citizen, django_capture_on_commit_callbacks
) -> None:
    from alur.whatsapp.uploads import drop_idle_uploads

    paths = _to_confirm_stage(citizen)
    assert drop_idle_uploads() == 0  # not idle yet
    assert all(default_storage.exists(path) for path in paths)
    idle = timedelta(minutes=settings.WHATSAPP_CONVERSATION_IDLE_MINUTES + 1)
    Conversation.objects.filter(citizen=CITIZEN).update(updated_at=timezone.now() - idle)
    with django_capture_on_commit_callbacks(execute=True):
        assert drop_idle_uploads() == 1  # the periodic sweep, before the citizen writes again
    assert not any(default_storage.exists(path) for path in paths)
    assert "berakhir" in citizen("YA")[0]  # the next message still hears the session ended


@pytest.mark.django_db
def test_a_citizen_who_returns_after_the_expiry_leaves_no_staged_file(citizen) -> None:
    paths = _to_confirm_stage(citizen)
    idle = timedelta(minutes=settings.WHATSAPP_CONVERSATION_IDLE_MINUTES + 1)
    Conversation.objects.filter(citizen=CITIZEN).update(updated_at=timezone.now() - idle)
    assert "berakhir" in citizen("YA")[0]
    assert not any(default_storage.exists(path) for path in paths)
    assert not Application.objects.filter(applicant_phone=CITIZEN).exists()
