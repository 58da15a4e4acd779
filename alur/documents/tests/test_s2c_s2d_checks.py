"""S2c and S2d check at step 2 what used to stop their print: the biometric record (S2c) and a
child's photo (S2d); what is missing goes back to the applicant, who is told."""

import pytest
from django.utils import timezone

from alur.core.errors import DomainError
from alur.documents.choices import CARDS
from alur.documents.models import CitizenDocument
from alur.documents.tests.drivers import stock_up
from alur.documents.tests.entry import person
from alur.intake.checking import requirements_return
from alur.intake.services import application_submit
from alur.intake.tests import samples
from alur.workflow import outside, services
from alur.workflow.choices import CaseStatus, Outcome, TaskStatus
from alur.workflow.models import ApplicantNotice
from alur.workflow.tests.drive import active, run_until_step, start


@pytest.mark.django_db
def test_s2c_without_a_biometric_record_goes_back_to_the_applicant(persona) -> None:
    case = start("S2c")
    operator = persona("waykanan.operator")
    owner = person(case.office, operator, "Rahmat Hidayat")  # no biometric record yet
    stock_up(case.office, CARDS["ktp_el"])
    check = run_until_step(case, 2)
    printing = {"nik": owner.nik, "reason": "hilang", "serials": {"ktp_el": "KTP-UJI-1"}}
    with pytest.raises(DomainError, match="tidak ditemukan dalam server"):
        services.task_complete(task=check, actor=operator, outcome=Outcome.DONE, data=printing)
    assert not CitizenDocument.objects.filter(case=case).exists()
    services.task_complete(
        task=check,
        actor=operator,
        outcome=Outcome.RETURN,
        return_to="applicant",
        reason="Rekaman biometrik tidak ditemukan; datang ke kantor untuk perekaman KTP-el.",
    )
    case.refresh_from_db()
    assert case.status == CaseStatus.WAITING
    assert "perekaman KTP-el" in ApplicantNotice.objects.get(case=case).text
    # The applicant comes to the office: the counter records it, the operator records them now.
    outside.outside_step_record(
        task=active(case)[0],
        actor=persona("waykanan.petugas"),
        party="Rahmat Hidayat",
        occurred_at=timezone.now(),
    )
    again = active(case)[0]
    assert again.step == 2 and again.assignee == operator
    services.task_complete(
        task=again, actor=operator, outcome=Outcome.DONE, data=printing | {"biometrics_now": True}
    )
    owner.refresh_from_db()
    assert owner.biometrics_recorded_at is not None
    card = CitizenDocument.objects.get(case=case)
    assert card.printed_at is not None and card.card_serial == "KTP-UJI-1"
    assert [t.step for t in active(case)] == [3]


def _kia_application(persona, years: int, photo: bool):
    from alur.whatsapp_cloud.models import BusinessNumber

    today = timezone.localdate()
    born = today.replace(year=today.year - years, day=min(today.day, 28))
    number = BusinessNumber.objects.get(display_number="08117961600")
    files = [
        ("birth_certificate", samples.pdf(), "application/pdf", "akta.pdf"),
        ("kk", samples.png(), "image/png", "kk.png"),
        ("parents_ktp", samples.jpeg(), "image/jpeg", "ktp.jpg"),
    ]
    if photo:
        files.append(("photo", samples.jpeg(), "image/jpeg", "foto.jpg"))
    return application_submit(
        office=number.office,
        service_code="S2d",
        channel="whatsapp",
        whatsapp_number=number,
        applicant={"name": "Siti Aminah", "nik": "1808014708900001", "phone": "081234567891"},
        fields={
            "child_name": "Putri Aminah",
            "child_nik": f"180801{born:%d%m%y}0002",
            "child_birth_date": born.isoformat(),
        },
        files=files,
    )


@pytest.mark.django_db
def test_s2d_a_child_of_five_or_more_needs_the_photo_at_step_2(persona) -> None:
    case = _kia_application(persona, years=6, photo=False).case
    check = active(case)[0]
    officer = persona("waykanan.operator")
    with pytest.raises(DomainError, match="pas foto berwarna anak wajib"):
        services.task_complete(task=check, actor=officer, outcome=Outcome.DONE)
    check.refresh_from_db()
    assert check.status == TaskStatus.OPEN
    requirements_return(task=check, actor=officer, missing=["photo"])
    case.refresh_from_db()
    assert case.status == CaseStatus.WAITING
    notice = ApplicantNotice.objects.get(case=case)
    assert "Pas foto berwarna anak" in notice.text and notice.channels == "WhatsApp"


@pytest.mark.django_db
def test_s2d_a_younger_child_needs_no_photo(persona) -> None:
    case = _kia_application(persona, years=3, photo=False).case
    check = active(case)[0]
    services.task_complete(task=check, actor=persona("waykanan.operator"), outcome=Outcome.DONE)
    assert [t.step for t in active(case)] == [3]
    older = _kia_application(persona, years=7, photo=True).case
    check = active(older)[0]
    services.task_complete(task=check, actor=persona("waykanan.operator"), outcome=Outcome.DONE)
    assert [t.step for t in active(older)] == [3]
