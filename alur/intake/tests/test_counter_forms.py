"""The counter keeps what was typed and the files attached when a form comes back with an error,
warns of an open application for the same person and service, and attaches the files an applicant
brings for an application returned to them."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from alur.audit.models import AuditEvent
from alur.intake.checking import requirements_return
from alur.intake.models import Application, StagedFile
from alur.intake.services import staged_files_sweep
from alur.intake.tests import samples
from alur.intake.tests.test_counter import birth_post
from alur.workflow.choices import CaseStatus, TaskStatus
from alur.workflow.models import Task
from alur.workflow.tests.drive import holder

pytestmark = pytest.mark.django_db

URL = reverse("intake:counter_form", args=["S2e"])


@pytest.fixture
def counter(client: Client, persona: Callable[[str], Any]) -> Client:
    client.force_login(persona("waykanan.petugas.capil"))
    return client


def _staged(response: Any) -> dict[str, str]:
    return {k: str(v.token) for k, v in response.context["form"].staged.items()}


def test_a_form_error_keeps_the_fields_and_the_valid_files_which_are_not_asked_again(
    counter: Client,
) -> None:
    first = counter.post(URL, birth_post(applicant_nik="1808011713900001"))  # month 13
    assert first.status_code == 200 and not Application.objects.exists()
    body = first.content.decode()
    assert 'value="Budi Santoso"' in body and 'value="1808011713900001"' in body
    assert "sudah dilampirkan: lahir.pdf" in body and "sudah dilampirkan: kk.png" in body
    nik_field = body.split('for="id_applicant_nik"')[1].split('class="field')[0]
    assert "Bulan lahir pada NIK tidak sah." in nik_field
    assert 'href="#id_applicant_nik"' in body  # the list at the top links to the field
    tokens = _staged(first)
    assert set(tokens) == {"birth_letter", "marriage", "kk", "f201"}
    assert StagedFile.objects.count() == 4
    staged_paths = sorted(f.file.name for f in StagedFile.objects.all())

    # the second try sends no file at all: the staged ones are taken
    retry = birth_post(file_birth_letter=None, file_marriage=None, file_kk=None, file_f201=None) | {
        f"staged_{key}": token for key, token in tokens.items()
    }
    second = counter.post(URL, retry)
    assert second.status_code == 302
    application = Application.objects.get()
    assert sorted(a.requirement for a in application.attachments.all()) == sorted(tokens)
    assert not StagedFile.objects.exists()  # taken by the application
    # stored once: the attachments are the staged files themselves, still in storage
    assert sorted(a.file.name for a in application.attachments.all()) == staged_paths
    assert all(default_storage.exists(path) for path in staged_paths)
    assert AuditEvent.objects.filter(action="intake.file_stage").count() == 4


def test_a_refused_upload_keeps_the_file_staged_before_and_a_new_one_replaces_it(
    counter: Client,
) -> None:
    first = counter.post(URL, birth_post(child_name=""))
    tokens = _staged(first)
    old = StagedFile.objects.get(requirement="kk")
    bad = SimpleUploadedFile("kk.png", samples.EXE, "image/png")
    second = counter.post(
        URL,
        birth_post(child_name="", file_kk=bad)
        | {f"staged_{key}": token for key, token in tokens.items()},
    )
    errors = second.context["form"].errors
    assert "file_kk" in errors and "sah" in errors["file_kk"][0]
    assert _staged(second)["kk"] == str(old.token)  # the earlier file stays

    better = SimpleUploadedFile("kk-baru.jpg", samples.jpeg(), "image/jpeg")
    third = counter.post(
        URL,
        birth_post(child_name="", file_kk=better)
        | {f"staged_{key}": token for key, token in tokens.items()},
    )
    assert "sudah dilampirkan: kk-baru.jpg" in third.content.decode()
    assert not StagedFile.objects.filter(pk=old.pk).exists()
    assert StagedFile.objects.filter(requirement="kk").count() == 1


def test_another_persons_staged_file_is_not_taken(
    counter: Client, persona: Callable[[str], Any]
) -> None:
    tokens = _staged(counter.post(URL, birth_post(child_name="")))
    other = Client()
    other.force_login(persona("waykanan.operator.capil"))
    response = other.post(
        URL,
        birth_post(file_kk=None) | {f"staged_{key}": token for key, token in tokens.items()},
    )
    assert response.status_code == 200
    assert response.context["form"].errors["file_kk"] == ["Belum dilampirkan: Kartu Keluarga (KK)."]
    assert not Application.objects.exists()


def test_abandoned_staged_files_are_swept_with_their_files(
    counter: Client, django_capture_on_commit_callbacks: Any
) -> None:
    counter.post(URL, birth_post(child_name=""))
    names = list(StagedFile.objects.values_list("file", flat=True))
    assert names and all(default_storage.exists(n) for n in names)
    assert staged_files_sweep() == 0  # not old yet
    with django_capture_on_commit_callbacks(execute=True):
        assert staged_files_sweep(now=timezone.now() + timedelta(hours=25)) == 4
    assert not StagedFile.objects.exists()
    assert not any(default_storage.exists(n) for n in names)
    event = AuditEvent.objects.get(action="intake.staged_sweep")
    assert event.after["files"] == 4


def test_an_open_application_for_the_same_child_warns_and_may_be_confirmed(
    counter: Client,
) -> None:
    assert counter.post(URL, birth_post()).status_code == 302
    first = Application.objects.get()

    other_files = {
        "file_birth_letter": SimpleUploadedFile("b.jpg", samples.jpeg(), "image/jpeg"),
    }
    warned = counter.post(URL, birth_post(**other_files, child_name="  budi   SANTOSO "))
    assert warned.status_code == 200 and Application.objects.count() == 1
    body = warned.content.decode()
    assert f'href="/perkara/{first.case.reference}/"' in body
    assert "belum selesai" in body and 'name="confirm_duplicate"' in body
    tokens = _staged(warned)

    # another child of the same applicant is no duplicate
    other_child = birth_post(child_name="Sari Santoso")
    assert counter.post(URL, other_child).status_code == 302

    confirmed = birth_post(
        child_name="Budi Santoso",
        file_birth_letter=None,
        file_marriage=None,
        file_kk=None,
        file_f201=None,
        confirm_duplicate="on",
    ) | {f"staged_{key}": token for key, token in tokens.items()}
    assert counter.post(URL, confirmed).status_code == 302
    third = Application.objects.order_by("-created_at", "-pk").first()
    event = AuditEvent.objects.filter(action="intake.application_submit").latest("pk")
    assert event.after["duplicate_of"] == [first.case.reference] and third is not None


def test_an_exact_repeat_is_refused_even_when_confirmed(counter: Client) -> None:
    assert counter.post(URL, birth_post()).status_code == 302
    first = Application.objects.get()
    again = counter.post(URL, birth_post(confirm_duplicate="on"))
    assert again.status_code == 200 and Application.objects.count() == 1
    body = again.content.decode()
    assert "sama persis" in body and first.case.reference in body


def test_a_finished_case_is_no_duplicate(counter: Client) -> None:
    assert counter.post(URL, birth_post()).status_code == 302
    Application.objects.get().case.__class__.objects.update(status=CaseStatus.DONE)
    assert counter.post(URL, birth_post()).status_code == 302


@pytest.fixture
def returned(counter: Client) -> Application:
    """An S2e application from the counter, returned at the requirements check for its KK."""
    counter.post(URL, birth_post())
    application = Application.objects.get()
    task = Task.objects.get(case=application.case, status__in=["open", "claimed"])
    requirements_return(task=task, actor=holder(task), missing=["kk"], note="KK buram.")
    application.case.refresh_from_db()
    assert application.case.status == CaseStatus.WAITING
    return application


def test_the_counter_finds_returned_applications_and_adds_the_missing_file(
    counter: Client, returned: Application
) -> None:
    reference = returned.case.reference
    page = counter.get(reverse("intake:counter")).content.decode()
    assert reverse("intake:resubmit", args=[reference]) in page
    found = counter.get(reverse("intake:counter"), {"nomor": reference.lower()})
    assert found.status_code == 302 and found.url == reverse("intake:resubmit", args=[reference])
    missing = counter.get(reverse("intake:counter"), {"nomor": "S2E-0000"})
    assert "tidak ditemukan" in missing.content.decode()

    case_page = counter.get(f"/perkara/{reference}/").content.decode()
    assert "Berkas susulan di loket" in case_page and "KK buram." in case_page

    url = reverse("intake:resubmit", args=[reference])
    empty = counter.post(url, {"note": "dibawa sendiri"})
    assert "Lampirkan paling sedikit satu berkas" in empty.content.decode()
    assert "dibawa sendiri" in empty.content.decode()

    kk = SimpleUploadedFile("kk-jelas.png", samples.png(), "image/png")
    done = counter.post(url, {"file_kk": kk, "note": "KK asli diperlihatkan"})
    assert done.status_code == 302 and done.url == f"/perkara/{reference}/"
    returned.case.refresh_from_db()
    assert returned.case.status == CaseStatus.OPEN
    assert returned.attachments.filter(requirement="kk").count() == 2
    waiting = Task.objects.get(case=returned.case, step=1, status=TaskStatus.DONE, resume_step=2)
    assert "Berkas susulan diterima di loket" in waiting.reason
    assert Task.objects.filter(case=returned.case, step=2, status__in=["open", "claimed"]).exists()
    event = AuditEvent.objects.get(action="intake.counter_resubmit")
    assert event.after["attachments"][0]["requirement"] == "kk"
    assert AuditEvent.objects.filter(action="case.outside_step").exists()
    assert "tidak sedang menunggu" in counter.get(url).content.decode()


def test_a_refused_file_at_resubmission_changes_nothing_and_other_offices_get_404(
    counter: Client, returned: Application, persona: Callable[[str], Any]
) -> None:
    url = reverse("intake:resubmit", args=[returned.case.reference])
    bad = SimpleUploadedFile("kk.pdf", samples.EXE, "application/pdf")
    response = counter.post(url, {"file_kk": bad})
    assert response.status_code == 200 and "sah" in response.context["form"].errors["file_kk"][0]
    returned.case.refresh_from_db()
    assert returned.case.status == CaseStatus.WAITING
    metro = Client()
    metro.force_login(persona("metro.kasi"))
    assert metro.get(url).status_code == 404
    assert metro.post(url, {"file_kk": bad}).status_code == 404
