"""Signing a letter: the number, the final PDF with its QR code, the TTE and the archive.

Signing runs in three parts so that no database lock is held while the PDF is rendered and
signed:

1. In a short transaction the letter takes its number (under the series' row lock; a letter asked
   again gets the number it already holds) and fixes its verification code.
2. Outside any transaction the final PDF is rendered with that number and QR code and signed
   through the signing port (`tte.port`: the signer's certificate held by Alur, or BSrE with the
   signer's NIK), with the passphrase they typed.
3. In a second transaction the signed PDF is archived, the letter marked signed, and for a letter
   of a case the signing task completed.

The signer is checked before anything is written (`port.signer_ready`): a wrong passphrase, an
expired or foreign certificate, or a BSrE certificate that is not active changes nothing. A number
is taken only by a signing: if rendering, signing or archiving fails after the number was taken,
the number is voided in the book (marked BATAL with the reason, never a silent gap) and the next
attempt takes a new one. A number left by an attempt that never finished (the process stopped) is
voided the same way when the letter is signed again.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db import transaction
from django.utils import timezone

from alur.audit.services import record
from alur.core.errors import ConflictError, DomainError
from alur.core.letterhead import Kop
from alur.letters import compose
from alur.letters.chain import number_release, parafs
from alur.letters.models import Letter, LetterEventKind, LetterStatus
from alur.letters.notices import letter_waiting
from alur.letters.numbering import number_take
from alur.letters.permissions import Action, refusal, require
from alur.letters.selectors import SIGN_KEY, open_task
from alur.letters.services import event_add, locked
from alur.org.models import User
from alur.tte import port
from alur.tte.pdf import Rendered
from alur.tte.selectors import signature_block, verification_url
from alur.tte.services import document_archive, new_verify_code


def _party(data: Any) -> compose.Party | None:
    if not isinstance(data, dict) or not str(data.get("name", "")).strip():
        return None
    return compose.Party(
        name=str(data.get("name", "")),
        nip=str(data.get("nip", "")),
        position=str(data.get("position", "")),
        office=str(data.get("office", "")),
        address=str(data.get("address", "")),
    )


def _items(data: Any) -> tuple[tuple[str, str, str], ...]:
    rows: list[tuple[str, str, str]] = []
    for row in data if isinstance(data, list) else []:
        cells = [str(c) for c in (row if isinstance(row, list | tuple) else [row])][:3]
        first, second, third = [*cells, "", "", ""][:3]
        rows.append((first, second, third))
    return tuple(rows)


def letter_content(
    letter: Letter,
    *,
    signer: User | None = None,
    when: datetime | None = None,
    verify_url: str | None = None,
) -> compose.LetterContent:
    """What the template renders. A letter without a number renders as a draft (KONSEP)."""
    office = letter.office
    final = letter.number_id is not None and verify_url is not None
    local_date = timezone.localtime(when, timezone=office.zone).date() if when else None
    extra = letter.extra or {}
    return compose.LetterContent(
        kind=letter.kind,
        kop=Kop.of(office),
        subject=letter.subject,
        body=letter.body,
        signer=signature_block(letter.signer_position, signer),
        city=office.city or office.short_name,
        date=local_date if final else None,
        number=letter.number.number if final and letter.number else None,
        recipient=letter.recipient,
        sender=letter.sender,
        carbon_copy=tuple(line.strip() for line in letter.carbon_copy.splitlines() if line.strip()),
        sifat=letter.sifat,
        lampiran=letter.lampiran,
        parafs=tuple(
            compose.ParafMark(position=p.position, name=p.name, at=p.at) for p in parafs(letter)
        ),
        first_party=_party(extra.get("first_party")),
        second_party=_party(extra.get("second_party")),
        items=_items(extra.get("items")),
        verify_url=verify_url if final else None,
        draft=not final,
        timezone=office.timezone,
    )


def draft_pdf(letter: Letter) -> bytes:
    """The letter as it stands, marked KONSEP, for reading before paraf and signature."""
    return compose.render_pdf(letter_content(letter)).pdf


def _check_signable(letter: Letter, actor: User) -> None:
    """The sign rule of `permissions.TABLE`, the one the letter's page asks."""
    require(letter, actor, Action.SIGN)


VOID_FAILED = "Penandatanganan gagal: {error}"
VOID_UNFINISHED = (
    "Penandatanganan sebelumnya tidak selesai; nomor baru diambil saat ditandatangani."
)
MSG_SIGNING_RACE = (
    "Naskah ini sedang ditandatangani dalam permintaan lain. Muat ulang halaman naskah untuk "
    "melihat hasilnya."
)


def _void_after_failure(letter_pk: int, number_id: int, actor: User, error: Exception) -> None:
    """Signing failed after `number_id` was taken: void it, unless another attempt already did
    (or the letter went on under another number)."""
    detail = (
        str(getattr(error, "message", "") or error)
        if isinstance(error, DomainError)
        else "gangguan sistem saat menyusun atau menandatangani PDF"
    )
    with transaction.atomic():
        letter = locked(Letter.objects.get(pk=letter_pk))
        if letter.number_id == number_id and letter.status == LetterStatus.REVIEW:
            number_release(letter, actor, VOID_FAILED.format(error=detail)[:300])


def _take_number(letter: Letter, actor: User) -> Letter:
    with transaction.atomic():
        letter = locked(letter)
        _check_signable(letter, actor)
        if letter.number_id is not None:
            number_release(letter, actor, VOID_UNFINISHED)
        issued = number_take(
            office=letter.office,
            series_key=letter.series_key,
            classification=letter.classification,
            subject=letter.subject,
            recipient=letter.recipient,
            obj=letter,
            actor=actor,
        )
        letter.number = issued
        letter.verify_code = letter.verify_code or new_verify_code()
        letter.save(update_fields=["number", "verify_code"])
        event_add(letter, LetterEventKind.NUMBER, actor, note=issued.number)
    return Letter.objects.select_related("office", "number", "signer_position", "case").get(
        pk=letter.pk
    )


def letter_sign(*, letter: Letter, actor: User, passphrase: str, base_url: str) -> Letter:
    """Sign `letter` as `actor` (see the module's description). `base_url` is the public address
    the QR code points under."""
    letter = Letter.objects.select_related("office", "signer_position", "case").get(pk=letter.pk)
    _check_signable(letter, actor)
    if letter.cosigner_position_id is not None and letter.kind != "bast":
        raise DomainError("Tanda tangan pihak kedua hanya untuk berita acara serah terima.")
    signer = port.signer_ready(actor, letter.office, passphrase, cause=letter)
    letter = _take_number(letter, actor)
    assert letter.number_id is not None  # noqa: S101 - set by _take_number
    number_id = letter.number_id
    try:
        return _sign_numbered(letter, actor, base_url, signer)
    except Exception as error:
        _void_after_failure(letter.pk, number_id, actor, error)
        raise


def _sign_numbered(letter: Letter, actor: User, base_url: str, signer: port.Signer) -> Letter:
    """Render, sign and archive the letter under the number it has just taken."""
    assert letter.number is not None  # noqa: S101 - set by _take_number
    number_id, number = letter.number_id, letter.number.number
    now = timezone.now()
    url = verification_url(letter.verify_code, base_url)
    rendered = compose.render_pdf(letter_content(letter, signer=actor, when=now, verify_url=url))
    position_title = letter.signer_position.title
    signed = port.sign_pdf(
        signer,
        pdf=rendered.pdf,
        reason=f"{letter.get_kind_display()} nomor {number}",
        location=letter.office.city or letter.office.short_name,
        cause=letter,
        page=rendered.signature_page,
        box=rendered.signature_box,
        stamp_lines=[actor.get_full_name() or actor.username, position_title],
        zone=letter.office.timezone,
    )
    if letter.cosigner_position_id is not None:
        return _await_cosigner(letter, actor, signed, rendered, now)
    with transaction.atomic():
        letter = locked(letter)
        _check_signable(letter, actor)
        if letter.number_id != number_id:
            raise ConflictError(MSG_SIGNING_RACE)
        block = signature_block(letter.signer_position, actor)
        document = document_archive(
            office=letter.office,
            kind=letter.kind,
            title=letter.subject,
            pdf=signed.pdf,
            number=number,
            classification=letter.classification,
            signer_name=block.name,
            signer_position=f"{block.acting} {position_title}".strip(),
            cause=letter,
            actor=actor,
            issued_at=now,
            verify_code=letter.verify_code,
        )
        letter.status = LetterStatus.SIGNED
        letter.document = document
        letter.signed_at, letter.signed_by, letter.updated_at = now, actor, now
        letter.save(update_fields=["status", "document", "signed_at", "signed_by", "updated_at"])
        event_add(letter, LetterEventKind.SIGN, actor, position=letter.signer_position)
        record(
            actor=actor,
            office=letter.office,
            action="letter.sign",
            obj=letter,
            after={
                "number": number,
                "document": document.pk,
                "sha256": document.sha256,
                **signed.audit(),
                "version": letter.version,
            },
        )
        letter_waiting(letter)
        if letter.case is not None:
            from alur.workflow.services import task_complete

            task = open_task(letter.case, actor, SIGN_KEY)
            if task is not None:
                task_complete(task=task, actor=actor, outcome="done")
    return letter


def _await_cosigner(
    letter: Letter,
    actor: User,
    signed: port.Signed,
    rendered: Rendered,
    now: datetime,
) -> Letter:
    """The first signature of a BAST signed by both parties: kept until the second party signs."""
    if rendered.second_box is None:
        raise DomainError("Templat naskah ini tidak memiliki tempat tanda tangan pihak kedua.")
    number_id = letter.number_id
    with transaction.atomic():
        letter = locked(letter)
        _check_signable(letter, actor)
        if letter.number_id != number_id:
            raise ConflictError(MSG_SIGNING_RACE)
        letter.status = LetterStatus.COSIGN
        letter.first_signed_pdf = signed.pdf
        page, box = rendered.second_box
        letter.second_box = [page, *box]
        letter.signed_at, letter.signed_by, letter.updated_at = now, actor, now
        letter.save(
            update_fields=[
                "status",
                "first_signed_pdf",
                "second_box",
                "signed_at",
                "signed_by",
                "updated_at",
            ]
        )
        event_add(letter, LetterEventKind.SIGN, actor, position=letter.signer_position)
        record(
            actor=actor,
            office=letter.office,
            action="letter.sign",
            obj=letter,
            after={
                "number": letter.number.number if letter.number else "",
                **signed.audit(),
                "awaiting": letter.cosigner_position.title if letter.cosigner_position else "",
            },
        )
        letter_waiting(letter)
    return letter


def may_cosign(letter: Letter, user: User) -> bool:
    """See `permissions.TABLE` (Action.COSIGN)."""
    return refusal(letter, user, Action.COSIGN) is None


def letter_cosign(*, letter: Letter, actor: User, passphrase: str) -> Letter:
    """The second party signs the BAST the first signer signed; then it is issued and archived."""
    letter = Letter.objects.select_related(
        "office", "number", "signer_position", "cosigner_position"
    ).get(pk=letter.pk)
    if letter.status == LetterStatus.SIGNED:
        raise ConflictError("Naskah sudah ditandatangani kedua pihak.")
    if not may_cosign(letter, actor):
        raise DomainError("Naskah ini tidak menunggu tanda tangan Anda.", code="not_cosigner")
    page, *box = letter.second_box or [0, 0, 0, 0, 0]
    cosigner = letter.cosigner_position
    assert cosigner is not None and letter.number is not None  # noqa: S101 - checked above
    signer = port.signer_ready(actor, cosigner.office, passphrase, cause=letter)
    number = letter.number.number
    signed = port.sign_pdf(
        signer,
        pdf=bytes(letter.first_signed_pdf or b""),
        reason=f"{letter.get_kind_display()} nomor {number} (pihak kedua)",
        location=cosigner.office.city or cosigner.office.short_name,
        cause=letter,
        field_name="TTE-2",
        page=int(page),
        box=(float(box[0]), float(box[1]), float(box[2]), float(box[3])),
        stamp_lines=[actor.get_full_name() or actor.username, cosigner.title],
        zone=cosigner.office.timezone,
    )
    now = timezone.now()
    with transaction.atomic():
        letter = locked(letter)
        if not may_cosign(letter, actor):
            raise ConflictError("Naskah sudah ditandatangani kedua pihak.")
        first = signature_block(letter.signer_position, letter.signed_by)
        document = document_archive(
            office=letter.office,
            kind=letter.kind,
            title=letter.subject,
            pdf=signed.pdf,
            number=number,
            classification=letter.classification,
            signer_name=f"{first.name} dan {actor.get_full_name() or actor.username}",
            signer_position=f"{letter.signer_position.title}; {cosigner.title}",
            cause=letter,
            actor=None,
            issued_at=now,
            verify_code=letter.verify_code,
        )
        letter.status = LetterStatus.SIGNED
        letter.document = document
        letter.first_signed_pdf = None
        letter.cosigned_at, letter.cosigned_by, letter.updated_at = now, actor, now
        letter.save(
            update_fields=[
                "status",
                "document",
                "first_signed_pdf",
                "cosigned_at",
                "cosigned_by",
                "updated_at",
            ]
        )
        event_add(letter, LetterEventKind.COSIGN, actor, position=cosigner)
        record(
            actor=actor,
            office=letter.office,
            action="letter.cosign",
            obj=letter,
            after={
                "document": document.pk,
                "sha256": document.sha256,
                **signed.audit(),
            },
        )
        letter_waiting(letter)
    return letter
