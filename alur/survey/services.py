"""Every change to satisfaction surveys: one transaction each, with its audit event and its
messages.

`survey_invite` is called by the documents' hand-over, the complaints' answer and the end of
any case that began with a citizen's application (`survey_on_case_done`: the services whose SOP
ends with the notice that the document is ready), in their transaction: once per case, a second
call returns the first survey. A case that came by WhatsApp
is asked there, one element per list message (`alur.survey.messages`); every other case gets a
link with an unguessable token, shown to the officer as a QR code on the case page. Answering is
optional: LEWATI over WhatsApp, or simply not opening the link.
"""

from __future__ import annotations

import logging
import secrets
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from django.db import transaction
from django.utils import timezone

from alur.audit.services import record
from alur.core.errors import ConflictError, DomainError
from alur.org.access import Capability, require
from alur.org.models import Office, User
from alur.survey import messages
from alur.survey.choices import (
    ELEMENT_COUNT,
    SCORES,
    SERVICE_LABELS,
    Channel,
    Education,
    Gender,
    Occupation,
    Source,
)
from alur.survey.models import Answer, Survey
from alur.workflow.models import Case

log = logging.getLogger(__name__)

MSG_DONE = "Survei ini sudah diisi. Terima kasih atas penilaian Anda."
MSG_SKIPPED = "Survei ini sudah dilewati."
MSG_SCORE = "Pilih salah satu dari empat jawaban (1 sampai 4)."
MSG_MISSING = "Pilih jawaban untuk pertanyaan {numbers}."


def _token() -> str:
    return secrets.token_hex(16)


def service_label(code: str, fallback: str = "") -> str:
    return SERVICE_LABELS.get(code) or fallback[:120] or code


def _whatsapp_of_application(case: Case) -> tuple[str, Any]:
    """(citizen number, business number) when the case's application came by WhatsApp."""
    from alur.intake.choices import Channel as IntakeChannel
    from alur.intake.models import Application

    application = Application.objects.select_related("whatsapp_number").filter(case=case).first()
    if (
        application is None
        or application.channel != IntakeChannel.WHATSAPP
        or not application.applicant_phone
        or application.whatsapp_number is None
        or not application.whatsapp_number.is_active
    ):
        return "", None
    return application.applicant_phone, application.whatsapp_number


@transaction.atomic
def survey_invite(
    *,
    case: Case,
    source: str,
    actor: User | None = None,
    phone: str = "",
    whatsapp_number: Any = None,
    when: datetime | None = None,
) -> Survey:
    """The case's survey, made once: asked over WhatsApp when the case came by it (`phone` and
    `whatsapp_number`, or its application's), else offered by link/QR. A second call returns
    the survey of the first."""
    if source not in Source.values or source == Source.PAPER:
        raise DomainError(f"Asal survei {source!r} tidak dikenal.")
    existing = Survey.objects.filter(case=case).first()
    if existing is not None:
        return existing
    if source == Source.DOCUMENTS and not phone:
        phone, whatsapp_number = _whatsapp_of_application(case)
    by_whatsapp = bool(phone) and whatsapp_number is not None
    now = when or timezone.now()
    sop = case.sop
    survey = Survey.objects.create(
        case=case,
        office=case.office,
        service_code=sop.code,
        service_label=service_label(sop.code, sop.name),
        source=source,
        channel=Channel.WHATSAPP if by_whatsapp else Channel.LINK,
        token=_token(),
        phone=phone if by_whatsapp else "",
        whatsapp_number=whatsapp_number if by_whatsapp else None,
        created_at=now,
        created_by=actor,
        asked_element=1 if by_whatsapp else None,
        asked_at=now if by_whatsapp else None,
    )
    record(
        actor=actor,
        office=case.office,
        action="survey.invite",
        obj=survey,
        after={"case": case.reference, "source": source, "channel": survey.channel},
    )
    if by_whatsapp:
        messages.send_invitation(survey)
    return survey


def _locked(survey: Survey) -> Survey:
    return (
        Survey.objects.select_for_update(of=("self",))
        .select_related("office", "whatsapp_number")
        .get(pk=survey.pk)
    )


def _open(survey: Survey) -> None:
    if survey.completed_at is not None:
        raise ConflictError(MSG_DONE)
    if survey.skipped_at is not None:
        raise ConflictError(MSG_SKIPPED)


def _score(value: Any) -> int:
    text = str(value if value is not None else "").strip()
    if len(text) != 1 or not text.isascii() or not text.isdigit() or int(text) not in SCORES:
        raise DomainError(MSG_SCORE, code="score")
    return int(text)


def answered_elements(survey: Survey) -> set[int]:
    return set(Answer.objects.filter(survey=survey).values_list("element", flat=True))


def next_element(survey: Survey) -> int | None:
    """The first element not answered yet; None when all nine are."""
    done = answered_elements(survey)
    return next((n for n in range(1, ELEMENT_COUNT + 1) if n not in done), None)


@transaction.atomic
def survey_answer(
    *, survey: Survey, element: int, score: Any, when: datetime | None = None
) -> Survey:
    """One answer (over WhatsApp): kept, or changed while the survey is open; the survey then
    asks the next element not answered (`asked_element`), or is complete after the ninth."""
    survey = _locked(survey)
    _open(survey)
    if not 1 <= element <= ELEMENT_COUNT:
        raise DomainError("Pertanyaan survei tidak dikenal.", code="element")
    value = _score(score)
    now = when or timezone.now()
    previous = Answer.objects.filter(survey=survey, element=element).first()
    if previous is None:
        Answer.objects.create(survey=survey, element=element, score=value, answered_at=now)
    else:
        previous.score, previous.answered_at = value, now
        previous.save(update_fields=["score", "answered_at"])
    fields = ["asked_element", "asked_at"]
    if survey.responded_at is None:
        survey.responded_at = now
        fields.append("responded_at")
    following = next_element(survey)
    survey.asked_element, survey.asked_at = following, now if following else survey.asked_at
    if following is None:
        survey.completed_at = now
        fields.append("completed_at")
    survey.save(update_fields=fields)
    record(
        actor=None,
        office=survey.office,
        action="survey.answer",
        obj=survey,
        before={"score": previous.score} if previous else None,
        after={"element": element, "score": value, "complete": following is None},
    )
    return survey


@transaction.atomic
def survey_skip(*, survey: Survey, when: datetime | None = None) -> Survey:
    """The citizen declines (LEWATI): nothing more is asked; what was answered still counts."""
    survey = _locked(survey)
    _open(survey)
    survey.skipped_at, survey.asked_element = when or timezone.now(), None
    survey.save(update_fields=["skipped_at", "asked_element"])
    record(
        actor=None,
        office=survey.office,
        action="survey.skip",
        obj=survey,
        after={"answered": len(answered_elements(survey))},
    )
    return survey


def clean_scores(scores: Mapping[int, Any]) -> dict[int, int]:
    """All nine answers of a questionnaire; DomainError naming the unanswered ones."""
    missing = [n for n in range(1, ELEMENT_COUNT + 1) if not str(scores.get(n) or "").strip()]
    if missing:
        raise DomainError(
            MSG_MISSING.format(numbers=", ".join(str(n) for n in missing)), code="missing"
        )
    return {n: _score(scores[n]) for n in range(1, ELEMENT_COUNT + 1)}


def _respondent(gender: str, education: str, occupation: str) -> dict[str, str]:
    """The respondent's optional data; an unknown value is refused, a blank one kept blank."""
    values = {"gender": gender, "education": education, "occupation": occupation}
    allowed = {
        "gender": Gender.values,
        "education": Education.values,
        "occupation": Occupation.values,
    }
    for key, value in values.items():
        if value and value not in allowed[key]:
            raise DomainError("Pilihan data responden tidak dikenal.", code=key)
    return values


def _fill(
    survey: Survey, scores: dict[int, int], respondent: dict[str, str], now: datetime
) -> None:
    Answer.objects.bulk_create(
        [Answer(survey=survey, element=n, score=s, answered_at=now) for n, s in scores.items()]
    )
    survey.gender = respondent["gender"]
    survey.education = respondent["education"]
    survey.occupation = respondent["occupation"]
    survey.responded_at = survey.responded_at or now
    survey.completed_at = now
    survey.asked_element = None


@transaction.atomic
def survey_submit(
    *,
    survey: Survey,
    scores: Mapping[int, Any],
    gender: str = "",
    education: str = "",
    occupation: str = "",
    when: datetime | None = None,
) -> Survey:
    """The public page's one submit: the nine answers and the optional respondent data."""
    survey = _locked(survey)
    _open(survey)
    if Answer.objects.filter(survey=survey).exists():
        raise ConflictError(MSG_DONE)
    values = clean_scores(scores)
    respondent = _respondent(gender, education, occupation)
    now = when or timezone.now()
    _fill(survey, values, respondent, now)
    survey.save(
        update_fields=[
            "gender",
            "education",
            "occupation",
            "responded_at",
            "completed_at",
            "asked_element",
        ]
    )
    record(
        actor=None,
        office=survey.office,
        action="survey.submit",
        obj=survey,
        after={"channel": survey.channel, "answers": len(values)},
    )
    return survey


@transaction.atomic
def survey_record_paper(
    *,
    office: Office,
    service_code: str,
    scores: Mapping[int, Any],
    actor: User | None,
    gender: str = "",
    education: str = "",
    occupation: str = "",
    when: datetime | None = None,
) -> Survey:
    """A questionnaire filled on paper at the counter, typed in by staff (no case)."""
    if actor is not None:
        require(actor, Capability.HANDLE_CASES, office)
    values = clean_scores(scores)
    respondent = _respondent(gender, education, occupation)
    now = when or timezone.now()
    survey = Survey(
        office=office,
        service_code=service_code,
        service_label=service_label(service_code),
        source=Source.PAPER,
        channel=Channel.PAPER,
        token=_token(),
        created_at=now,
        created_by=actor,
    )
    survey.save()
    _fill(survey, values, respondent, now)
    survey.save()
    record(
        actor=actor,
        office=office,
        action="survey.paper",
        obj=survey,
        after={"service": service_code, "answers": len(values)},
    )
    return survey


def survey_on_case_done(case: Case, actor: User | None) -> None:
    """The engine finished `case` (done): the citizen whose application began it is asked, once.

    Runs in the engine's transaction, in a savepoint of its own: a survey that cannot be made
    (a number the outbox refuses) is logged and never stops the case from ending."""
    from django.core.exceptions import ValidationError

    from alur.intake.models import Application

    if Survey.objects.filter(case=case).exists():
        return
    if not Application.objects.filter(case=case).exists():
        return  # letters, reports, logistics: no citizen to ask
    try:
        with transaction.atomic():
            survey_invite(case=case, source=Source.DOCUMENTS, actor=actor)
    except (DomainError, ValidationError):
        log.exception("survey for case %s could not be made", case.reference)
