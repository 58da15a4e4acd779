from django.db import models


class Item(models.TextChoices):
    KTP_EL = "ktp_el", "Blanko KTP-el"
    KIA = "kia", "Blanko KIA"
    RIBBON = "ribbon", "Pita printer (ribbon)"


class MovementKind(models.TextChoices):
    RECEIPT = "receipt", "Penerimaan"
    TRANSFER_OUT = "transfer_out", "Mutasi keluar"
    TRANSFER_IN = "transfer_in", "Mutasi masuk"
    ISSUE = "issue", "Pemakaian cetak"
    DAMAGED = "damaged", "Rusak"
    ADJUSTMENT = "adjustment", "Penyesuaian stok opname"


INCOMING = (MovementKind.RECEIPT, MovementKind.TRANSFER_IN)
OUTGOING = (MovementKind.TRANSFER_OUT, MovementKind.ISSUE, MovementKind.DAMAGED)


class RequestStatus(models.TextChoices):
    SUBMITTED = "submitted", "Diajukan"
    ROUND = "round", "Diproses provinsi (putaran S1)"
    ALLOCATED = "allocated", "Masuk pembagian"


class ShipmentStatus(models.TextChoices):
    DISPATCHED = "dispatched", "Dalam pengiriman"
    RECEIVED = "received", "Diterima"


class AllocationStatus(models.TextChoices):
    PROPOSED = "proposed", "Usulan"
    APPROVED = "approved", "Disetujui Kepala Dinas"
    PUBLISHED = "published", "Ditetapkan"


class DeliveryMethod(models.TextChoices):
    COLLECT = "collect", "Diambil sendiri di provinsi"
    DELIVER = "deliver", "Diantar petugas provinsi"
