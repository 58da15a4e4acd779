"""The survey over WhatsApp: one list message per element, whose rows carry the survey and the
answer, so a tap is understood without any conversation state.

A row id is `SKM:<token>:<element>:<score>` (or `SKM:<token>:LEWATI`); the token is the survey's
own unguessable one, and the WhatsApp side checks that the tap comes from the survey's number.
Where the list cannot be shown (the provider refuses it, or the 24-hour window has closed and
the office's template carries the question) the citizen reads the question with the four
answers numbered and replies 1–4 or LEWATI, which `alur.whatsapp.dialogs.survey` reads while
the survey is the citizen's latest question.
"""

from __future__ import annotations

from dataclasses import replace

from alur.outbox.content import WhatsAppContent, whatsapp_list, whatsapp_text
from alur.outbox.services import whatsapp_enqueue
from alur.survey.choices import ELEMENT_COUNT, SCORES, answer_label, answer_title, element
from alur.survey.models import Survey

PREFIX = "SKM"
SKIP = "LEWATI"
BUTTON = "Pilih jawaban"


def row_id(survey: Survey, number: int, score: int) -> str:
    return f"{PREFIX}:{survey.token}:{number}:{score}"


def skip_id(survey: Survey) -> str:
    return f"{PREFIX}:{survey.token}:{SKIP}"


def parse_row(text: str) -> tuple[str, int | None, int | None] | None:
    """(token, element, score) of a tapped row, (token, None, None) for its LEWATI row; None
    when `text` is not a survey row."""
    parts = (text or "").strip().split(":")
    if len(parts) < 3 or parts[0].upper() != PREFIX or not parts[1]:
        return None
    token = parts[1].lower()
    if len(parts) == 3 and parts[2].upper() == SKIP:
        return token, None, None
    if len(parts) != 4 or not (parts[2].isascii() and parts[2].isdigit()):
        return None
    if not (parts[3].isascii() and parts[3].isdigit()):
        return None
    number, score = int(parts[2]), int(parts[3])
    if not 1 <= number <= ELEMENT_COUNT or score not in SCORES:
        return None
    return token, number, score


def intro(survey: Survey) -> str:
    office = survey.office.short_name or survey.office.name
    return (
        f"Terima kasih telah menggunakan layanan {survey.service_label} di {office}. "
        "Bantu kami memperbaiki pelayanan dengan Survei Kepuasan Masyarakat: 9 pertanyaan "
        "singkat, cukup pilih jawaban. Survei ini tidak wajib; pilih LEWATI bila tidak berkenan."
    )


def question_text(number: int) -> str:
    spec = element(number)
    return f"Pertanyaan {number} dari {ELEMENT_COUNT} — {spec.name}\n{spec.question}"


def question_content(survey: Survey, number: int, *, lead: str = "") -> WhatsAppContent:
    """The list message asking element `number`; its text form (numbered answers, reply 1–4)
    is what the citizen reads where the list cannot be shown."""
    body = f"{lead}\n\n{question_text(number)}" if lead else question_text(number)
    rows = [
        (
            row_id(survey, number, score),
            f"{score}. {answer_title(number, score)}"[:24],
            answer_label(number, score)
            if answer_title(number, score) != answer_label(number, score)
            else "",
        )
        for score in SCORES
    ]
    rows.append((skip_id(survey), "Lewati survei", "Tidak mengisi survei ini"))
    listed = whatsapp_list(body, BUTTON, rows, section=f"Pertanyaan {number}")
    typed = "\n".join(f"{score}. {answer_label(number, score)}" for score in SCORES)
    text = f"{body}\n\n{typed}\n\nBalas dengan angka 1–4, atau LEWATI bila tidak berkenan."
    number_ = survey.whatsapp_number
    fallback = whatsapp_text(
        text,
        template=number_.status_template if number_ is not None else None,
        language=number_.template_language if number_ is not None else "id",
    )
    return replace(
        listed,
        payload={**listed.payload, "body": text},
        template_fallback=fallback.template_fallback,
    )


def send_invitation(survey: Survey) -> None:
    """The first question, with what the survey is for; in the transaction of the hand-over or
    answer that causes it. Not a notice the law requires: a number that said BERHENTI is not
    asked."""
    number = survey.whatsapp_number
    if number is None or not survey.phone:
        return
    whatsapp_enqueue(
        office=survey.office,
        sender=number.phone_number_id,
        recipient=survey.phone,
        content=question_content(survey, 1, lead=intro(survey)),
        dedupe_key=f"survey:{survey.pk}:invite",
        cause=survey,
    )


def thanks(survey: Survey) -> str:
    return (
        "Terima kasih, survei selesai. Penilaian Anda membantu "
        f"{survey.office.short_name or survey.office.name} memperbaiki pelayanan."
    )


SKIPPED = "Baik, survei dilewati. Terima kasih."
