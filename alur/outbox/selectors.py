"""Reads of the outbox, always narrowed to the offices the person may see."""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser
from django.db.models import Case, Count, IntegerField, QuerySet, Value, When
from django.http import Http404

from alur.org.access import Capability, scope
from alur.org.models import User
from alur.outbox.choices import MessageStatus
from alur.outbox.models import OutboundMessage

CAPABILITY = Capability.VIEW_AUDIT


def messages_for(
    user: User | AnonymousUser, status: str | None = None
) -> QuerySet[OutboundMessage]:
    """Messages of the person's offices: failed ones first (they need someone), then newest."""
    messages = scope(OutboundMessage.objects.all(), user, CAPABILITY).select_related("office")
    if status:
        messages = messages.filter(status=status)
    failed_first = Case(
        When(status=MessageStatus.FAILED, then=Value(0)),
        default=Value(1),
        output_field=IntegerField(),
    )
    return messages.order_by(failed_first, "-created_at", "-pk")


def status_counts(user: User | AnonymousUser) -> dict[str, int]:
    """How many of the person's messages are in each status (one query)."""
    rows = (
        scope(OutboundMessage.objects.all(), user, CAPABILITY)
        .order_by()
        .values_list("status")
        .annotate(n=Count("pk"))
    )
    return dict(rows)


def message_for(user: User | AnonymousUser, pk: int) -> OutboundMessage:
    """One message if the person may see it; 404 otherwise (its existence is not revealed)."""
    message = (
        scope(OutboundMessage.objects.all(), user, CAPABILITY)
        .select_related("office")
        .filter(pk=pk)
        .first()
    )
    if message is None:
        raise Http404("Pesan tidak ditemukan.")
    return message
