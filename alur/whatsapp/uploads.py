"""The files a citizen sends while filling in an application, kept in storage until the
application is sent (its attachments are then the only copy) or dropped: BATAL, MENU, a failed
submission or the conversation's idle expiry remove them."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone

from alur.core.uploads import CheckedFile
from alur.whatsapp.models import Conversation
from alur.whatsapp.state import ApplicationForm, StagedUpload


def stage(
    conversation: Conversation, requirement_key: str, data: bytes, checked: CheckedFile, name: str
) -> StagedUpload:
    """Keep a checked file for `requirement_key` of the conversation's application."""
    path = default_storage.save(
        f"intake/whatsapp/{conversation.pk}/{requirement_key}-{checked.sha256[:12]}."
        f"{checked.extension}",
        ContentFile(data),
    )
    return StagedUpload(path=path, mime=checked.mime, filename=name)


def read(upload: StagedUpload) -> bytes:
    with default_storage.open(upload.path, "rb") as handle:
        return handle.read()


def _delete(paths: list[str]) -> None:
    for path in paths:
        default_storage.delete(path)


def drop_staged(data: dict[str, Any]) -> None:
    """Remove the files staged in a conversation's state once the current transaction commits
    (at once outside one): its change of state is then stored too."""
    paths = ApplicationForm.from_json(data).staged_paths() if data.get("files") else []
    if paths:
        transaction.on_commit(lambda: _delete(paths))


def drop_idle_uploads() -> int:
    """Remove the staged files of conversations idle past their expiry; how many conversations
    had some. Their state stays as it is, so the citizen's next message still hears that the
    session ended."""
    idle = timedelta(minutes=settings.WHATSAPP_CONVERSATION_IDLE_MINUTES)
    dropped = 0
    stale = Conversation.objects.filter(
        updated_at__lt=timezone.now() - idle,
        state__in=[Conversation.State.FILES, Conversation.State.CONFIRM],
    )
    for pk in stale.values_list("pk", flat=True):
        with transaction.atomic():
            conversation = Conversation.objects.select_for_update().get(pk=pk)
            form = ApplicationForm.from_json(conversation.data)
            if conversation.updated_at >= timezone.now() - idle or not form.staged_paths():
                continue  # the citizen wrote again meanwhile, or nothing is staged
            drop_staged(conversation.data)
            form.files = {}
            conversation.data = form.to_json()
            conversation.save(update_fields=["data"])
            dropped += 1
    return dropped


STAGED_ROOT = "intake/whatsapp"


def _referenced(value: Any, found: set[str]) -> None:
    """Every staged path in a conversation's state, wherever the dialog keeps it."""
    if isinstance(value, str):
        if value.startswith(f"{STAGED_ROOT}/"):
            found.add(value)
    elif isinstance(value, dict):
        for item in value.values():
            _referenced(item, found)
    elif isinstance(value, list):
        for item in value:
            _referenced(item, found)


def drop_orphaned_uploads(*, now: datetime | None = None) -> int:
    """Remove the files under `intake/whatsapp/<conversation>/` that no conversation's state
    and no application's attachment refers to, older than the idle window; how many.

    They are left by a turn whose transaction rolled back after its file was stored, or by a
    reset whose removal did not run (a worker that stopped between commit and delete). The
    idle window spares a file a turn is staging right now (stored, not yet committed)."""
    from alur.intake.models import Attachment

    now = now or timezone.now()
    cutoff = now - timedelta(minutes=settings.WHATSAPP_CONVERSATION_IDLE_MINUTES)
    try:
        folders, _ = default_storage.listdir(STAGED_ROOT)
    except FileNotFoundError:
        return 0
    referenced: set[str] = set()
    for data in Conversation.objects.values_list("data", flat=True).iterator():
        _referenced(data, referenced)
    referenced.update(
        Attachment.objects.filter(file__startswith=f"{STAGED_ROOT}/").values_list("file", flat=True)
    )
    dropped = 0
    for folder in folders:
        _, names = default_storage.listdir(f"{STAGED_ROOT}/{folder}")
        for name in names:
            path = f"{STAGED_ROOT}/{folder}/{name}"
            if path in referenced or default_storage.get_modified_time(path) >= cutoff:
                continue
            default_storage.delete(path)
            dropped += 1
    return dropped
