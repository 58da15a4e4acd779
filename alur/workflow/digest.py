"""The batched digest: staff hear what waits for them in at most one message per window.

A periodic task (`workflow.tasks.send_staff_digests`) looks at each person with notices not yet
carried (not read in the app either, and whose work still waits) and, when

- their last digest is older than the batch window (`ALUR_NOTICE_BATCH_MINUTES`, 30),
- it is working time in the office of their oldest waiting notice (its calendar, in its zone),
- and they want messages (`User.notice_channel`: WhatsApp, e-mail, or only in the app),

queues ONE message listing them ("3 naskah menunggu tanda tangan Anda: …") with one link to
"Pemberitahuan": by WhatsApp template from the office's business number to the person's own
number (User.phone), or by e-mail when they have no number (or chose e-mail). The notices it
lists are marked delivered in the same transaction, so none is carried twice. Outside working
hours nothing goes: the first run of the next working morning carries what waited overnight.
"""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max, Q, QuerySet
from django.urls import reverse
from django.utils import timezone

from alur.audit.services import record
from alur.org.models import Office, User
from alur.outbox.choices import Channel, Kind
from alur.outbox.content import whatsapp_template
from alur.outbox.models import OutboundMessage
from alur.outbox.services import message_enqueue, whatsapp_enqueue
from alur.whatsapp_cloud.notices import STAFF_DIGEST
from alur.workflow import staff_notices as sn
from alur.workflow.choices import TaskStatus
from alur.workflow.models import Notification
from alur.worktime.calendar import is_working_time
from alur.worktime.selectors import calendar_for

# The approved WhatsApp template (utility, Bahasa Indonesia) that carries the digest: one body
# parameter, the one-line summary with its link. Staff rarely write to the office's number, so
# the digest goes as this template from the start (free text would need the 24-hour window).
DIGEST_TEMPLATE = STAFF_DIGEST.name
DIGEST_LANGUAGE = STAFF_DIGEST.language
BATCH_MINUTES = 30
PARAMETER_LIMIT = 900  # under the Cloud API's limit for one body parameter
ITEMS_PER_GROUP = 5
TITLE_LIMIT = 60  # each title in the summary, cut after a whole word

# How each kind is counted in the summary, in this order.
PHRASES: dict[str, str] = {
    sn.LETTER_SIGN: "naskah menunggu tanda tangan Anda",
    sn.LETTER_COSIGN: "naskah menunggu tanda tangan Anda sebagai pihak kedua",
    sn.LETTER_PARAF: "naskah menunggu paraf Anda",
    sn.LETTER_RETURN: "naskah dikembalikan kepada Anda untuk perbaikan",
    sn.DOCUMENT_SIGN: "dokumen menunggu tanda tangan Anda",
    sn.TASK_REVIEW: "perkara menunggu keputusan Anda",
    sn.TASK_RETURNED: "perkara kembali kepada Anda",
    sn.CASE_PROMISE: "perkara hampir melewati janji layanan",
    sn.TASK_QUEUE: "tugas melebihi waktu antre",
}
OTHER = "pemberitahuan lain"


def batch_minutes() -> int:
    return int(getattr(settings, "ALUR_NOTICE_BATCH_MINUTES", BATCH_MINUTES))


def notifications_link() -> str:
    base = (settings.PUBLIC_URL or "http://127.0.0.1:8000").rstrip("/")
    return base + reverse("workflow:notifications")


def pending() -> QuerySet[Notification]:
    """Notices the digest still has to carry: not delivered, not read, not done, and (for a
    task) the task still open."""
    return Notification.objects.filter(
        delivered_at__isnull=True, read_at__isnull=True, done_at__isnull=True
    ).filter(Q(task__isnull=True) | Q(task__status__in=[TaskStatus.OPEN, TaskStatus.CLAIMED]))


def summary(notices: list[Notification]) -> str:
    """One line: each kind counted with what it is about, then the link."""
    groups: OrderedDict[str, list[Notification]] = OrderedDict(
        (kind, []) for kind in [*PHRASES, OTHER]
    )
    for notice in notices:
        groups[notice.kind if notice.kind in PHRASES else OTHER].append(notice)
    parts = []
    for kind, rows in groups.items():
        if not rows:
            continue
        phrase = PHRASES.get(kind, OTHER)
        titles = [
            sn.clip_words(row.title or row.message, TITLE_LIMIT)
            for row in rows
            if row.title or row.message
        ]
        shown = "; ".join(f"«{title}»" for title in titles[:ITEMS_PER_GROUP])
        more = len(titles) - ITEMS_PER_GROUP
        if more > 0:
            shown += f"; dan {more} lainnya"
        parts.append(f"{len(rows)} {phrase}: {shown}")
    link = notifications_link()
    text = ". ".join(parts)
    room = PARAMETER_LIMIT - len(link) - 10
    if len(text) > room:
        text = sn.clip_words(text, room)
    return " ".join(f"{text}. Buka: {link}".split())  # one line, single spaces


@dataclass(frozen=True)
class Route:
    channel: str  # "whatsapp" / "email"
    sender: str
    recipient: str


def route_for(user: User, office: Office) -> Route | None:
    """How the person is reached from `office`, by their preference; None: only in the app."""
    from alur.whatsapp_cloud.selectors import NOT_COMPLAINTS, office_number

    choice = user.notice_channel
    if choice == User.NoticeChannel.APP:
        return None
    if choice == User.NoticeChannel.WHATSAPP and user.phone:
        number = office_number(office, NOT_COMPLAINTS) or office_number(office)
        if number is not None:
            return Route(Channel.WHATSAPP, number.phone_number_id, user.phone)
    if user.email:
        return Route(Channel.EMAIL, office.email or str(settings.DEFAULT_FROM_EMAIL), user.email)
    return None


def digest_send(now: datetime | None = None) -> int:
    """Queue the due digests; how many messages were queued."""
    now = now or timezone.now()
    people = list(pending().values_list("user_id", flat=True).distinct().order_by("user_id"))
    return sum(_digest_one(user_id, now) for user_id in people)


def _digest_one(user_id: int, now: datetime) -> int:
    with transaction.atomic():
        user = User.objects.select_for_update(skip_locked=True).filter(pk=user_id).first()
        if user is None or not user.is_active:
            return 0  # another worker is carrying this person's digest
        last = Notification.objects.filter(user=user, delivered_at__isnull=False).aggregate(
            last=Max("delivered_at")
        )["last"]
        if last is not None and last > now - timedelta(minutes=batch_minutes()):
            return 0
        notices = list(
            pending()
            .filter(user=user)
            .select_related("office", "task__case")
            .order_by("created_at", "pk")
        )
        if not notices:
            return 0
        office = notices[0].office
        if not is_working_time(calendar_for(office), now):
            return 0
        route = route_for(user, office)
        if route is None:
            return 0
        text = summary(notices)
        try:
            message = _enqueue(route, office, user, text, now)
        except ValidationError:
            # A number or address the outbox refuses: the notices stay in the app (and are
            # tried again next window once the profile is corrected).
            return 0
        Notification.objects.filter(pk__in=[n.pk for n in notices]).update(
            delivered_at=now, delivered_by=route.channel
        )
        record(
            actor=None,
            office=office,
            action="notice.digest",
            obj=user,
            after={"channel": route.channel, "notices": len(notices), "message": message.pk},
        )
        return 1


def _enqueue(route: Route, office: Office, user: User, text: str, now: datetime) -> OutboundMessage:
    key = f"staff-digest:{user.pk}:{now:%Y%m%d%H%M}"
    if route.channel == Channel.WHATSAPP:
        content = whatsapp_template(DIGEST_TEMPLATE, [text], language=DIGEST_LANGUAGE)
        return whatsapp_enqueue(
            office=office,
            sender=route.sender,
            recipient=route.recipient,
            content=content,
            dedupe_key=key,
            cause=user,
        )
    return message_enqueue(
        office=office,
        channel=Channel.EMAIL,
        kind=Kind.TEXT,
        sender=route.sender,
        recipient=route.recipient,
        payload={
            "subject": "Alur: pekerjaan menunggu Anda",
            "body": f"Yth. {user.get_full_name()},\n\n{text}\n\n{office.name}",
        },
        dedupe_key=key,
        cause=user,
    )
