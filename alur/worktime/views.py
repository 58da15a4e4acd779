from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.views.decorators.http import require_POST

from alur.core.web import run_service
from alur.org.access import AuthedRequest, Capability
from alur.org.selectors import office_for
from alur.worktime import services
from alur.worktime.forms import ClosureForm, WeeklyHoursForm
from alur.worktime.models import Closure


def _back(code: str) -> HttpResponse:
    return redirect("org:office_detail", code=code)


@login_required
@require_POST
def closure_add(request: AuthedRequest, code: str) -> HttpResponse:
    office = office_for(request.user, code, Capability.VIEW_OFFICE)
    form = ClosureForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Data penutupan belum lengkap: " + form.errors.as_text())
        return _back(code)
    starts_at, ends_at = form.instants(office.timezone)
    run_service(
        request,
        lambda: services.closure_create(
            office=office,
            starts_at=starts_at,
            ends_at=ends_at,
            reason=form.cleaned_data["reason"],
            actor=request.user,
        ),
        "Penutupan kantor dicatat; tenggat tugas memperhitungkannya.",
    )
    return _back(code)


@login_required
@require_POST
def closure_remove(request: AuthedRequest, code: str, pk: int) -> HttpResponse:
    office = office_for(request.user, code, Capability.VIEW_OFFICE)
    closure = get_object_or_404(Closure, pk=pk, office=office)
    run_service(
        request,
        lambda: services.closure_delete(
            closure=closure, actor=request.user, reason=request.POST.get("reason", "")
        ),
        "Penutupan kantor dihapus.",
    )
    return _back(code)


@login_required
@require_POST
def hours_set(request: AuthedRequest, code: str) -> HttpResponse:
    office = office_for(request.user, code, Capability.VIEW_OFFICE)
    form = WeeklyHoursForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Jam kerja belum lengkap: " + form.errors.as_text())
        return _back(code)
    data = form.cleaned_data

    def change() -> object:
        if data["closed"]:
            return services.weekly_hours_clear_day(
                office=office, weekday=data["weekday"], actor=request.user, reason=data["reason"]
            )
        return services.weekly_hours_set(
            office=office,
            weekday=data["weekday"],
            opens=data["opens"],
            closes=data["closes"],
            break_starts=data["break_starts"],
            break_ends=data["break_ends"],
            actor=request.user,
            reason=data["reason"],
        )

    run_service(request, change, "Jam kerja diperbarui.")
    return _back(code)


@login_required
@require_POST
def hours_reset(request: AuthedRequest, code: str) -> HttpResponse:
    """Back to the national hours (Perpres 21/2023), with a reason."""
    office = office_for(request.user, code, Capability.VIEW_OFFICE)
    changed: list[bool] = []
    done = run_service(
        request,
        lambda: changed.append(
            services.weekly_hours_reset(
                office=office, actor=request.user, reason=request.POST.get("reason", "")
            )
        ),
        "Jam kerja kembali ke jam kerja bawaan (Perpres 21/2023).",
    )
    if done and not changed[0]:
        messages.info(request, "Kantor sudah memakai jam kerja bawaan; tidak ada yang diubah.")
    return _back(code)
