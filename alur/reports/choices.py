from django.db import models


class ReportKind(models.TextChoices):
    SERVICE = "service", "Laporan pelayanan (jumlah per jenis layanan)"
    COVERAGE = "coverage", "Rekap cakupan kepemilikan dokumen"


class Frequency(models.TextChoices):
    WEEKLY = "weekly", "Mingguan"
    MONTHLY = "monthly", "Bulanan"


class PeriodStatus(models.TextChoices):
    OPEN = "open", "Menerima laporan"
    CLOSED = "closed", "Ditutup"


class Source(models.TextChoices):
    WEB = "web", "Formulir web"
    EXCEL = "excel", "Unggah Excel"
    WHATSAPP = "whatsapp", "Excel lewat WhatsApp"


class SubmissionStatus(models.TextChoices):
    DRAFT = "draft", "Konsep"
    SUBMITTED = "submitted", "Terkirim"


class Timeliness(models.TextChoices):
    ON_TIME = "on_time", "Tepat waktu"
    LATE = "late", "Terlambat"
    MISSING = "missing", "Tidak melapor"
    PENDING = "pending", "Belum melapor"


class JobStatus(models.TextChoices):
    QUEUED = "queued", "Dalam antrean"
    RUNNING = "running", "Sedang diproses"
    DONE = "done", "Selesai"
    FAILED = "failed", "Ditolak"


# Which action each period status allows: the one table the services enforce.
PERIOD_ACTIONS: dict[str, frozenset[str]] = {
    "submit": frozenset({PeriodStatus.OPEN}),
    "draft": frozenset({PeriodStatus.OPEN}),
    "close": frozenset({PeriodStatus.OPEN}),
    "import": frozenset({PeriodStatus.OPEN}),
    "aggregate": frozenset({PeriodStatus.OPEN, PeriodStatus.CLOSED}),
}
