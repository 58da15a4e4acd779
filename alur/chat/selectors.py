"""Reads of the staff inbox of citizens' WhatsApp conversations, scoped by `alur.org.access`.

Who sees an office's inbox: the posts that serve the public there (counter staff, the seksi
that verifies applications, the complaints officer and the answering bidang: `SERVING_KINDS`),
holders and acting holders alike. The citizen's history beside a thread (applications,
complaints from that number) is read through the workflow's need-to-know rule
(`workflow.selectors.personal_cases`): a person sees only the cases they may read.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from statistics import median

from django.contrib.auth.models import AnonymousUser
from django.db.models import QuerySet
from django.http import Http404
from django.utils import timezone

from alur.chat.models import ChatMessage, Thread, duration_text
from alur.complaints.models import Complaint
from alur.complaints.selectors import complaints_for
from alur.intake.models import Application
from alur.org.access import posts_held
from alur.org.choices import PositionKind
from alur.org.models import Appointment, Office, User
from alur.outbox.consent import opted_out_since
from alur.workflow.selectors import personal_cases

SERVING_KINDS = frozenset(
    {
        PositionKind.PETUGAS,
        PositionKind.PELAKSANA,
        PositionKind.OPERATOR,
        PositionKind.KASI,
        PositionKind.KABID,
        PositionKind.SEKRETARIS,
    }
)
CLOSED_SHOWN = 30  # closed threads listed under the open ones
MEDIAN_WINDOW_DAYS = 90


def inbox_office_ids(user: User | AnonymousUser) -> frozenset[int]:
    """Offices whose inbox the person answers (a post of a serving kind, acting or not)."""
    return frozenset(p.office_id for p in posts_held(user) if p.kind in SERVING_KINDS)


def serves_public(user: User | AnonymousUser) -> bool:
    return bool(inbox_office_ids(user))


def threads_for(user: User | AnonymousUser) -> QuerySet[Thread]:
    return Thread.objects.filter(office_id__in=inbox_office_ids(user)).select_related(
        "office", "number", "assigned_to"
    )


def thread_for(user: User | AnonymousUser, pk: int) -> Thread:
    """A thread of one of the person's inboxes; 404 otherwise (existence is not revealed)."""
    thread = threads_for(user).filter(pk=pk).first()
    if thread is None:
        raise Http404("Percakapan tidak ditemukan.")
    return thread


@dataclass(frozen=True)
class InboxRow:
    thread: Thread
    waiting_since: datetime | None  # the citizen's unanswered message, for an open thread
    last_text: str


@dataclass(frozen=True)
class OfficeFigure:
    office: Office
    open_count: int
    median_first_reply: int | None  # seconds, over the last MEDIAN_WINDOW_DAYS
    answered: int

    @property
    def median_text(self) -> str:
        return duration_text(self.median_first_reply) if self.median_first_reply is not None else ""


def inbox(user: User | AnonymousUser) -> list[InboxRow]:
    """Open threads first (the longest waiting first), then the latest closed ones."""
    base = threads_for(user)
    open_rows = list(base.filter(status=Thread.Status.OPEN).order_by("last_citizen_at", "pk"))
    closed = list(base.filter(status=Thread.Status.CLOSED).order_by("-closed_at")[:CLOSED_SHOWN])
    threads = open_rows + closed
    last: dict[int, ChatMessage] = {}
    said = ChatMessage.objects.filter(thread__in=threads).exclude(
        direction=ChatMessage.Direction.SYSTEM
    )
    for chat in said.order_by("created_at", "id"):
        last[chat.thread_id] = chat
    rows = []
    for thread in threads:
        message = last.get(thread.pk)
        waiting = (
            thread.last_citizen_at
            if thread.is_open
            and message is not None
            and message.direction != ChatMessage.Direction.STAFF
            else None
        )
        text = message.text or message.filename if message is not None else ""
        rows.append(InboxRow(thread, waiting, text if len(text) <= 80 else text[:79] + "…"))
    return rows


def office_figures(user: User | AnonymousUser) -> list[OfficeFigure]:
    """Per inbox office: open threads and the median time to the first reply."""
    since = timezone.now() - timedelta(days=MEDIAN_WINDOW_DAYS)
    figures = []
    for office in Office.objects.filter(pk__in=inbox_office_ids(user)).order_by("code"):
        times = [
            seconds
            for seconds in Thread.objects.filter(
                office=office, opened_at__gte=since, first_reply_seconds__isnull=False
            ).values_list("first_reply_seconds", flat=True)
            if seconds is not None
        ]
        figures.append(
            OfficeFigure(
                office=office,
                open_count=Thread.objects.filter(office=office, status=Thread.Status.OPEN).count(),
                median_first_reply=int(median(times)) if times else None,
                answered=len(times),
            )
        )
    return figures


def messages_of(thread: Thread) -> list[ChatMessage]:
    return list(thread.messages.select_related("author", "outbound"))


def message_file(user: User | AnonymousUser, thread_pk: int, pk: int) -> ChatMessage:
    """A citizen's file in a thread the person may read; 404 otherwise."""
    thread = thread_for(user, thread_pk)
    message = thread.messages.filter(pk=pk).exclude(file="").first()
    if message is None:
        raise Http404("Berkas tidak ditemukan.")
    return message


def colleagues(office: Office) -> list[User]:
    """Who may be given a thread of `office`: today's holders of its serving posts."""
    users = (
        Appointment.objects.active_on(timezone.localdate())
        .filter(
            position__office=office,
            position__kind__in=SERVING_KINDS,
            position__is_active=True,
            user__is_active=True,
        )
        .values_list("user_id", flat=True)
    )
    return list(User.objects.filter(pk__in=list(users)).order_by("full_name", "username"))


def consent_since(thread: Thread) -> datetime | None:
    """When the citizen said BERHENTI to the thread's number, or None."""
    return opted_out_since(thread.number.phone_number_id, thread.citizen)


@dataclass(frozen=True)
class History:
    applications: list[Application]
    complaints: list[Complaint]


def history(user: User | AnonymousUser, thread: Thread) -> History:
    """The citizen's applications and complaints from this WhatsApp number that the person may
    read (need-to-know), newest first; nothing of other offices' cases the person cannot read."""
    applications = list(
        Application.objects.filter(personal_cases(user, "case"), applicant_phone=thread.citizen)
        .select_related("case", "office")
        .order_by("-created_at")[:10]
    )
    complaints = list(
        complaints_for(user).filter(reporter_phone=thread.citizen).order_by("-created_at")[:10]
    )
    return History(applications, complaints)
