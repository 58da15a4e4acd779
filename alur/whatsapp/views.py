"""The WhatsApp Cloud API webhook: verification (GET) and notifications (POST)."""

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.crypto import constant_time_compare
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from alur.whatsapp.services import webhook_receive
from alur.whatsapp_cloud.signature import is_valid

MAX_BODY = 3 * 1024 * 1024  # Meta batches up to 1,000 updates; far below this
TOO_LARGE = "Isi permintaan terlalu besar: paling besar 3 MB."


def _too_large() -> JsonResponse:
    return JsonResponse({"error": TOO_LARGE}, status=413)


def _bounded_body(request: HttpRequest) -> bytes | None:
    """The body, or None when it is longer than MAX_BODY. Read from the request's stream, at
    most one byte past the limit (request.body would stop at DATA_UPLOAD_MAX_MEMORY_SIZE with
    a 400 first); a declared length past the limit is refused before anything is read."""
    declared = request.META.get("CONTENT_LENGTH") or ""
    if declared.isascii() and declared.isdigit() and int(declared) > MAX_BODY:
        return None
    body = request.read(MAX_BODY + 1)
    return None if len(body) > MAX_BODY else body


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
    body = _bounded_body(request)
    if body is None:
        return _too_large()
    if not is_valid(body, header, settings.WHATSAPP_APP_SECRET or ""):
        return HttpResponse("tanda tangan salah", status=403, content_type="text/plain")
    webhook_receive(body=body, signature=header)
    return HttpResponse("OK", content_type="text/plain")
