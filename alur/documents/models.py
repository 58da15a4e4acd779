"""The citizen documents a case produces (KK, SKPWNI, akta, KTP-el, KIA) and their registers.

One `CitizenDocument` per case and kind. Paper documents are signed by the Kadis (TTE) and kept
in the tte archive (`IssuedDocument`, verifiable at `/verifikasi/<code>/`); cards are printed
on a blanko whose serial is recorded. Every document is handed over once: in person, with the
name and identity shown by whoever collected it, or by PT POS with its tracking number.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from alur.documents.choices import CARDS, PAPER, HandoverMethod, OutputKind
from alur.org.models import Office
from alur.registry.models import Family, Resident
from alur.tte.models import IssuedDocument
from alur.workflow.models import Case

USER = settings.AUTH_USER_MODEL


def proof_path(instance: CitizenDocument, filename: str) -> str:
    extension = filename.rsplit(".", 1)[-1].lower() if "." in filename else "bin"
    return f"serah-terima/{instance.office_id}/{instance.case_id}-{instance.kind}.{extension}"


class CitizenDocument(models.Model):
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="citizen_documents")
    office = models.ForeignKey(Office, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField("jenis", max_length=20, choices=OutputKind.choices)
    resident = models.ForeignKey(
        Resident, null=True, blank=True, on_delete=models.PROTECT, related_name="documents"
    )
    family = models.ForeignKey(
        Family, null=True, blank=True, on_delete=models.PROTECT, related_name="documents"
    )
    data = models.JSONField("isian", default=dict, blank=True)
    created_at = models.DateTimeField("dibuat")
    updated_at = models.DateTimeField("diubah")
    entered_by = models.ForeignKey(
        USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    register_year = models.PositiveIntegerField(null=True, blank=True)
    register_serial = models.PositiveIntegerField(null=True, blank=True)
    register_number = models.CharField("nomor register", max_length=80, blank=True)
    verify_code = models.CharField("kode verifikasi", max_length=32, blank=True)
    issued = models.OneToOneField(
        IssuedDocument,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="citizen_document",
        verbose_name="dokumen terbit (arsip)",
    )
    signed_at = models.DateTimeField("ditandatangani", null=True, blank=True)
    signed_by = models.ForeignKey(
        USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    printed_at = models.DateTimeField("dicetak", null=True, blank=True)
    printed_by = models.ForeignKey(
        USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    card_serial = models.CharField("nomor seri blanko", max_length=40, blank=True)
    handed_over_at = models.DateTimeField("diserahkan", null=True, blank=True)
    handed_over_by = models.ForeignKey(
        USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    handover_method = models.CharField(
        "cara penyerahan", max_length=10, choices=HandoverMethod.choices, blank=True
    )
    recipient_name = models.CharField("nama penerima", max_length=150, blank=True)
    recipient_id = models.CharField("identitas penerima", max_length=60, blank=True)
    pos_tracking = models.CharField("nomor resi PT POS", max_length=40, blank=True)
    handover_proof = models.FileField(
        "bukti serah terima", upload_to=proof_path, max_length=200, blank=True
    )
    archived_at = models.DateTimeField("diarsipkan", null=True, blank=True)

    class Meta:
        ordering = ["case", "pk"]
        verbose_name = "dokumen kependudukan"
        verbose_name_plural = "dokumen kependudukan"
        constraints = [
            models.UniqueConstraint(fields=["case", "kind"], name="citizen_document_case_kind"),
            models.UniqueConstraint(
                fields=["office", "kind", "register_year", "register_serial"],
                condition=Q(register_serial__isnull=False),
                name="citizen_document_register_serial",
            ),
            models.UniqueConstraint(
                fields=["card_serial"], condition=~Q(card_serial=""), name="citizen_card_serial"
            ),
            # A register number SIAK issued (no serial of ours) is one document's; a KK's is
            # its No. KK, which every version of the family's KK carries.
            models.UniqueConstraint(
                fields=["kind", "register_number"],
                condition=Q(register_serial__isnull=True) & ~Q(register_number="") & ~Q(kind="kk"),
                name="citizen_document_siak_number",
            ),
        ]

    def __str__(self) -> str:
        who = self.resident.name if self.resident else self.case.reference
        return f"{self.get_kind_display()} {self.register_number or who}"

    @property
    def is_paper(self) -> bool:
        return self.kind in PAPER

    @property
    def is_card(self) -> bool:
        return self.kind in CARDS

    @property
    def status_label(self) -> str:
        if self.handed_over_at:
            return "Diserahkan"
        if self.printed_at:
            return "Dicetak"
        if (
            self.signed_at
            and isinstance(self.data, dict)
            and (self.data.get("siak") or {}).get("pdf")
        ):
            return "Ditandatangani di SIAK"
        if self.signed_at:
            return "Ditandatangani (TTE)"
        return "Konsep"


class RegisterFormat(models.Model):
    """An office's own format of a register number; without one the default of the kind."""

    office = models.ForeignKey(Office, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=20, choices=OutputKind.choices)
    fmt = models.CharField("format", max_length=80)
    padding = models.PositiveSmallIntegerField("lebar nomor urut", default=4)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["office", "kind"], name="register_format_unique")
        ]

    def __str__(self) -> str:
        return f"{self.office} {self.kind}: {self.fmt}"
