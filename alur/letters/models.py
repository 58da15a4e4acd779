"""Letters (naskah dinas) from draft to signature, and their numbers.

A letter is drafted from a template (surat, nota dinas, BAST, surat pernyataan, laporan), goes
through at most three paraf and is signed electronically by the signer; the number is taken and
the verification code fixed when it is signed, and the signed PDF goes to the archive
(`IssuedDocument`). History rows are only ever added.

Letter numbers (penomoran naskah dinas): series per office and every number issued; the serials
of a series and year come from core's gapless counter (`letters.numbering.counter_of`). The
database holds the invariants: no serial twice in a series and year, no number twice in an
office, no document holding two live numbers in one series (a voided number stays in the book
beside the one taken after it).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from alur.org.models import Office, Position
from alur.tte.models import DocumentKind, IssuedDocument

# --- numbers ------------------------------------------------------------------------------

DEFAULT_FORMAT = "{classification}/{serial}/{unit}/{year}"
DEFAULT_UNIT = "Disdukcapil"


class NumberSeries(models.Model):
    """A numbering series of an office: outgoing letters, nota dinas, BAST, SOP."""

    office = models.ForeignKey(Office, on_delete=models.PROTECT, related_name="number_series")
    key = models.SlugField("kunci", max_length=40)
    label = models.CharField("nama seri", max_length=120)
    fmt = models.CharField(
        "format nomor",
        max_length=120,
        default=DEFAULT_FORMAT,
        help_text=(
            "Tempat isian: {classification}, {serial}, {unit}, {year}, {month_roman}. "
            "Mis. {classification}/{serial}/{unit}/{year}"
        ),
    )
    unit = models.CharField("unit pengolah", max_length=60, default=DEFAULT_UNIT)
    serial_padding = models.PositiveSmallIntegerField(
        "lebar nomor urut", default=0, help_text="0 = tanpa nol di depan"
    )
    created_at = models.DateTimeField("dibuat", auto_now_add=True)

    class Meta:
        ordering = ["office", "key"]
        verbose_name = "seri penomoran"
        verbose_name_plural = "seri penomoran"
        constraints = [
            models.UniqueConstraint(fields=["office", "key"], name="number_series_unique_key"),
        ]

    def __str__(self) -> str:
        return f"{self.label} ({self.key})"


class IssuedNumber(models.Model):
    """One number given to one document; a row of the outgoing-letter book (buku agenda)."""

    office = models.ForeignKey(Office, on_delete=models.PROTECT, related_name="issued_numbers")
    series = models.ForeignKey(NumberSeries, on_delete=models.PROTECT, related_name="issued")
    year = models.PositiveSmallIntegerField("tahun")
    serial = models.PositiveIntegerField("nomor urut")
    number = models.CharField("nomor", max_length=160)
    classification = models.CharField("kode klasifikasi", max_length=24)
    issued_at = models.DateTimeField("tanggal")
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name="diberikan oleh",
    )
    subject = models.CharField("perihal", max_length=300)
    recipient = models.CharField("tujuan", max_length=300, blank=True)
    object_type = models.CharField("jenis dokumen", max_length=100, blank=True)
    object_id = models.CharField("id dokumen", max_length=64, blank=True)
    # A number whose signing failed, or whose letter was cancelled before it was issued, stays in
    # the book marked void (batal) with the reason: the serial is never given again, nor hidden.
    voided_at = models.DateTimeField("dibatalkan", null=True, blank=True)
    voided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name="dibatalkan oleh",
    )
    void_reason = models.CharField("alasan batal", max_length=300, blank=True)

    class Meta:
        ordering = ["series", "year", "serial"]
        verbose_name = "nomor naskah"
        verbose_name_plural = "nomor naskah"
        constraints = [
            models.UniqueConstraint(
                fields=["series", "year", "serial"], name="issued_number_unique_serial"
            ),
            models.UniqueConstraint(fields=["office", "number"], name="issued_number_unique_text"),
            models.UniqueConstraint(
                fields=["object_type", "object_id", "series"],
                condition=~Q(object_type="") & Q(voided_at__isnull=True),
                name="issued_number_one_live_per_document",
            ),
            models.CheckConstraint(
                condition=Q(serial__gte=1), name="issued_number_serial_positive"
            ),
        ]
        indexes = [models.Index(fields=["office", "issued_at"], name="issued_number_office_date")]

    def __str__(self) -> str:
        return self.number


# --- letters ------------------------------------------------------------------------------

MAX_PARAF = 3

# The kinds a letter can be drafted as: the numbering series each takes its number from, and the
# format a new series starts with (an office may change it). Each kind's format differs, so two
# series never print the same number.
LETTER_KINDS: dict[str, tuple[str, str, str]] = {
    DocumentKind.SURAT: ("surat-keluar", "Surat keluar", "{classification}/{serial}/{unit}/{year}"),
    DocumentKind.NOTA_DINAS: (
        "nota-dinas",
        "Nota dinas",
        "{classification}/{serial}/ND/{unit}/{year}",
    ),
    DocumentKind.BAST: (
        "bast",
        "Berita acara serah terima",
        "{classification}/{serial}/BAST/{unit}/{year}",
    ),
    DocumentKind.SURAT_PERNYATAAN: (
        "pernyataan",
        "Surat pernyataan",
        "{classification}/{serial}/SP/{unit}/{year}",
    ),
    DocumentKind.LAPORAN: ("laporan", "Laporan", "{classification}/{serial}/LAP/{unit}/{year}"),
}


class LetterStatus(models.TextChoices):
    DRAFT = "draft", "Konsep"
    REVIEW = "review", "Dalam paraf"
    COSIGN = "cosign", "Menunggu tanda tangan pihak kedua"
    SIGNED = "signed", "Ditandatangani"
    CANCELLED = "cancelled", "Dibatalkan"


class Letter(models.Model):
    office = models.ForeignKey(Office, on_delete=models.PROTECT, related_name="letters")
    case = models.ForeignKey(
        "workflow.Case",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="letters",
        verbose_name="perkara",
    )
    kind = models.CharField(
        "jenis naskah",
        max_length=20,
        choices=[(k, DocumentKind(k).label) for k in LETTER_KINDS],
    )
    classification = models.CharField("kode klasifikasi", max_length=24)
    subject = models.CharField("perihal", max_length=300)
    recipient = models.CharField("kepada", max_length=300, blank=True)
    sender = models.CharField("dari (nota dinas)", max_length=200, blank=True)
    carbon_copy = models.TextField("tembusan", blank=True, help_text="satu baris satu tembusan")
    sifat = models.CharField("sifat", max_length=40, default="Biasa")
    lampiran = models.CharField("lampiran", max_length=80, default="-")
    body = models.TextField("isi")
    # Kind-specific data: the parties of a BAST or the declarant of a surat pernyataan, and the
    # rows of its table (goods handed over, report figures).
    extra = models.JSONField("data tambahan", default=dict, blank=True)
    signer_position = models.ForeignKey(
        Position, on_delete=models.PROTECT, related_name="+", verbose_name="penanda tangan"
    )
    status = models.CharField(
        "status", max_length=10, choices=LetterStatus.choices, default=LetterStatus.DRAFT
    )
    version = models.PositiveIntegerField("versi", default=1)
    # Each submission to the chain starts a new round; only paraf of the current round count.
    round = models.PositiveIntegerField("putaran", default=0)
    drafted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField("dibuat")
    updated_at = models.DateTimeField("diubah")
    number = models.OneToOneField(
        IssuedNumber, null=True, blank=True, on_delete=models.PROTECT, related_name="letter"
    )
    verify_code = models.CharField("kode verifikasi", max_length=32, blank=True)
    document = models.OneToOneField(
        IssuedDocument, null=True, blank=True, on_delete=models.PROTECT, related_name="letter"
    )
    # A BAST signed by both parties: the second party's signer (often another office's Kadis),
    # the PDF with the first signature while it waits for theirs, and where their stamp goes.
    cosigner_position = models.ForeignKey(
        Position,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="penanda tangan pihak kedua",
    )
    first_signed_pdf = models.BinaryField("PDF bertanda tangan pertama", null=True, blank=True)
    second_box = models.JSONField("letak TTE pihak kedua", null=True, blank=True)
    cosigned_at = models.DateTimeField("ditandatangani pihak kedua", null=True, blank=True)
    cosigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    signed_at = models.DateTimeField("ditandatangani", null=True, blank=True)
    signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-updated_at", "-pk"]
        verbose_name = "naskah dinas"
        verbose_name_plural = "naskah dinas"
        indexes = [models.Index(fields=["office", "status", "-updated_at"], name="letter_office")]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="signed")
                | (Q(document__isnull=False) & Q(number__isnull=False)),
                name="letter_signed_has_document",
            ),
        ]

    def __str__(self) -> str:
        return self.number.number if self.number else f"Konsep: {self.subject}"

    @property
    def series_key(self) -> str:
        return LETTER_KINDS[self.kind][0]


class LetterVersion(models.Model):
    """The letter's text as it stood after each edit."""

    letter = models.ForeignKey(Letter, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField("versi")
    content = models.JSONField("isi")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField("dibuat")
    note = models.CharField("catatan", max_length=300, blank=True)

    class Meta:
        ordering = ["letter", "number"]
        constraints = [
            models.UniqueConstraint(fields=["letter", "number"], name="letter_version_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.letter_id} v{self.number}"


class ParafSlot(models.Model):
    """One place in the letter's approval chain, in order; `step` ties it to the SOP step that
    gives it, for letters of a case."""

    letter = models.ForeignKey(Letter, on_delete=models.CASCADE, related_name="slots")
    order = models.PositiveSmallIntegerField("urutan")
    position = models.ForeignKey(Position, on_delete=models.PROTECT, related_name="+")
    step = models.PositiveIntegerField("langkah SOP", null=True, blank=True)

    class Meta:
        ordering = ["letter", "order"]
        constraints = [
            models.UniqueConstraint(fields=["letter", "order"], name="paraf_slot_unique_order"),
            models.CheckConstraint(
                condition=Q(order__gte=1) & Q(order__lte=MAX_PARAF), name="paraf_slot_order_range"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.order}. {self.position_id}"


class LetterEventKind(models.TextChoices):
    DRAFT = "draft", "Konsep dibuat"
    EDIT = "edit", "Konsep diubah"
    SUBMIT = "submit", "Diajukan untuk paraf"
    CHECK = "check", "Diperiksa"
    PARAF = "paraf", "Paraf"
    RETURN = "return", "Dikembalikan untuk perbaikan"
    NUMBER = "number", "Nomor diambil"
    VOID = "void", "Nomor dibatalkan"
    SIGN = "sign", "Ditandatangani (TTE)"
    COSIGN = "cosign", "Ditandatangani pihak kedua (TTE)"
    DELIVER = "deliver", "Dikirim"
    CANCEL = "cancel", "Dibatalkan"
    RECIPIENT = "recipient", "Penerima ditambahkan"


class LetterEvent(models.Model):
    """What happened to the letter: who, when, in which position, with which note."""

    letter = models.ForeignKey(Letter, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField("kejadian", max_length=10, choices=LetterEventKind.choices)
    version = models.PositiveIntegerField("versi")
    round = models.PositiveIntegerField("putaran")
    slot = models.ForeignKey(
        ParafSlot, null=True, blank=True, on_delete=models.PROTECT, related_name="events"
    )
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    actor_name = models.CharField("nama", max_length=200)
    position_title = models.CharField("jabatan", max_length=200, blank=True)
    at = models.DateTimeField("waktu")
    note = models.TextField("catatan", blank=True)

    class Meta:
        ordering = ["letter", "at", "pk"]
        indexes = [models.Index(fields=["letter", "kind", "round"], name="letter_event_round")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.actor_name}"


class Recipient(models.Model):
    """Where the signed letter goes: a WhatsApp number or an e-mail address; `step` names the
    delivery step of the SOP that sends it (blank: the first one, or on demand)."""

    class Channel(models.TextChoices):
        WHATSAPP = "whatsapp", "WhatsApp"
        EMAIL = "email", "Surel"

    letter = models.ForeignKey(Letter, on_delete=models.CASCADE, related_name="recipients")
    name = models.CharField("nama penerima", max_length=200)
    channel = models.CharField("saluran", max_length=10, choices=Channel.choices)
    address = models.CharField("nomor/alamat", max_length=254)
    step = models.PositiveIntegerField("langkah pengiriman", null=True, blank=True)
    message = models.ForeignKey(
        "outbox.OutboundMessage",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        ordering = ["letter", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["letter", "channel", "address"], name="letter_recipient_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.get_channel_display()})"
