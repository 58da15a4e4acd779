"""The WhatsApp Cloud API webhook: verification (GET) and notifications (POST)."""

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils.crypto import constant_time_compare
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from alur.whatsapp.services import webhook_receive
from alur.whatsapp.signature import is_valid

MAX_BODY = 3 * 1024 * 1024  # Meta batches up to 1,000 updates; far below this


@csrf_exempt
@require_http_methods(["GET", "POST"])
def webhook(request: HttpRequest) -> HttpResponse:
    if request.method == "GET":
        token = request.GET.get("hub.verify_token", "")
        expected = settings.WHATSAPP_VERIFY_TOKEN or ""
        if (
            request.GET.get("hub.mode") == "subscribe"
            and expected
            and constant_time_compare(token, expected)
        ):
            return HttpResponse(request.GET.get("hub.challenge", ""), content_type="text/plain")
        return HttpResponse("verify token salah", status=403, content_type="text/plain")
    header = request.META.get("HTTP_X_HUB_SIGNATURE_256", "")  # X-Hub-Signature-256
    if not header:
        return HttpResponse("tanda tangan tidak ada", status=401, content_type="text/plain")
    body = request.body
    if len(body) > MAX_BODY:
        return HttpResponse("terlalu besar", status=413, content_type="text/plain")
    if not is_valid(body, header, settings.WHATSAPP_APP_SECRET or ""):
        return HttpResponse("tanda tangan salah", status=403, content_type="text/plain")
    webhook_receive(body=body, signature=header)
    return HttpResponse("OK", content_type="text/plain")
