"""A survey is made once per case, at the hand-over of its documents or the answer to its
complaint; it is answered once; it is optional (LEWATI); a wrong answer changes nothing."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import PermissionDenied

from alur.audit.models import AuditEvent
from alur.core.errors import ConflictError, DomainError
from alur.documents.services import documents_handover
from alur.outbox.models import OutboundMessage
from alur.survey import selectors
from alur.survey.choices import Channel, Source
from alur.survey.models import Answer, Survey
from alur.survey.services import (
    survey_answer,
    survey_invite,
    survey_record_paper,
    survey_skip,
    survey_submit,
)
from alur.survey.tests.conftest import COUNTER, WAY_KANAN

pytestmark = pytest.mark.django_db

ALL_THREE = {n: 3 for n in range(1, 10)}


def test_a_hand_over_makes_one_survey_for_the_case(
    printed_card_case: Callable[[], Any], persona: Callable[[str], Any]
) -> None:
    case = printed_card_case()
    documents_handover(
        case=case,
        actor=persona(COUNTER),
        method="in_person",
        recipient_name="Siti Aminah",
        recipient_id="KTP-el",
    )
    survey = Survey.objects.get(case=case)
    assert (survey.source, survey.channel) == (Source.DOCUMENTS, Channel.LINK)
    assert survey.service_code == "S2d" and survey.service_label == "Kartu Identitas Anak"
    assert len(survey.token) == 32 and survey.is_open
    assert AuditEvent.objects.filter(action="survey.invite", object_id=str(survey.pk)).exists()
    # Once per case: a second invitation returns the first survey.
    again = survey_invite(case=case, source=Source.DOCUMENTS)
    assert again.pk == survey.pk
    assert Survey.objects.filter(case=case).count() == 1
    with pytest.raises(ConflictError):  # the documents are handed over once, too
        documents_handover(case=case, actor=persona(COUNTER), method="pos", pos_tracking="P123456")
    assert Survey.objects.filter(case=case).count() == 1


def test_an_answered_complaint_is_surveyed_once(answered_complaint: Callable[..., Any]) -> None:
    complaint = answered_complaint()
    survey = Survey.objects.get(case=complaint.case)
    assert (survey.source, survey.channel) == (Source.COMPLAINTS, Channel.LINK)
    assert survey.service_label == "Pengaduan"
    assert survey_invite(case=complaint.case, source=Source.COMPLAINTS).pk == survey.pk
    assert Survey.objects.filter(case=complaint.case).count() == 1


def test_the_page_submit_takes_nine_answers_once(answered_complaint: Callable[..., Any]) -> None:
    survey = Survey.objects.get(case=answered_complaint().case)
    with pytest.raises(DomainError, match="pertanyaan 4, 9"):
        survey_submit(survey=survey, scores={n: 2 for n in (1, 2, 3, 5, 6, 7, 8)})
    with pytest.raises(DomainError, match="1 sampai 4"):
        survey_submit(survey=survey, scores=ALL_THREE | {5: "5"})
    with pytest.raises(DomainError, match="1 sampai 4"):
        survey_submit(survey=survey, scores=ALL_THREE | {5: "٣"})  # an Arabic-Indic three
    with pytest.raises(DomainError, match="responden"):
        survey_submit(survey=survey, scores=ALL_THREE, gender="X")
    assert not Answer.objects.filter(survey=survey).exists()  # nothing kept of a refusal
    done = survey_submit(survey=survey, scores=ALL_THREE | {4: "4"}, gender="P")
    assert done.completed_at is not None and done.gender == "P"
    assert Answer.objects.filter(survey=survey).count() == 9
    with pytest.raises(ConflictError):
        survey_submit(survey=survey, scores=ALL_THREE)
    assert Answer.objects.filter(survey=survey, element=4).get().score == 4


def test_answers_one_by_one_then_complete_and_closed(
    answered_complaint: Callable[..., Any],
) -> None:
    survey = Survey.objects.get(case=answered_complaint().case)
    survey = survey_answer(survey=survey, element=1, score=2)
    assert survey.asked_element == 2 and survey.responded_at is not None
    survey = survey_answer(survey=survey, element=1, score=3)  # changed while open
    assert Answer.objects.get(survey=survey, element=1).score == 3
    for element in range(2, 10):
        survey = survey_answer(survey=survey, element=element, score=4)
    assert survey.completed_at is not None and survey.asked_element is None
    with pytest.raises(ConflictError):
        survey_answer(survey=survey, element=2, score=1)
    with pytest.raises(ConflictError):
        survey_skip(survey=survey)


def test_lewati_keeps_what_was_answered(answered_complaint: Callable[..., Any]) -> None:
    survey = Survey.objects.get(case=answered_complaint().case)
    survey_answer(survey=survey, element=1, score=4)
    skipped = survey_skip(survey=survey)
    assert skipped.skipped_at is not None and not skipped.is_open
    with pytest.raises(ConflictError):
        survey_answer(survey=survey, element=2, score=4)
    assert Answer.objects.filter(survey=survey).count() == 1


def test_a_whatsapp_case_is_asked_on_whatsapp(
    answered_complaint: Callable[..., Any],
) -> None:
    from alur.complaints.choices import Channel as ComplaintChannel

    complaint = answered_complaint(ComplaintChannel.WHATSAPP)
    survey = Survey.objects.get(case=complaint.case)
    assert survey.channel == Channel.WHATSAPP and survey.asked_element == 1
    assert survey.whatsapp_number is not None and survey.phone == complaint.reporter_phone
    asked = OutboundMessage.objects.get(dedupe_key=f"survey:{survey.pk}:invite")
    assert asked.kind == "interactive" and asked.recipient == complaint.reporter_phone
    rows = asked.payload["interactive"]["action"]["sections"][0]["rows"]
    assert [r["id"] for r in rows][:4] == [f"SKM:{survey.token}:1:{s}" for s in (1, 2, 3, 4)]
    assert rows[4]["id"] == f"SKM:{survey.token}:LEWATI"
    assert "Balas dengan angka 1–4" in asked.payload["body"]  # the text form, numbered
    fallback = asked.template_fallback or {}
    assert "\n" not in str(fallback.get("components", ""))  # a template parameter is one line


def test_the_index_of_a_quarter(
    office: Callable[[str], Any], persona: Callable[[str], Any]
) -> None:
    waykanan = office(WAY_KANAN)
    zone = ZoneInfo(waykanan.timezone)
    when = datetime(2025, 2, 10, 9, tzinfo=zone)
    for scores in ({n: 4 for n in range(1, 10)}, {n: 3 for n in range(1, 10)}):
        survey_record_paper(
            office=waykanan, service_code="S2a", scores=scores, actor=persona(COUNTER), when=when
        )
    survey_record_paper(
        office=waykanan, service_code="S2e", scores=ALL_THREE, actor=None, when=when
    )
    # The last second of the quarter in Way Kanan's zone counts; the next quarter does not.
    survey_record_paper(
        office=waykanan,
        service_code="S2e",
        scores={n: 1 for n in range(1, 10)},
        actor=None,
        when=datetime(2025, 4, 1, 0, 0, tzinfo=zone),
    )
    result = selectors.office_ikm(waykanan, selectors.Quarter(2025, 1))
    assert result.index.respondents == 3
    assert str(result.index.value) == "83.33"  # (4 + 3 + 3) / 3 × 25
    by_code = {s.code: s for s in result.services}
    assert str(by_code["S2a"].index.value) == "87.50" and by_code["S2a"].index.respondents == 2
    assert str(by_code["S2e"].index.value) == "75.00"
    assert selectors.office_ikm(waykanan, selectors.Quarter(2025, 2)).index.respondents == 1
    with pytest.raises(PermissionDenied):  # a counter officer of another office
        survey_record_paper(
            office=office("18.72"), service_code="S2a", scores=ALL_THREE, actor=persona(COUNTER)
        )


def test_a_hand_over_of_a_whatsapp_application_asks_on_its_number(
    printed_card_case: Callable[[], Any], persona: Callable[[str], Any]
) -> None:
    from alur.intake.models import Application
    from alur.whatsapp_cloud.models import BusinessNumber

    case = printed_card_case()
    number = BusinessNumber.objects.filter(
        office=case.office, purpose=BusinessNumber.Purpose.APPLICATIONS
    ).first()
    assert number is not None
    Application.objects.create(
        case=case,
        office=case.office,
        service_code="S2d",
        channel="whatsapp",
        applicant_name="Siti Aminah",
        applicant_nik="1808015503950001",
        applicant_phone="6281298765432",
        whatsapp_number=number,
        created_at=case.started_at,
    )
    documents_handover(case=case, actor=persona(COUNTER), method="pos", pos_tracking="P0001")
    survey = Survey.objects.get(case=case)
    assert survey.channel == Channel.WHATSAPP and survey.whatsapp_number == number
    asked = OutboundMessage.objects.get(dedupe_key=f"survey:{survey.pk}:invite")
    assert asked.sender == number.phone_number_id and asked.recipient == "6281298765432"
    assert "layanan Kartu Identitas Anak" in asked.payload["body"]


def test_the_demo_fills_the_current_quarter_the_same_every_time(
    office: Callable[[str], Any],
) -> None:
    from decimal import Decimal

    from alur.survey.demo import load_surveys

    assert load_surveys() == 0  # loaded with the demo already: none added twice
    for code, respondents, value in (("18.08", 42, "80.69"), ("19.01", 12, "78.70")):
        place = office(code)
        result = selectors.office_ikm(place, selectors.current_quarter(place))
        assert result.index.respondents == respondents
        assert result.index.value == Decimal(value)
