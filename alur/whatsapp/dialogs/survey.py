"""The satisfaction survey on WhatsApp: a tap on a survey row, or a typed 1–4 / LEWATI while the
survey is the citizen's latest question, answers it before the number's own dialog.

A tap carries its survey and answer (`alur.survey.messages.row_id`), so it is applied whatever
the conversation is doing, as long as it comes from the survey's own number and citizen. A typed
answer is read only while the survey's question is the last thing asked: asked after the
conversation's last turn. For a complaint answered on WhatsApp the survey replaces the old 1–5
score (the complaints dialog does not read a lone number as a score there).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from alur.core.errors import DomainError
from alur.survey import messages
from alur.survey.models import Survey
from alur.survey.services import survey_answer, survey_skip

if TYPE_CHECKING:
    from alur.outbox.content import WhatsAppContent
    from alur.whatsapp.conversation import Turn

TYPED = {"1": 1, "2": 2, "3": 3, "4": 4}
SKIP_WORDS = {"LEWATI", "LEWATI SURVEI", "SKIP"}


def _send(turn: Turn, content: WhatsAppContent) -> None:
    """A reply to the citizen's own message, queued like the turn's other replies."""
    from alur.outbox.services import whatsapp_enqueue

    turn.conversation.replies += 1
    whatsapp_enqueue(
        office=turn.number.office,
        sender=turn.number.phone_number_id,
        recipient=turn.citizen,
        content=content,
        dedupe_key=f"wa-reply:{turn.inbound.message_id}:{turn.conversation.replies}",
        cause=turn.inbound,
    )


def _surveys(turn: Turn) -> Any:
    return Survey.objects.select_related("office", "whatsapp_number").filter(
        whatsapp_number=turn.number, phone=turn.citizen
    )


def _latest(turn: Turn) -> Survey | None:
    """The citizen's open survey whose question is the last thing asked on this number: asked
    after the conversation's last turn."""
    survey = _surveys(turn).filter(completed_at=None, skipped_at=None).order_by("-asked_at").first()
    if survey is None or survey.asked_element is None or survey.asked_at is None:
        return None
    conversation = turn.conversation
    if conversation.replies == 0 or survey.asked_at >= conversation.updated_at:
        return survey  # nothing was asked on this conversation since (or ever)
    return None


def _after_answer(turn: Turn, survey: Survey) -> None:
    if survey.completed_at is not None:
        turn.say(messages.thanks(survey))
    elif survey.asked_element is not None:
        _send(turn, messages.question_content(survey, survey.asked_element))


def _apply(turn: Turn, survey: Survey, number: int | None, score: int | None) -> None:
    try:
        if number is None or score is None:
            survey_skip(survey=survey, when=turn.now)
            turn.say(messages.SKIPPED)
            return
        survey = survey_answer(survey=survey, element=number, score=score, when=turn.now)
    except DomainError as error:
        turn.say(str(error.args[0] if error.args else error))
        return
    _after_answer(turn, survey)


def intercept(turn: Turn, text: str, fetched: object) -> bool:
    """True when the message answered a survey (a tapped row, or a typed answer to the survey's
    latest question)."""
    raw = (turn.inbound.text or "").strip()
    tapped = messages.parse_row(raw) or messages.parse_row(text)
    if tapped is not None:
        token, number, score = tapped
        survey = _surveys(turn).filter(token=token).first()
        if survey is None:
            turn.say("Survei ini tidak ditemukan untuk nomor Anda.")
            return True
        _apply(turn, survey, number, score)
        return True
    word = raw.upper().rstrip(".")
    if fetched is not None or (word not in TYPED and word not in SKIP_WORDS):
        return False
    survey = _latest(turn)
    if survey is None or survey.asked_element is None:
        return False
    if word in SKIP_WORDS:
        _apply(turn, survey, None, None)
    else:
        _apply(turn, survey, survey.asked_element, TYPED[word])
    return True
