from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from alur.core.web import run_service
from alur.org.access import DENIED_MESSAGE, AuthedRequest, office_ids_for
from alur.outbox import selectors, services
from alur.outbox.choices import MessageStatus

PAGE_SIZE = 50
FILTERS = [
    MessageStatus.FAILED,
    MessageStatus.QUEUED,
    MessageStatus.SENDING,
    MessageStatus.SENT,
    MessageStatus.DELIVERED,
    MessageStatus.READ,
    MessageStatus.WITHHELD,
]


def _status(value: str | None) -> str:
    return value if value in MessageStatus.values else ""


def _list_url(status: str) -> str:
    url = reverse("outbox:list")
    return f"{url}?{urlencode({'status': status})}" if status else url


@login_required
def message_list(request: AuthedRequest) -> HttpResponse:
    if not office_ids_for(request.user, selectors.CAPABILITY):
        raise PermissionDenied(DENIED_MESSAGE)
    status = _status(request.GET.get("status"))
    page = Paginator(selectors.messages_for(request.user, status or None), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    counts = selectors.status_counts(request.user)
    filters = [(value, value.label, counts.get(value, 0)) for value in FILTERS]
    return render(
        request,
        "outbox/message_list.html",
        {
            "page": page,
            "status": status,
            "filters": filters,
            "total": sum(counts.values()),
            "Status": MessageStatus,
        },
    )


@login_required
@require_POST
def message_retry(request: AuthedRequest, pk: int) -> HttpResponse:
    message = selectors.message_for(request.user, pk)
    run_service(
        request,
        lambda: services.message_retry(
            message=message, actor=request.user, reason=request.POST.get("reason", "")
        ),
        "Pesan dimasukkan kembali ke antrean dan akan segera dikirim ulang.",
    )
    return redirect(_list_url(_status(request.POST.get("status"))))
