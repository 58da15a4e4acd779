"""Report definitions, their periods, the kab/kota submissions and the coverage data of a month."""

from __future__ import annotations

from datetime import time

from django.conf import settings
from django.db import models
from django.db.models import F, Q

from alur.reports.choices import (
    Frequency,
    JobStatus,
    PeriodStatus,
    ReportKind,
    Source,
    SubmissionStatus,
    Timeliness,
)


class ReportDefinition(models.Model):
    """What a province asks its kab/kota for: fields, period, deadline, recipients.

    The deadline is a local time of the *reporter*: "Jumat 14.00" is 14.00 WIB for a kab/kota in
    WIB and 14.00 WITA for one in WITA.
    """

    office = models.ForeignKey("org.Office", on_delete=models.PROTECT, related_name="+")
    code = models.SlugField("kode", max_length=40)
    title = models.CharField("judul", max_length=200)
    kind = models.CharField("jenis", max_length=10, choices=ReportKind.choices)
    frequency = models.CharField("periode", max_length=8, choices=Frequency.choices)
    sop_code = models.CharField("SOP", max_length=8)
    # [{"key": "kk", "label": "Kartu Keluarga"}, ...]: service types or coverage indicators.
    fields = models.JSONField("isian", default=list)
    deadline_weekday = models.PositiveSmallIntegerField("hari tenggat (0 = Senin)", default=4)
    deadline_time = models.TimeField("jam tenggat (waktu setempat pelapor)", default=time(14, 0))
    deadline_day = models.PositiveSmallIntegerField("tanggal tenggat bulan berikutnya", default=10)
    distribute_weekday = models.PositiveSmallIntegerField("hari pengiriman formulir", default=3)
    # When a period opens by itself (the province's own clock): weekly on `distribute_weekday`,
    # monthly on `distribute_day` (for the month before), both at `distribute_time`.
    distribute_time = models.TimeField(
        "jam pengiriman formulir (waktu provinsi)", default=time(8, 0)
    )
    distribute_day = models.PositiveSmallIntegerField("tanggal mulai periode bulanan", default=1)
    auto_start = models.BooleanField("buka periode otomatis sesuai jadwal", default=True)
    remind_hours = models.PositiveSmallIntegerField("pengingat (jam sebelum tenggat)", default=3)
    # [[name, channel, address, step], ...]: where the signed report goes, step by step (S0's
    # delivery steps 12 and 13, `reports.send`).
    recipients = models.JSONField("penerima", default=list, blank=True)
    classification = models.CharField("klasifikasi naskah", max_length=40, default="400.12.2")
    jump_threshold = models.DecimalField(
        "batas lonjakan (poin persen)", max_digits=5, decimal_places=2, default=5
    )
    is_active = models.BooleanField("aktif", default=True)
    updated_at = models.DateTimeField("diubah")
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["office", "code"]
        verbose_name = "definisi laporan"
        verbose_name_plural = "definisi laporan"
        constraints = [
            models.UniqueConstraint(fields=["office", "code"], name="report_definition_code")
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def field_keys(self) -> list[str]:
        return [f["key"] for f in self.fields]

    @property
    def labels(self) -> dict[str, str]:
        return {f["key"]: f["label"] for f in self.fields}


class CoverageTarget(models.Model):
    """The yearly target of one indicator (percent), which changes every year."""

    definition = models.ForeignKey(
        ReportDefinition, on_delete=models.CASCADE, related_name="targets"
    )
    year = models.PositiveSmallIntegerField("tahun")
    indicator = models.CharField("indikator", max_length=40)
    target = models.DecimalField("target (%)", max_digits=5, decimal_places=2)

    class Meta:
        ordering = ["year", "indicator"]
        constraints = [
            models.UniqueConstraint(
                fields=["definition", "year", "indicator"], name="coverage_target_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.indicator} {self.year}: {self.target}%"


class ReportPeriod(models.Model):
    """One week or month of a definition, run as one case of its SOP."""

    definition = models.ForeignKey(
        ReportDefinition, on_delete=models.PROTECT, related_name="periods"
    )
    case = models.OneToOneField(
        "workflow.Case",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="report_period",
    )
    starts_on = models.DateField("mulai")
    ends_on = models.DateField("sampai")
    status = models.CharField(max_length=8, choices=PeriodStatus.choices, default=PeriodStatus.OPEN)
    distributed_at = models.DateTimeField("formulir dikirim", null=True, blank=True)
    closed_at = models.DateTimeField("ditutup", null=True, blank=True)
    recap = models.JSONField("rekap", default=dict, blank=True)
    recap_built_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-starts_on"]
        verbose_name = "periode laporan"
        verbose_name_plural = "periode laporan"
        constraints = [
            models.UniqueConstraint(fields=["definition", "starts_on"], name="report_period_once"),
            models.CheckConstraint(condition=Q(ends_on__gte=F("starts_on")), name="period_order"),
        ]

    def __str__(self) -> str:
        return f"{self.definition.title} {self.label}"

    @property
    def label(self) -> str:
        from alur.reports.timeliness import period_label

        return period_label(self.definition.frequency, self.starts_on, self.ends_on)


class Submission(models.Model):
    """One kab/kota's figures for one period: a draft until it is sent, then on time or late."""

    period = models.ForeignKey(ReportPeriod, on_delete=models.CASCADE, related_name="submissions")
    office = models.ForeignKey("org.Office", on_delete=models.PROTECT, related_name="+")
    status = models.CharField(
        max_length=10, choices=SubmissionStatus.choices, default=SubmissionStatus.DRAFT
    )
    values = models.JSONField("angka", default=dict)
    prefilled = models.JSONField("angka dari sistem", default=dict, blank=True)
    edit_reason = models.TextField("alasan perubahan dari angka sistem", blank=True)
    source = models.CharField("cara kirim", max_length=10, choices=Source.choices)
    file = models.FileField(upload_to="reports/submissions/%Y/%m/", blank=True)
    saved_at = models.DateTimeField("disimpan")
    saved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    submitted_at = models.DateTimeField("dikirim", null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    deadline_at = models.DateTimeField("tenggat pelapor")
    timeliness = models.CharField(max_length=8, choices=Timeliness.choices, blank=True)

    class Meta:
        ordering = ["office__code"]
        verbose_name = "laporan kab/kota"
        verbose_name_plural = "laporan kab/kota"
        constraints = [
            models.UniqueConstraint(fields=["period", "office"], name="submission_once"),
            models.CheckConstraint(
                condition=Q(status="draft") | Q(submitted_at__isnull=False),
                name="submission_sent_has_time",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.office} {self.period}"

    @property
    def total(self) -> int:
        return sum(int(v) for v in self.values.values())


class CoverageImport(models.Model):
    """An uploaded PIAK data file, read by the worker; the page polls its progress."""

    period = models.ForeignKey(ReportPeriod, on_delete=models.CASCADE, related_name="imports")
    file = models.FileField(upload_to="reports/coverage/%Y/%m/")
    filename = models.CharField(max_length=255)
    status = models.CharField(max_length=8, choices=JobStatus.choices, default=JobStatus.QUEUED)
    total = models.PositiveIntegerField(default=0)
    done = models.PositiveIntegerField(default=0)
    errors = models.JSONField(default=list, blank=True)
    warnings = models.JSONField(default=list, blank=True)
    created_at = models.DateTimeField()
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = "impor data cakupan"
        verbose_name_plural = "impor data cakupan"

    def __str__(self) -> str:
        return f"{self.filename} ({self.get_status_display()})"

    @property
    def percent(self) -> int:
        return 100 if self.status == JobStatus.DONE else int(100 * self.done / max(self.total, 1))


class CoverageRow(models.Model):
    """Numerator and denominator of one indicator for one kab/kota in one month."""

    period = models.ForeignKey(ReportPeriod, on_delete=models.CASCADE, related_name="rows")
    office = models.ForeignKey("org.Office", on_delete=models.PROTECT, related_name="+")
    indicator = models.CharField(max_length=40)
    numerator = models.PositiveIntegerField()
    denominator = models.PositiveIntegerField()
    source = models.ForeignKey(CoverageImport, on_delete=models.PROTECT, related_name="rows")

    class Meta:
        ordering = ["office__code", "indicator"]
        constraints = [
            models.UniqueConstraint(
                fields=["period", "office", "indicator"], name="coverage_row_once"
            ),
            models.CheckConstraint(
                condition=Q(numerator__lte=F("denominator")), name="coverage_numerator_le_denom"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.office} {self.indicator} {self.numerator}/{self.denominator}"
