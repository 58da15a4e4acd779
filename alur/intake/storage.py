"""An application's files in storage: written with their rows, removed again when the transaction
rolls back, and the files staged by a counter form's earlier tries read back or dropped."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction

from alur.core.errors import DomainError
from alur.core.uploads import CheckedFile
from alur.intake.models import Application, Attachment, StagedFile


def store_attachment(
    application: Application,
    key: str,
    data: bytes,
    result: CheckedFile,
    now: Any,
    media_id: str,
    saved: list[str],
    kept: str = "",
) -> Attachment:
    """The attachment of one checked file. `kept`: the storage path that already holds these
    bytes (a file staged by the counter form or the WhatsApp dialog), taken over instead of
    written a second time; otherwise the bytes are written and named in `saved`."""
    attachment = Attachment(
        application=application,
        requirement=key,
        mime=result.mime,
        size=result.size,
        sha256=result.sha256,
        source_media_id=media_id,
        received_at=now,
    )
    if kept:
        attachment.file.name = kept
    else:
        attachment.file.save(f"berkas.{result.extension}", ContentFile(data), save=False)
        saved.append(attachment.file.name)
    attachment.save()
    return attachment


@dataclass
class Cleanup:
    """Files written during a transaction that rolled back are removed again."""

    names: list[str]

    def run(self) -> None:
        for name in self.names:
            default_storage.delete(name)


def read_staged(staged: StagedFile) -> bytes:
    with staged.file.open("rb") as handle:
        return handle.read()


def drop_staged_files(names: list[str]) -> None:
    """Remove staged files once the transaction that dropped their rows has committed."""
    transaction.on_commit(lambda: Cleanup(names).run())


def with_staged(
    files: list[Any], staged: Any, owner_id: int | None, office_id: int, service_code: str
) -> tuple[list[Any], dict[str, str]]:
    """The files sent with a form plus those staged by its earlier tries (a file sent again
    replaces the staged one), and the storage path of each staged file taken, by requirement;
    staged files of another person, office or service are refused."""
    for kept in staged:
        if (kept.owner_id, kept.office_id, kept.service_code) != (
            owner_id,
            office_id,
            service_code,
        ):
            raise DomainError("Berkas sementara itu bukan milik formulir ini.", code="staged")
    sent = {key for key, *_rest in files}
    taken = [kept for kept in staged if kept.requirement not in sent]
    return (
        files + [(kept.requirement, read_staged(kept), kept.mime, kept.name) for kept in taken],
        {kept.requirement: kept.file.name for kept in taken},
    )
