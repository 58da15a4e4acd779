"""Cases (one run of an SOP) and tasks (one step of a case, for one actor in one office)."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q

from alur.workflow.choices import CaseStatus, Outcome, TaskStatus


class Case(models.Model):
    sop = models.ForeignKey("sop.SopRevision", on_delete=models.PROTECT, related_name="cases")
    office = models.ForeignKey("org.Office", on_delete=models.PROTECT, related_name="cases")
    reference = models.CharField("nomor", max_length=40, unique=True)
    subject = models.CharField("perihal", max_length=300)
    status = models.CharField(
        "status", max_length=10, choices=CaseStatus.choices, default=CaseStatus.OPEN
    )
    started_at = models.DateTimeField("mulai")
    finished_at = models.DateTimeField("selesai", null=True, blank=True)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # The SOP's overall deadline: the clock starts at the SOP's clock-start step, pauses while
    # the case waits for the applicant, and stops at its clock-stop step.
    clock_started_at = models.DateTimeField(null=True, blank=True)
    clock_stopped_at = models.DateTimeField(null=True, blank=True)
    due_at = models.DateTimeField("tenggat", null=True, blank=True)
    paused_at = models.DateTimeField(null=True, blank=True)
    remaining_minutes = models.PositiveIntegerField(null=True, blank=True)

    # What the reader may see of it (workflow.selectors.Reach), set by case_for; not stored.
    reach: int

    class Meta:
        ordering = ["-started_at"]
        verbose_name = "perkara"
        verbose_name_plural = "perkara"
        indexes = [models.Index(fields=["office", "status", "-started_at"], name="case_office")]

    def __str__(self) -> str:
        return f"{self.reference} {self.subject}"


class Task(models.Model):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="tasks")
    step = models.PositiveSmallIntegerField("langkah")
    actor = models.CharField("pelaksana (SOP)", max_length=40)
    position_kind = models.CharField("jenis jabatan", max_length=12, blank=True)
    office = models.ForeignKey("org.Office", on_delete=models.PROTECT, related_name="tasks")
    # The unit (bidang or seksi) whose holders of the post do the task; None: the whole office.
    unit = models.ForeignKey(
        "org.Unit",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name="unit kerja",
    )
    status = models.CharField(
        "status", max_length=10, choices=TaskStatus.choices, default=TaskStatus.OPEN
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="claimed_tasks",
    )
    created_at = models.DateTimeField("dibuat")
    due_at = models.DateTimeField("tenggat", null=True, blank=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)
    completed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    outcome = models.CharField(max_length=10, choices=Outcome.choices, blank=True)
    branch = models.CharField("jalur keputusan", max_length=3, blank=True)  # "yes" / "no"
    reason = models.TextField("alasan/catatan", blank=True)
    return_to = models.CharField("dikembalikan ke", max_length=12, blank=True)
    resume_step = models.PositiveSmallIntegerField(null=True, blank=True)  # after the applicant
    overdue_notified_at = models.DateTimeField(null=True, blank=True)
    # A review step: who took the review step before it on this case, and which step that was.
    # That person may not take this one too, unless the office lets an acting holder do so.
    prior_reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    prior_review_step = models.PositiveSmallIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["due_at", "created_at"]
        verbose_name = "tugas"
        verbose_name_plural = "tugas"
        indexes = [
            # The inbox reads one post at a time, in due order: office-wide tasks through the
            # first index, a unit's tasks through the second.
            models.Index(
                fields=["office", "position_kind", "due_at"],
                condition=Q(status__in=["open", "claimed"], unit__isnull=True),
                name="task_inbox",
            ),
            models.Index(
                fields=["office", "position_kind", "unit", "due_at"],
                condition=Q(status__in=["open", "claimed"], unit__isnull=False),
                name="task_inbox_unit",
            ),
            models.Index(
                fields=["due_at"],
                condition=Q(status__in=["open", "claimed"], overdue_notified_at__isnull=True),
                name="task_sla_watch",
            ),
            # What waits on outside parties in an office (the inbox's second list).
            models.Index(
                fields=["office", "-created_at"],
                condition=Q(status="waiting"),
                name="task_waiting",
            ),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["case", "step", "office"],
                condition=Q(status__in=["open", "claimed", "waiting"]),
                name="task_one_active_per_step",
            )
        ]

    def __str__(self) -> str:
        return f"{self.case.reference} langkah {self.step}"


class Notification(models.Model):
    """An in-app notice to a person (overdue task, returned case); WhatsApp reads these later."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    office = models.ForeignKey("org.Office", on_delete=models.CASCADE, related_name="+")
    task = models.ForeignKey(Task, null=True, blank=True, on_delete=models.CASCADE)
    kind = models.CharField(max_length=30)
    message = models.TextField()
    created_at = models.DateTimeField()
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["user", "read_at"], name="notification_unread")]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "task", "kind"], name="notification_once_per_task_kind"
            )
        ]

    def __str__(self) -> str:
        return self.message[:60]


def outside_record_path(instance: OutsideRecord, filename: str) -> str:
    """workflow/<office code>/<year>/<random>.<ext>; the sender's file name is not kept."""
    extension = filename.rsplit(".", 1)[-1] if "." in filename else "bin"
    office_code = instance.case.office.code.replace(".", "")
    return f"workflow/{office_code}/{instance.recorded_at:%Y}/{uuid.uuid4().hex}.{extension}"


class OutsideRecord(models.Model):
    """An outside party's step as the staff who witnessed it recorded it: who did it (as they
    gave their names), when, and optionally a photo or scan (the signed register page)."""

    task = models.OneToOneField(Task, on_delete=models.CASCADE, related_name="outside_record")
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="outside_records")
    party = models.CharField("pihak yang melakukan", max_length=200)
    occurred_at = models.DateTimeField("waktu dilakukan")
    note = models.TextField("catatan", blank=True)
    file = models.FileField(
        "foto/pindaian", upload_to=outside_record_path, max_length=200, blank=True
    )
    mime = models.CharField(max_length=40, blank=True)
    size = models.PositiveIntegerField("ukuran (bita)", null=True, blank=True)
    sha256 = models.CharField(max_length=64, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField("dicatat")

    class Meta:
        ordering = ["recorded_at", "id"]
        verbose_name = "catatan langkah pihak luar"
        verbose_name_plural = "catatan langkah pihak luar"

    def __str__(self) -> str:
        return f"{self.case.reference} langkah {self.task.step}: {self.party}"


class ApplicantNotice(models.Model):
    """What the applicant was told when their case went back to them or was refused, with the
    reason, and by which channel: queued to WhatsApp (the outbox), or to be told at the counter
    (the counter's record; the public status page shows it too)."""

    class Kind(models.TextChoices):
        RETURN = "return", "Dikembalikan kepada pemohon"
        REJECT = "reject", "Permohonan ditolak"

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="applicant_notices")
    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    text = models.TextField("isi pemberitahuan")
    channels = models.CharField("disampaikan lewat", max_length=60)
    created_at = models.DateTimeField("waktu")

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = "pemberitahuan kepada pemohon"
        verbose_name_plural = "pemberitahuan kepada pemohon"
        constraints = [
            models.UniqueConstraint(fields=["task", "kind"], name="applicant_notice_once")
        ]

    def __str__(self) -> str:
        return self.text[:60]
