"""Each document service (S2a–S2f) end to end as the demo personas: the citizen applies once over
WhatsApp (signed webhook, media on the local Graph API server) and once at the counter; the case
then takes every return path of its SOP once (an applicant's return is answered over the channel
it came from) and runs to the end with real data: the registry changes, the signed documents or
printed cards, and their hand-over."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import httpx
import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from alur.documents.choices import CARDS, PAPER
from alur.documents.models import CitizenDocument
from alur.intake.catalogue import Kind, service
from alur.intake.models import Application
from alur.intake.tests import samples
from alur.registry.choices import ResidentStatus
from alur.registry.models import Family, Resident
from alur.survey.choices import Channel as SurveyChannel
from alur.survey.models import Survey
from alur.whatsapp_cloud import payloads, transport
from alur.whatsapp_cloud.models import BusinessNumber
from alur.workflow.choices import CaseStatus, Outcome, TaskStatus
from alur.workflow.models import Case, Task
from alur.workflow.tests.drive import SPECS, step_once
from peers.graph_api.server import start_server

pytestmark = pytest.mark.django_db

CITIZEN = "6281298765432"
NIK = "1808015503950001"  # Way Kanan, a woman born 15-03-1995
PAST = (timezone.localdate() - timedelta(days=12)).isoformat()
FIELDS: dict[str, str] = {
    "head_name": "Ahmad Fauzi",
    "kk_number": "1808011203200001",
    "destination": "Jl. Teuku Umar 5, Bandar Lampung",
    "reason": "hilang",
    "child_name": "Putri Aminah",
    "child_nik": "1808015506230001",
    "child_birth_date": PAST,
    "child_birth_place": "Blambangan Umpu",
    "deceased_name": "Sarmin",
    "deceased_nik": "1808011708500001",
    "death_date": PAST,
    "death_place": "Baradatu",
}
CODES = ["S2a", "S2b", "S2c", "S2d", "S2e", "S2f"]


def number_of(code: str) -> BusinessNumber:
    return next(n for n in BusinessNumber.objects.all() if code in n.service_codes)


def files_of(code: str) -> list[tuple[str, bytes, str, str]]:
    svc = service(code)
    assert svc is not None
    return [
        (r.key, samples.jpeg(), "image/jpeg", f"{r.key}.jpg")
        if Kind.PDF not in r.kinds
        else (r.key, samples.pdf(), "application/pdf", f"{r.key}.pdf")
        for r in svc.requirements
    ]


# --- the two channels -----------------------------------------------------------------------


@pytest.fixture
def graph(settings: Any) -> Any:
    running = start_server(port=0, app_secret=settings.WHATSAPP_APP_SECRET)
    settings.WHATSAPP_API_BASE = running.base_url
    httpx.post(running.control("inbound"), json={"from": CITIZEN})  # the 24-hour window is open
    yield running
    running.stop()


@pytest.fixture
def whatsapp(client: Any, graph: Any, django_capture_on_commit_callbacks: Any) -> Callable:
    """`send(code, text=..., file=(bytes, mime))`: the citizen writes to the service's number;
    returns the texts our side queued in answer."""
    from alur.outbox.models import OutboundMessage

    def send(code: str, text: str = "", file: tuple[bytes, str] | None = None) -> list[str]:
        number = number_of(code)
        last = OutboundMessage.objects.order_by("-id").values_list("id", flat=True).first() or 0
        if file is not None:
            data, mime = file
            media_id = transport.upload_media(number.phone_number_id, data, mime, "berkas")
            kind = "image" if mime.startswith("image/") else "document"
            builder = payloads.image_message if kind == "image" else payloads.document_message
            extra = {} if kind == "image" else {"filename": "berkas.pdf"}
            message = builder(
                CITIZEN,
                media_id=media_id,
                mime_type=mime,
                sha256=hashlib.sha256(data).hexdigest(),
                **extra,
            )
        else:
            message = payloads.text_message(CITIZEN, text)
        body = payloads.encode(
            payloads.message_notification(
                phone_number_id=number.phone_number_id,
                display_phone_number=number.display_number,
                message=message,
            )
        )
        signature = payloads.signature_header(body, settings.WHATSAPP_APP_SECRET)
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(
                "/whatsapp/webhook/",
                body,
                content_type="application/json",
                HTTP_X_HUB_SIGNATURE_256=signature["X-Hub-Signature-256"],
            )
        assert response.status_code == 200
        rows = OutboundMessage.objects.filter(recipient=CITIZEN, id__gt=last).order_by("id")
        return [row.payload.get("body", "") for row in rows]

    return send


def apply_by_whatsapp(send: Callable, code: str) -> Case:
    svc = service(code)
    assert svc is not None
    replies = send(code, "Halo")
    if "Pilih layanan" in replies[-1]:  # the list of services: its row is tapped or typed
        replies = send(code, str(number_of(code).service_codes.index(code) + 1))
    answers = {"name": "Siti Aminah", "nik": NIK, "phone": "SAMA"} | FIELDS
    for field in (*service_fields(), *svc.fields):
        assert replies[-1].startswith(field.label), replies
        value = answers[field.key]
        if field.kind == "date":
            value = "-".join(reversed(value.split("-")))
        replies = send(code, value)
    for key, data, mime, _name in files_of(code):
        assert svc.requirement(key).label in replies[-1], replies
        replies = send(code, file=(data, mime))
    assert "Kirim permohonan ini?" in replies[-1], replies
    replies = send(code, "YA")
    application = Application.objects.get(service_code=code, applicant_phone=CITIZEN)
    assert application.case.reference in replies[-1]
    return application.case


def service_fields() -> tuple:
    from alur.intake.catalogue import APPLICANT_FIELDS

    return APPLICANT_FIELDS


def apply_at_counter(client: Any, persona: Callable, code: str) -> Case:
    svc = service(code)
    assert svc is not None
    client.force_login(persona("waykanan.petugas.capil"))
    post: dict[str, Any] = {
        "applicant_name": "Siti Aminah",
        "applicant_nik": NIK,
        "applicant_phone": "081298765432",
    } | {field.key: FIELDS[field.key] for field in svc.fields}
    for key, data, mime, name in files_of(code):
        post[f"file_{key}"] = SimpleUploadedFile(name, data, mime)
    response = client.post(reverse("intake:counter_form", args=[code]), post)
    assert response.status_code == 302, response.content.decode()[:2000]
    client.logout()
    return Application.objects.get(service_code=code, channel="counter").case


# --- the case: every return path once, then to the end --------------------------------------


def returns_once(code: str) -> tuple[Callable[[Task], dict], set[tuple[int, str]]]:
    pending = {(step.number, str(target)) for step in SPECS[code].steps for target in step.returns}
    taken: set[tuple[int, str]] = set()

    def decide(task: Task) -> dict:
        for step, target in sorted(pending - taken):
            if task.step == step:
                taken.add((step, target))
                return {
                    "outcome": Outcome.RETURN,
                    "return_to": target,
                    "reason": "Berkas kurang jelas, mohon dilengkapi",
                }
        return {}

    return decide, taken


def run(case: Case, decide: Callable, resubmit: Callable[[Case], None] | None) -> Case:
    for _ in range(80):
        case.refresh_from_db()
        if case.status == CaseStatus.DONE:
            return case
        if case.status == CaseStatus.WAITING and resubmit is not None:
            resubmit(case)
            continue
        step_once(case, decide)
    raise AssertionError(f"{case.reference} did not finish")


def check_outcome(case: Case) -> None:
    documents = {d.kind: d for d in CitizenDocument.objects.filter(case=case)}
    assert documents, "no document was made"
    for kind, document in documents.items():
        if kind in PAPER:
            assert document.signed_at and document.issued_id and document.verify_code
            assert document.register_number
        if kind in CARDS:
            assert document.printed_at and document.card_serial
    code = case.sop.code
    if code == "S2a":
        family = documents["kk"].family
        assert family is not None and family.members.filter(until__isnull=True).count() == 2
    if code == "S2b":
        assert documents["skpwni"].resident.status == ResidentStatus.MOVED_OUT
    if code in ("S2c", "S2d"):
        (card,) = documents.values()
        assert card.handed_over_at and card.handover_method
    if code == "S2c":
        assert documents["ktp_el"].data["reason"] == "hilang"
    if code == "S2e":
        child = documents["akta_kelahiran"].resident
        family = Family.objects.get(pk=documents["akta_kelahiran"].family_id)
        assert family.members.filter(resident=child, until__isnull=True).exists()
    if code == "S2f":
        deceased = Resident.objects.get(pk=documents["akta_kematian"].resident_id)
        assert deceased.status == ResidentStatus.DEAD


@pytest.mark.parametrize("code", CODES)
def test_each_service_over_whatsapp_with_its_return_paths(code: str, whatsapp: Callable) -> None:
    case = apply_by_whatsapp(whatsapp, code)
    decide, taken = returns_once(code)

    def resubmit(waiting: Case) -> None:  # the citizen sends the file again over WhatsApp
        assert "Pilih persyaratan" in whatsapp(code, "KIRIM")[-1]
        assert "Silakan kirim" in whatsapp(code, "1")[-1]
        sent = whatsapp(code, file=(samples.pdf(), "application/pdf"))
        assert any("diterima" in reply for reply in sent), sent
        assert "sudah kami teruskan" in whatsapp(code, "SELESAI")[-1]

    case = run(case, decide, resubmit)
    assert taken == {(s.number, str(t)) for s in SPECS[code].steps for t in s.returns}
    assert case.application.channel == "whatsapp"
    check_outcome(case)
    # the citizen is asked the satisfaction survey on the number they applied on, once
    survey = Survey.objects.get(case=case)
    assert survey.channel == SurveyChannel.WHATSAPP and survey.phone == CITIZEN
    assert case.tasks.filter(status=TaskStatus.DONE, outcome=Outcome.RETURN).count() == len(taken)


@pytest.mark.parametrize("code", CODES)
def test_each_service_at_the_counter_with_its_return_paths(
    code: str, client: Any, persona: Callable
) -> None:
    case = apply_at_counter(client, persona, code)
    decide, taken = returns_once(code)
    case = run(case, decide, None)  # the applicant brings the file back to the counter
    assert taken == {(s.number, str(t)) for s in SPECS[code].steps for t in s.returns}
    assert case.application.channel == "counter"
    check_outcome(case)
    assert Survey.objects.get(case=case).channel == SurveyChannel.LINK  # its QR on the case page
