"""The letter's services: drafting (content, chain, versions), its recipients, and the two
primitives every stage shares (`locked`, `event_add`). The later stages have their own modules:
the approval chain in `chain.py`, signing and numbering in `issuing.py`, sending in
`delivery.py`; reads are in `selectors.py`.

A letter of a case takes its chain from the case's SOP (`selectors.chain_of_case`): every
`letters.paraf` step gives a paraf slot held by that step's position, and the `letters.sign` step
names the signer. A letter drafted on its own names its chain: at most three paraf, and none when
the drafter is the signer.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone

from alur.audit.services import record
from alur.core.errors import DomainError
from alur.letters.models import (
    LETTER_KINDS,
    MAX_PARAF,
    Letter,
    LetterEvent,
    LetterEventKind,
    LetterStatus,
    LetterVersion,
    NumberSeries,
    ParafSlot,
    Recipient,
)
from alur.letters.numbering import CLASSIFICATION_PATTERN, series_ensure
from alur.letters.permissions import MSG_RECIPIENT_WHO, Action, refusal
from alur.letters.selectors import chain_of_case, open_draft_task
from alur.org.access import KIND_CAPABILITIES, Capability, require
from alur.org.models import Office, Position, User
from alur.outbox.validation import normalize_whatsapp_number
from alur.tte.models import DocumentKind
from alur.workflow.engine import holds
from alur.workflow.models import Case

CONTENT_FIELDS = (
    "kind",
    "classification",
    "subject",
    "recipient",
    "sender",
    "carbon_copy",
    "sifat",
    "lampiran",
    "body",
    "extra",
)


@dataclass
class LetterInput:
    """What the drafter writes. `extra` holds the parties and table rows of a BAST, a surat
    pernyataan or a laporan."""

    kind: str
    classification: str
    subject: str
    body: str
    recipient: str = ""
    sender: str = ""
    carbon_copy: str = ""
    sifat: str = "Biasa"
    lampiran: str = "-"
    extra: dict[str, Any] = field(default_factory=dict)

    def clean(self) -> LetterInput:
        if self.kind not in LETTER_KINDS:
            raise DomainError(f"Jenis naskah {self.kind!r} tidak dikenal.", code="kind")
        classification = self.classification.strip()
        if not CLASSIFICATION_PATTERN.fullmatch(classification):
            raise DomainError(
                f"Kode klasifikasi {classification!r} tidak sah: tiga angka, lalu sampai empat "
                "bagian bertitik (mis. 400.12.2.1).",
                code="classification",
            )
        subject, body = self.subject.strip(), self.body.strip()
        if not subject:
            raise DomainError("Perihal naskah wajib diisi.", code="subject")
        if not body:
            raise DomainError("Isi naskah wajib diisi.", code="body")
        if len(subject) > 300:
            raise DomainError("Perihal paling panjang 300 huruf.", code="subject")
        second = self.extra.get("second_party") or {}
        if self.kind == DocumentKind.BAST and not str(second.get("name", "")).strip():
            raise DomainError(
                "Berita acara serah terima perlu pihak kedua: isi nama pihak kedua (yang "
                "menerima). Pihak pertama yang dikosongkan diisi dengan penanda tangan.",
                code="second_party",
            )
        return LetterInput(
            kind=self.kind,
            classification=classification,
            subject=subject,
            body=body,
            recipient=self.recipient.strip()[:300],
            sender=self.sender.strip()[:200],
            carbon_copy=self.carbon_copy.strip(),
            sifat=(self.sifat.strip() or "Biasa")[:40],
            lampiran=(self.lampiran.strip() or "-")[:80],
            extra=dict(self.extra),
        )


def content_of(letter: Letter) -> dict[str, Any]:
    return {name: getattr(letter, name) for name in CONTENT_FIELDS}


def event_add(
    letter: Letter,
    kind: str,
    actor: User,
    *,
    position: Position | None = None,
    slot: ParafSlot | None = None,
    note: str = "",
) -> LetterEvent:
    return LetterEvent.objects.create(
        letter=letter,
        kind=kind,
        version=letter.version,
        round=letter.round,
        slot=slot,
        actor=actor,
        actor_name=actor.get_full_name() or actor.username,
        position_title=position.title if position else "",
        at=timezone.now(),
        note=note,
    )


def _check_chain(
    office: Office, actor: User, paraf: list[Position], signer: Position
) -> list[Position]:
    if signer.office_id != office.pk:
        raise DomainError("Penanda tangan harus pejabat kantor ini.", code="signer")
    if Capability.SIGN not in _capabilities(signer.kind):
        raise DomainError(f"Jabatan {signer.title} tidak berwenang menandatangani naskah.")
    if len(paraf) > MAX_PARAF:
        raise DomainError(f"Paling banyak {MAX_PARAF} paraf.", code="paraf")
    seen: set[int] = set()
    for position in paraf:
        if position.office_id != office.pk:
            raise DomainError("Pemaraf harus pejabat kantor ini.", code="paraf")
        if position.pk == signer.pk or position.pk in seen:
            raise DomainError(f"{position.title} tercantum dua kali dalam rantai paraf.")
        if Capability.PARAF not in _capabilities(position.kind):
            raise DomainError(f"Jabatan {position.title} tidak berwenang memaraf.", code="paraf")
        seen.add(position.pk)
    if paraf and holds(actor, office.pk, signer.kind):
        raise DomainError(
            "Naskah yang disusun sendiri oleh penanda tangan tidak memerlukan paraf.",
            code="paraf",
        )
    return paraf


def _check_cosigner(
    office: Office, kind: str, case: Case | None, signer: Position, cosigner: Position
) -> None:
    """A BAST may be signed by both parties: the second signer is a signing official of this
    office, of one of its kab/kota, or of its province."""
    if kind != DocumentKind.BAST or case is not None:
        raise DomainError(
            "Tanda tangan pihak kedua hanya untuk berita acara serah terima.", code="cosigner"
        )
    if cosigner.pk == signer.pk:
        raise DomainError("Pihak kedua harus pejabat lain dari penanda tangan.", code="cosigner")
    related = {office.pk, office.parent_id} | set(office.children.values_list("pk", flat=True))
    if cosigner.office_id not in related or Capability.SIGN not in _capabilities(cosigner.kind):
        raise DomainError(
            "Pihak kedua harus pejabat penanda tangan kantor ini, kantor induknya, atau kantor "
            "kabupaten/kotanya.",
            code="cosigner",
        )


def _capabilities(kind: str) -> frozenset[Capability]:
    return KIND_CAPABILITIES.get(kind, frozenset())


def _recipient_make(
    letter: Letter, name: str, channel: str, address: str, step: int | None
) -> Recipient | None:
    """A recipient of `letter`, validated; None when the address is already on the list."""
    name, address = name.strip(), address.strip()
    if not name or not address:
        raise DomainError(
            "Setiap penerima perlu nama dan nomor WhatsApp atau alamat surel.", code="recipient"
        )
    if channel not in Recipient.Channel.values:
        raise DomainError(f"Saluran {channel!r} tidak dikenal.", code="recipient")
    try:
        if channel == Recipient.Channel.WHATSAPP:
            address = normalize_whatsapp_number(address)
        else:
            validate_email(address)
    except ValidationError as error:
        raise DomainError(
            f"Nomor WhatsApp atau alamat surel {address!r} tidak sah.", code="recipient"
        ) from error
    if letter.recipients.filter(channel=channel, address=address).exists():
        return None
    return Recipient.objects.create(
        letter=letter, name=name[:200], channel=channel, address=address, step=step
    )


def may_add_recipient(letter: Letter, user: User | AnonymousUser) -> bool:
    """Before signing, staff of the office add where the letter will go; once it is signed
    (or waits for the second party's signature), only its drafter or its signer
    (`permissions.TABLE`, Action.ADD_RECIPIENT)."""
    return refusal(letter, user, Action.ADD_RECIPIENT) is None


@transaction.atomic
def recipient_add(
    *,
    letter: Letter,
    actor: User,
    name: str,
    channel: str,
    address: str,
    step: int | None = None,
    by_step: bool = False,
) -> Recipient | None:
    """Add where the letter goes once signed (see `may_add_recipient`). `by_step`: an SOP's
    delivery step adds the recipients the office configured for it, and the engine already
    checked that the actor holds that step."""
    letter = locked(letter)
    require(actor, Capability.HANDLE_CASES, letter.office)
    if letter.status == LetterStatus.CANCELLED:
        raise DomainError("Naskah sudah dibatalkan.", code="cancelled")
    if not by_step and not may_add_recipient(letter, actor):
        raise DomainError(MSG_RECIPIENT_WHO, code="not_yours")
    recipient = _recipient_make(letter, name, channel, address, step)
    if recipient is not None:
        note = f"{recipient.name} ({recipient.get_channel_display()})"
        event_add(letter, LetterEventKind.RECIPIENT, actor, note=note)
        record(
            actor=actor,
            office=letter.office,
            action="letter.recipient_add",
            obj=letter,
            after={
                "name": recipient.name,
                "channel": channel,
                "step": step,
                "letter_status": letter.status,
                "by_step": by_step,
            },
        )
    return recipient


@transaction.atomic
def letter_create(
    *,
    office: Office,
    actor: User,
    data: LetterInput,
    signer: Position | None = None,
    paraf: list[Position] | None = None,
    case: Case | None = None,
    recipients: list[tuple[str, str, str, int | None]] | None = None,
    cosigner: Position | None = None,
) -> Letter:
    """A new draft (version 1). With `case`, the chain comes from the case's SOP and only the
    holder of the case's drafting task may draft; without, `signer` and `paraf` name it."""
    require(actor, Capability.HANDLE_CASES, office)
    clean = data.clean()
    slots: list[tuple[Position, int | None]]
    if case is not None:
        if case.office_id != office.pk:
            raise DomainError("Perkara ini milik kantor lain.")
        if not open_draft_task(case, actor):
            raise DomainError("Konsep naskah perkara ini disusun oleh pemegang tugas penyusunan.")
        if case.letters.exclude(status=LetterStatus.CANCELLED).exists():
            raise DomainError("Perkara ini sudah memiliki naskah; ubah naskah yang ada.")
        case_slots, signer = chain_of_case(case)
        slots = [(position, step) for position, step in case_slots]
    else:
        if signer is None:
            raise DomainError("Pilih pejabat penanda tangan.", code="signer")
        slots = [(p, None) for p in _check_chain(office, actor, list(paraf or []), signer)]
    if cosigner is not None:
        _check_cosigner(office, clean.kind, case, signer, cosigner)
    series_key, series_label, series_format = LETTER_KINDS[clean.kind]
    if not NumberSeries.objects.filter(office=office, key=series_key).exists():
        series_ensure(office=office, key=series_key, label=series_label, fmt=series_format)
    now = timezone.now()
    letter = Letter.objects.create(
        office=office,
        case=case,
        signer_position=signer,
        cosigner_position=cosigner,
        drafted_by=actor,
        created_at=now,
        updated_at=now,
        **{name: getattr(clean, name) for name in CONTENT_FIELDS},
    )
    for order, (position, step) in enumerate(slots, start=1):
        ParafSlot.objects.create(letter=letter, order=order, position=position, step=step)
    for name, channel, address, step in recipients or []:
        _recipient_make(letter, name, channel, address, step)
    LetterVersion.objects.create(
        letter=letter, number=1, content=content_of(letter), author=actor, created_at=now
    )
    event_add(letter, LetterEventKind.DRAFT, actor)
    record(
        actor=actor,
        office=office,
        action="letter.draft",
        obj=letter,
        after={
            **content_of(letter),
            "case": case.reference if case else "",
            "signer": signer.title,
            "cosigner": cosigner.title if cosigner else "",
            "paraf": [p.title for p, _ in slots],
        },
    )
    return letter


def may_edit(letter: Letter, actor: User) -> bool:
    """See `permissions.TABLE` (Action.EDIT)."""
    return refusal(letter, actor, Action.EDIT) is None


def locked(letter: Letter) -> Letter:
    """The letter's row locked, and only it: locking the joined office row too made concurrent
    signings deadlock with every insert that references the office (bench/writers.py)."""
    return Letter.objects.select_for_update(of=("self",)).select_related("office").get(pk=letter.pk)


@transaction.atomic
def letter_update(*, letter: Letter, actor: User, data: LetterInput, note: str = "") -> Letter:
    """A new version of the text. The letter goes back to draft: paraf given to earlier
    versions no longer count once it is submitted again."""
    letter = locked(letter)
    if not may_edit(letter, actor):
        if letter.status == LetterStatus.SIGNED:
            raise DomainError("Naskah sudah ditandatangani dan tidak dapat diubah.", code="signed")
        raise DomainError("Naskah ini tidak dapat Anda ubah pada tahap ini.", code="locked")
    clean = data.clean()
    if clean.kind != letter.kind:
        raise DomainError("Jenis naskah tidak dapat diubah; buat naskah baru.", code="kind")
    before = content_of(letter)
    for name in CONTENT_FIELDS:
        setattr(letter, name, getattr(clean, name))
    after = content_of(letter)
    if after == before:
        return letter
    letter.version += 1
    letter.status = LetterStatus.DRAFT
    letter.updated_at = timezone.now()
    letter.save()
    LetterVersion.objects.create(
        letter=letter,
        number=letter.version,
        content=after,
        author=actor,
        created_at=letter.updated_at,
        note=note.strip()[:300],
    )
    event_add(letter, LetterEventKind.EDIT, actor, note=note.strip())
    record(
        actor=actor,
        office=letter.office,
        action="letter.edit",
        obj=letter,
        before=before,
        after={**after, "version": letter.version},
        reason=note,
    )
    return letter
