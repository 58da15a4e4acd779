"""Pages of staff notices: "Pemberitahuan" (with the person's delivery preference), what is
about to miss its promise (supervisors), and the office's queue times (managers)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from alur.core.errors import DomainError
from alur.core.validators import is_ascii_digits
from alur.org.access import AuthedRequest
from alur.org.models import User
from alur.workflow import notice_selectors as selectors
from alur.workflow import services as workflow_services
from alur.workflow import staff_notices as services
from alur.workflow.digest import batch_minutes


@login_required
def notifications(request: AuthedRequest) -> HttpResponse:
    if request.method == "POST":
        workflow_services.notifications_mark_read(user=request.user)
        messages.success(request, "Semua pemberitahuan ditandai sudah dibaca.")
        return redirect("workflow:notifications")
    items = selectors.notifications_list(request.user)
    return render(
        request,
        "workflow/notifications.html",
        {
            "items": items,
            "done": selectors.notifications_done(request.user),
            "unread": sum(1 for n in items if n.read_at is None),
            "channels": User.NoticeChannel.choices,
            "current_channel": request.user.notice_channel,
            "window": batch_minutes(),
        },
    )


@login_required
@require_POST
def notification_read(request: AuthedRequest, pk: int) -> HttpResponse:
    services.notification_read(user=request.user, pk=pk)
    return redirect("workflow:notifications")


@login_required
@require_POST
def notice_preference(request: AuthedRequest) -> HttpResponse:
    try:
        services.notice_preference_set(
            user=request.user, channel=request.POST.get("notice_channel", "")
        )
    except DomainError as error:
        messages.error(request, str(error.message))
    else:
        messages.success(request, "Cara pemberitahuan disimpan.")
    return redirect("workflow:notifications")


@login_required
def at_risk(request: AuthedRequest) -> HttpResponse:
    if not selectors.sees_at_risk(request.user):
        raise PermissionDenied("Halaman ini untuk Kasi, Kabid, Sekretaris dan Kadis.")
    return render(request, "workflow/at_risk.html", {"rows": selectors.at_risk_for(request.user)})


def _minutes(raw: str) -> int | None:
    raw = raw.strip()
    if not raw:
        return None
    if not is_ascii_digits(raw) or len(raw) > 6:
        raise DomainError("Tulis waktu antre dalam menit (angka), atau kosongkan untuk menghapus.")
    return int(raw)


@login_required
def queue_times(request: AuthedRequest) -> HttpResponse:
    offices = selectors.queue_time_offices(request.user)
    if not offices.exists():
        raise PermissionDenied("Waktu antre diatur oleh pimpinan kantor.")
    form = {"office": "", "sop_code": "", "step": "", "minutes": ""}
    error = ""
    if request.method == "POST":
        form = {k: request.POST.get(k, "").strip()[:20] for k in form}
        office = offices.filter(code=form["office"]).first()
        try:
            if office is None:
                raise DomainError("Pilih kantor Anda.")
            if not is_ascii_digits(form["step"]) or len(form["step"]) > 3:
                raise DomainError("Tulis nomor langkah SOP (angka).")
            services.queue_time_set(
                office=office,
                sop_code=form["sop_code"],
                step=int(form["step"]),
                minutes=_minutes(form["minutes"]),
                actor=request.user,
            )
        except DomainError as problem:
            error = str(problem.message)
        else:
            messages.success(request, "Waktu antre disimpan.")
            return redirect("workflow:queue_times")
    return render(
        request,
        "workflow/queue_times.html",
        {
            "offices": offices,
            "rows": selectors.queue_times(offices),
            "sops": selectors.sop_choices(),
            "form": form,
            "error": error,
        },
        status=400 if error else 200,
    )
