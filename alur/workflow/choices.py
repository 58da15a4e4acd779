from django.db import models


class CaseStatus(models.TextChoices):
    OPEN = "open", "Berjalan"
    WAITING = "waiting", "Menunggu pemohon"
    DONE = "done", "Selesai"
    REJECTED = "rejected", "Ditolak"
    CANCELLED = "cancelled", "Dibatalkan"


class TaskStatus(models.TextChoices):
    OPEN = "open", "Belum diambil"
    CLAIMED = "claimed", "Sedang dikerjakan"
    WAITING = "waiting", "Menunggu pihak luar"
    DONE = "done", "Selesai"
    CANCELLED = "cancelled", "Dibatalkan"


class Outcome(models.TextChoices):
    DONE = "done", "Selesai / Sesuai"
    RETURN = "return", "Dikembalikan (perbaikan)"
    REJECT = "reject", "Ditolak"


class SlaState(models.TextChoices):
    ON_TIME = "on_time", "Tepat waktu"
    AT_RISK = "at_risk", "Hampir lewat (< 20%)"
    OVERDUE = "overdue", "Terlambat"
    NONE = "none", "Tanpa tenggat"


ACTIVE_TASK = (TaskStatus.OPEN, TaskStatus.CLAIMED, TaskStatus.WAITING)
