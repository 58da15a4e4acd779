"""The staff inbox of citizens' WhatsApp conversations: the list (open first, how long each
waits, the office's median first reply) and a thread (messages, reply, assign, close, and the
citizen's history beside it). Reads through `chat.selectors`, writes through `chat.services`."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.storage import default_storage
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from alur.chat import selectors, services
from alur.chat.models import Thread
from alur.core.errors import DomainError
from alur.core.web import error_text
from alur.org.access import DENIED_MESSAGE, AuthedRequest
from alur.org.models import User

ACTIONS = ("reply", "take", "assign", "close")


def _require_inbox(request: AuthedRequest) -> None:
    if not selectors.serves_public(request.user):
        raise PermissionDenied(DENIED_MESSAGE)


@login_required
def thread_list(request: AuthedRequest) -> HttpResponse:
    _require_inbox(request)
    return render(
        request,
        "chat/thread_list.html",
        {
            "rows": selectors.inbox(request.user),
            "figures": selectors.office_figures(request.user),
            "now": timezone.now(),
        },
    )


def _assignee(thread: Thread, raw: str) -> User:
    if not raw.isascii() or not raw.isdigit() or len(raw) > 12:
        raise DomainError("Pilih petugas.")
    for user in selectors.colleagues(thread.office):
        if user.pk == int(raw):
            return user
    raise DomainError("Petugas itu tidak melayani warga di kantor ini.")


def _act(request: AuthedRequest, thread: Thread, action: str) -> str:
    """Run one action of the thread page; the message to show when it went through."""
    user = request.user
    if action == "reply":
        services.thread_reply(thread=thread, actor=user, text=request.POST.get("text", ""))
        return "Balasan dimasukkan ke antrean dan segera dikirim ke warga."
    if action == "take":
        services.thread_assign(thread=thread, actor=user)
        return "Percakapan ini Anda tangani."
    if action == "assign":
        assignee = _assignee(thread, request.POST.get("assignee", "").strip())
        services.thread_assign(thread=thread, actor=user, assignee=assignee)
        return f"Percakapan diserahkan kepada {assignee.get_full_name() or assignee.username}."
    services.thread_close(thread=thread, actor=user)
    return "Percakapan ditutup."


@login_required
def thread_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    _require_inbox(request)
    thread = selectors.thread_for(request.user, pk)
    typed, failed = "", False
    if request.method == "POST":
        action = request.POST.get("action", "")
        if action not in ACTIONS:
            messages.error(request, "Tindakan tidak dikenal.")
            failed = True
        else:
            try:
                done = _act(request, thread, action)
            except (DomainError, ValidationError, PermissionDenied) as error:
                messages.error(request, error_text(error))
                failed = True
                typed = request.POST.get("text", "")[: services.REPLY_LIMIT * 2]
                thread = selectors.thread_for(request.user, pk)
            else:
                messages.success(request, done)
                return redirect("chat:thread", pk=thread.pk)
    now = timezone.now()
    return render(
        request,
        "chat/thread_detail.html",
        {
            "thread": thread,
            "chat": selectors.messages_of(thread),
            "history": selectors.history(request.user, thread),
            "consent_since": selectors.consent_since(thread),
            "colleagues": selectors.colleagues(thread.office),
            "window_open": now - thread.last_citizen_at <= services.WINDOW,
            "typed": typed,
            "reply_limit": services.REPLY_LIMIT,
        },
        status=400 if failed else 200,
    )


@login_required
def thread_file(request: AuthedRequest, pk: int, message_pk: int) -> FileResponse:
    _require_inbox(request)
    message = selectors.message_file(request.user, pk, message_pk)
    if not default_storage.exists(message.file):
        raise Http404("Berkas tidak ditemukan.")
    response = FileResponse(
        default_storage.open(message.file, "rb"),
        as_attachment=True,
        filename=message.filename or "berkas",
        content_type=message.mime_type or "application/octet-stream",
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response
