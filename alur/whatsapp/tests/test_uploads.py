"""Staged copies of citizens' documents do not outlive their use: the hourly sweep removes the
files under intake/whatsapp/<conversation>/ that no conversation's state refers to (a turn
whose transaction rolled back after staging, a BATAL or idle reset whose removal did not run),
once older than the idle window; a file a conversation still holds stays."""

from datetime import timedelta

import pytest
from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils import timezone

from alur.whatsapp.models import Conversation
from alur.whatsapp.tasks import drop_orphaned_conversation_uploads
from alur.whatsapp.uploads import drop_orphaned_uploads
from alur.whatsapp_cloud.models import BusinessNumber

pytestmark = pytest.mark.django_db


def test_only_files_no_conversation_holds_are_removed_once_older_than_the_idle_window() -> None:
    number = BusinessNumber.objects.get(phone_number_id="108117961700")
    conversation = Conversation.objects.create(
        number=number, citizen="6281234567890", updated_at=timezone.now()
    )
    folder = f"intake/whatsapp/{conversation.pk}"
    held = default_storage.save(f"{folder}/skl-aaaa.pdf", ContentFile(b"%PDF-1.4 held"))
    orphan = default_storage.save(f"{folder}/ktp-bbbb.jpg", ContentFile(b"\xff\xd8 orphan"))
    reset = default_storage.save("intake/whatsapp/999999/kk-cccc.pdf", ContentFile(b"%PDF old"))
    conversation.state = Conversation.State.FILES
    conversation.data = {
        "fields": {"nama": "Siti"},
        "files": {"skl": {"path": held, "mime": "application/pdf", "filename": "skl.pdf"}},
        "index": 0,
    }
    conversation.save()

    assert drop_orphaned_uploads() == 0  # just staged: a turn may be committing them now
    assert all(default_storage.exists(p) for p in (held, orphan, reset))

    idle = timedelta(minutes=settings.WHATSAPP_CONVERSATION_IDLE_MINUTES)
    later = timezone.now() + idle + timedelta(minutes=1)
    assert drop_orphaned_uploads(now=later) == 2
    assert default_storage.exists(held)
    assert not default_storage.exists(orphan) and not default_storage.exists(reset)
    assert drop_orphaned_uploads(now=later) == 0


def test_the_sweep_runs_as_a_periodic_task_and_copes_with_no_folder() -> None:
    assert drop_orphaned_conversation_uploads.call_local() == 0
