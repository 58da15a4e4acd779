"""Storing SOP files as revisions. New cases take the newest revision; running cases keep theirs."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path

from django.db import transaction

from alur.audit.services import record
from alur.org.models import User
from alur.sop.loader import SOP_DIR, SopError, SopLoadError, check_paths
from alur.sop.models import SopRevision
from alur.sop.schema import Sop


def definition_of(sop: Sop) -> tuple[dict, str]:
    """The SOP as stored JSON, and the SHA-256 of its canonical form."""
    definition = sop.model_dump(mode="json")
    canonical = json.dumps(definition, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return definition, hashlib.sha256(canonical.encode("utf-8")).hexdigest()


@dataclass
class SyncResult:
    created: list[str]
    unchanged: list[str]


@transaction.atomic
def sops_sync(*, paths: list[Path] | None = None, actor: User | None = None) -> SyncResult:
    """Store every SOP file as its (code, revision), all or nothing.

    A file whose content changed without a new revision number is refused: a running case must
    keep the procedure it started on, so a change needs `revision: N+1`.
    """
    report = check_paths(paths or [SOP_DIR])
    if not report.ok:
        raise SopLoadError(report.errors)
    result = SyncResult([], [])
    problems: list[SopError] = []
    for path, sop in report.sops:
        definition, checksum = definition_of(sop)
        label = f"{sop.code} r{sop.revision}"
        stored = SopRevision.objects.filter(code=sop.code, revision=sop.revision).first()
        if stored is not None:
            if stored.checksum != checksum:
                problems.append(
                    SopError(
                        path.name,
                        None,
                        "revision",
                        f"{label} changed since it was loaded; raise the revision to "
                        f"{sop.revision + 1} so running cases keep the old one",
                    )
                )
            else:
                result.unchanged.append(label)
            continue
        newer = SopRevision.objects.filter(code=sop.code, revision__gt=sop.revision).first()
        if newer is not None:
            problems.append(
                SopError(
                    path.name,
                    None,
                    "revision",
                    f"{label} is older than the stored r{newer.revision}",
                )
            )
            continue
        revision = SopRevision.objects.create(
            code=sop.code,
            revision=sop.revision,
            name=sop.name,
            office_code=sop.office,
            definition=definition,
            checksum=checksum,
            source=path.name,
        )
        record(
            actor=actor,
            office=None,
            action="sop.load",
            obj=revision,
            after={"code": sop.code, "revision": sop.revision, "checksum": checksum},
        )
        result.created.append(label)
    if problems:
        raise SopLoadError(problems)
    return result
