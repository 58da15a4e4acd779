"""Blank stock (KTP-el, KIA, printer ribbon): a ledger per office and item, the kab/kota
requests, shipments from the liaison office, the allocation among kab/kota and its hand-over.

The ledger is append-only. Each office and item has one `Stock` row, locked while a line is
appended; every line carries the running balance after it, and the database refuses a negative
balance (CHECK), a line whose balance does not follow from the previous line (trigger), and any
change to a posted line (trigger; on SQLite UPDATE only, as for the audit trail).
"""

from __future__ import annotations

import uuid
from typing import Any, NoReturn

from django.conf import settings
from django.db import models
from django.db.models import F, Q

from alur.core.errors import DomainError
from alur.logistics.choices import (
    INCOMING,
    OUTGOING,
    AllocationStatus,
    DeliveryMethod,
    Item,
    MovementKind,
    RequestStatus,
    ShipmentStatus,
)

POSTED_LINE_MESSAGE = (
    "Baris buku stok yang sudah diposting tidak dapat diubah atau dihapus; "
    "catat koreksinya sebagai baris baru (penyesuaian stok opname)."
)


class PostedLineError(DomainError):
    """An attempt to change or delete a posted ledger line."""

    def __init__(self) -> None:
        super().__init__(POSTED_LINE_MESSAGE, code="posted_line")


def _refuse() -> NoReturn:
    raise PostedLineError()


class Stock(models.Model):
    """The head of one office's ledger for one item: locked while a line is appended."""

    office = models.ForeignKey("org.Office", on_delete=models.PROTECT, related_name="blank_stocks")
    item = models.CharField("barang", max_length=10, choices=Item.choices)
    balance = models.IntegerField("stok", default=0)
    last_seq = models.PositiveBigIntegerField(default=0)
    updated_at = models.DateTimeField("diperbarui", null=True, blank=True)

    class Meta:
        ordering = ["office__code", "item"]
        verbose_name = "stok blanko"
        verbose_name_plural = "stok blanko"
        constraints = [
            models.UniqueConstraint(fields=["office", "item"], name="stock_unique_office_item"),
            models.CheckConstraint(condition=Q(balance__gte=0), name="stock_balance_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.get_item_display()} — {self.office}"


class LedgerQuerySet(models.QuerySet["LedgerLine"]):
    def update(self, **kwargs: Any) -> NoReturn:
        _refuse()

    def delete(self) -> NoReturn:
        _refuse()


class LedgerLine(models.Model):
    """One posted movement of stock, with the document behind it and the balance after it."""

    stock = models.ForeignKey(Stock, on_delete=models.PROTECT, related_name="lines")
    office = models.ForeignKey("org.Office", on_delete=models.PROTECT, related_name="+")
    item = models.CharField("barang", max_length=10, choices=Item.choices)
    seq = models.PositiveBigIntegerField("urutan")
    kind = models.CharField("jenis mutasi", max_length=12, choices=MovementKind.choices)
    quantity = models.IntegerField("jumlah")
    balance = models.IntegerField("saldo")
    occurred_on = models.DateField("tanggal dokumen")
    posted_at = models.DateTimeField("diposting")
    posted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    document_ref = models.CharField("nomor dokumen", max_length=200, blank=True)
    document = models.ForeignKey(
        "tte.IssuedDocument",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="dokumen terbit",
    )
    cause_type = models.CharField("jenis asal", max_length=100, blank=True)
    cause_id = models.CharField("id asal", max_length=64, blank=True)
    counterpart = models.ForeignKey(
        "org.Office",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="kantor asal/tujuan",
    )
    note = models.TextField("keterangan", blank=True)

    objects = LedgerQuerySet.as_manager()

    class Meta:
        ordering = ["stock_id", "seq"]
        verbose_name = "baris buku stok"
        verbose_name_plural = "buku stok"
        constraints = [
            models.UniqueConstraint(fields=["stock", "seq"], name="ledger_unique_seq"),
            models.CheckConstraint(condition=Q(balance__gte=0), name="ledger_balance_not_negative"),
            models.CheckConstraint(condition=~Q(quantity=0), name="ledger_quantity_not_zero"),
            models.CheckConstraint(
                condition=Q(kind__in=INCOMING, quantity__gt=0)
                | Q(kind__in=OUTGOING, quantity__lt=0)
                | Q(kind=MovementKind.ADJUSTMENT),
                name="ledger_sign_follows_kind",
            ),
            models.CheckConstraint(
                condition=~Q(document_ref="") | Q(document__isnull=False) | ~Q(cause_type=""),
                name="ledger_has_document",
            ),
            models.CheckConstraint(
                condition=~Q(kind__in=[MovementKind.TRANSFER_IN, MovementKind.TRANSFER_OUT])
                | Q(counterpart__isnull=False),
                name="ledger_transfer_has_counterpart",
            ),
        ]
        indexes = [
            models.Index(fields=["office", "item", "kind", "occurred_on"], name="ledger_use"),
            models.Index(fields=["cause_type", "cause_id"], name="ledger_cause"),
        ]

    def __str__(self) -> str:
        return f"{self.office} {self.item} #{self.seq} {self.quantity:+d}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            _refuse()
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> NoReturn:
        _refuse()


class BlankRequest(models.Model):
    """A kab/kota's request for blanks, with its justification as it stood when it was made."""

    office = models.ForeignKey("org.Office", on_delete=models.PROTECT, related_name="+")
    item = models.CharField("barang", max_length=10, choices=Item.choices, default=Item.KTP_EL)
    quantity = models.PositiveIntegerField("jumlah diminta")
    backlog = models.PositiveIntegerField("sudah rekam belum cetak")
    stock_on_hand = models.PositiveIntegerField("stok saat permohonan")
    monthly_use = models.PositiveIntegerField("pemakaian per bulan")
    justification = models.TextField("alasan")
    letter_number = models.CharField("nomor surat permohonan", max_length=160, blank=True)
    requested_at = models.DateTimeField("diajukan")
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField(
        "status", max_length=10, choices=RequestStatus.choices, default=RequestStatus.SUBMITTED
    )
    # The S1 round (case) of the province that answers this request, once it is taken up.
    case = models.ForeignKey(
        "workflow.Case",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="blank_requests",
        verbose_name="putaran S1",
    )

    class Meta:
        ordering = ["-requested_at", "-pk"]
        verbose_name = "permohonan blanko"
        verbose_name_plural = "permohonan blanko"
        constraints = [
            models.CheckConstraint(condition=Q(quantity__gt=0), name="request_quantity_positive")
        ]

    def __str__(self) -> str:
        return f"Permohonan {self.quantity} {self.get_item_display()} — {self.office}"


def shipment_path(instance: Shipment, filename: str) -> str:
    """logistik/<office code>/<year>/<random>.<ext>; the sender's file name is not kept."""
    extension = filename.rsplit(".", 1)[-1] if "." in filename else "bin"
    return (
        f"logistik/{instance.office.code.replace('.', '')}/{instance.dispatched_at:%Y}/"
        f"{uuid.uuid4().hex}.{extension}"
    )


class Shipment(models.Model):
    """Blanks sent by air by the liaison office (Badan Penghubung) to the province, and their
    pick-up at the airport by the province's team."""

    case = models.OneToOneField(
        "workflow.Case",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="blank_shipment",
    )
    office = models.ForeignKey("org.Office", on_delete=models.PROTECT, related_name="+")
    item = models.CharField("barang", max_length=10, choices=Item.choices, default=Item.KTP_EL)
    quantity_shipped = models.PositiveIntegerField("jumlah dikirim")
    carrier = models.CharField("ekspedisi / maskapai", max_length=120)
    waybill = models.CharField("nomor surat muatan / resi", max_length=120)
    serials_shipped = models.JSONField("rentang nomor seri dikirim", default=list, blank=True)
    dispatched_at = models.DateTimeField("dikirim")
    expected_at = models.DateTimeField("perkiraan tiba")
    dispatched_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField(
        "status", max_length=10, choices=ShipmentStatus.choices, default=ShipmentStatus.DISPATCHED
    )
    received_at = models.DateTimeField("diterima", null=True, blank=True)
    received_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    quantity_received = models.PositiveIntegerField("jumlah baik", null=True, blank=True)
    quantity_damaged = models.PositiveIntegerField("jumlah rusak", null=True, blank=True)
    serials_received = models.JSONField("rentang nomor seri diterima", default=list, blank=True)
    receipt_note = models.TextField("catatan pemeriksaan", blank=True)
    waybill_scan = models.FileField(
        "pindaian surat muatan udara", upload_to=shipment_path, max_length=200, blank=True
    )
    picked_up_at = models.DateTimeField("dijemput di bandara", null=True, blank=True)
    picked_up_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    pickup_note = models.TextField("catatan penjemputan", blank=True)
    pickup_document = models.FileField(
        "dokumen pengiriman", upload_to=shipment_path, max_length=200, blank=True
    )

    class Meta:
        ordering = ["-dispatched_at", "-pk"]
        verbose_name = "pengiriman blanko"
        verbose_name_plural = "pengiriman blanko"
        constraints = [
            models.CheckConstraint(
                condition=Q(quantity_shipped__gt=0), name="shipment_quantity_positive"
            ),
            models.CheckConstraint(
                condition=Q(quantity_received__isnull=True)
                | Q(quantity_received__lte=F("quantity_shipped") - F("quantity_damaged")),
                name="shipment_not_more_received_than_shipped",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.waybill} ({self.quantity_shipped} {self.get_item_display()})"

    @property
    def arrived(self) -> int:
        return (self.quantity_received or 0) + (self.quantity_damaged or 0)

    @property
    def shortfall(self) -> int:
        return self.quantity_shipped - self.arrived if self.received_at else 0


class Allocation(models.Model):
    """The split of received blanks among the kab/kota of a province."""

    case = models.OneToOneField(
        "workflow.Case",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="blank_allocation",
    )
    shipment = models.ForeignKey(
        Shipment, null=True, blank=True, on_delete=models.PROTECT, related_name="allocations"
    )
    office = models.ForeignKey("org.Office", on_delete=models.PROTECT, related_name="+")
    item = models.CharField("barang", max_length=10, choices=Item.choices, default=Item.KTP_EL)
    total = models.PositiveIntegerField("jumlah dibagi")
    cover_days = models.PositiveSmallIntegerField("target ketersediaan (hari)")
    status = models.CharField(
        "status",
        max_length=10,
        choices=AllocationStatus.choices,
        default=AllocationStatus.PROPOSED,
    )
    proposed_at = models.DateTimeField("diusulkan")
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    approved_at = models.DateTimeField("disetujui", null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    approval_reason = models.TextField("alasan perubahan", blank=True)
    published_at = models.DateTimeField("ditetapkan", null=True, blank=True)

    class Meta:
        ordering = ["-proposed_at", "-pk"]
        verbose_name = "pembagian blanko"
        verbose_name_plural = "pembagian blanko"

    def __str__(self) -> str:
        return f"Pembagian {self.total} {self.get_item_display()} — {self.office}"


class AllocationLine(models.Model):
    """One kab/kota's share, the figures behind it, its schedule and its hand-over."""

    allocation = models.ForeignKey(Allocation, on_delete=models.PROTECT, related_name="lines")
    office = models.ForeignKey("org.Office", on_delete=models.PROTECT, related_name="+")
    request = models.ForeignKey(
        BlankRequest, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    backlog = models.PositiveIntegerField("sudah rekam belum cetak")
    stock = models.PositiveIntegerField("stok")
    monthly_use = models.PositiveIntegerField("pemakaian per bulan")
    need = models.PositiveIntegerField("kebutuhan")
    proposed = models.PositiveIntegerField("usulan")
    approved = models.PositiveIntegerField("porsi", null=True, blank=True)
    method = models.CharField(
        "cara serah terima", max_length=10, choices=DeliveryMethod.choices, blank=True
    )
    scheduled_on = models.DateField("jadwal", null=True, blank=True)
    handed_over_at = models.DateTimeField("diserahkan", null=True, blank=True)
    handed_over_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    bast = models.ForeignKey(
        "tte.IssuedDocument",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="BAST",
    )
    hibah = models.ForeignKey(
        "tte.IssuedDocument",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="surat pernyataan hibah",
    )

    class Meta:
        ordering = ["allocation_id", "office__code"]
        verbose_name = "porsi pembagian"
        verbose_name_plural = "porsi pembagian"
        constraints = [
            models.UniqueConstraint(fields=["allocation", "office"], name="allocation_line_unique"),
            models.UniqueConstraint(
                fields=["bast"], condition=Q(bast__isnull=False), name="allocation_line_one_bast"
            ),
            models.UniqueConstraint(
                fields=["hibah"],
                condition=Q(hibah__isnull=False),
                name="allocation_line_one_hibah",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.office}: {self.share}"

    @property
    def share(self) -> int:
        return self.proposed if self.approved is None else self.approved
