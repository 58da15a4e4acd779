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
    # When the promise (due_at) is about to be missed: the superiors are told then, once
    # (`workflow.sla`). Set with due_at; `promise_alerted_at` records the alert.
    promise_warn_at = models.DateTimeField(null=True, blank=True)
    promise_alerted_at = models.DateTimeField(null=True, blank=True)

    # What the reader may see of it (workflow.selectors.Reach), set by case_for; not stored.
    reach: int

    class Meta:
        ordering = ["-started_at"]
        verbose_name = "perkara"
        verbose_name_plural = "perkara"
        indexes = [
            models.Index(fields=["office", "status", "-started_at"], name="case_office"),
            models.Index(
                fields=["promise_warn_at"],
                condition=Q(status="open", promise_alerted_at__isnull=True),
                name="case_promise_watch",
            ),
        ]

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
    """A notice to a person: work that waits for their decision (paraf, signature, a review, a
    returned case), an escalation, or a partner's news. Listed on "Pemberitahuan"; the batched
    digest (`workflow.digest`) carries the undelivered ones by WhatsApp or e-mail."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    office = models.ForeignKey("org.Office", on_delete=models.CASCADE, related_name="+")
    task = models.ForeignKey(Task, null=True, blank=True, on_delete=models.CASCADE)
    kind = models.CharField(max_length=30)
    message = models.TextField()
    # What it is about, short (a letter's subject, a case's reference): the digest lists these.
    title = models.CharField(max_length=160, blank=True)
    # Where the person acts on it (a path of this site); blank: the task's case page, if any.
    url = models.CharField("tautan", max_length=300, blank=True)
    # Names the notice once for work outside the engine (a letter's paraf slot in one round):
    # the same key is not written twice for one person.
    key = models.CharField(max_length=120, blank=True)
    created_at = models.DateTimeField()
    read_at = models.DateTimeField(null=True, blank=True)
    # The work was done (or went elsewhere) before the person was told: not carried any more.
    done_at = models.DateTimeField(null=True, blank=True)
    # Carried by the digest (at most one message per person per window), and how.
    delivered_at = models.DateTimeField(null=True, blank=True)
    delivered_by = models.CharField(max_length=10, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["user", "read_at"], name="notification_unread"),
            # What the digest still has to carry, per person.
            models.Index(
                fields=["user", "created_at"],
                condition=Q(delivered_at__isnull=True, read_at__isnull=True, done_at__isnull=True),
                name="notification_pending",
            ),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "task", "kind"], name="notification_once_per_task_kind"
            ),
            models.UniqueConstraint(
                fields=["user", "key"], condition=~Q(key=""), name="notification_once_per_key"
            ),
        ]

    def __str__(self) -> str:
        return self.message[:60]

    @property
    def link(self) -> str:
        if self.url:
            return self.url
        if self.task is not None:
            return f"/perkara/{self.task.case.reference}/"
        return ""


class StepQueueTime(models.Model):
    """How long a task of one SOP step may wait in an office before the superiors of its post
    are told ("waktu antre"), set by the office's managers. No row: only the case's promise
    (`Case.due_at`) escalates."""

    office = models.ForeignKey("org.Office", on_delete=models.CASCADE, related_name="+")
    sop_code = models.CharField("SOP", max_length=10)
    step = models.PositiveSmallIntegerField("langkah")
    minutes = models.PositiveIntegerField("waktu antre (menit kerja)")
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField("diubah")

    class Meta:
        ordering = ["office", "sop_code", "step"]
        verbose_name = "waktu antre langkah"
        verbose_name_plural = "waktu antre langkah"
        constraints = [
            models.UniqueConstraint(
                fields=["office", "sop_code", "step"], name="step_queue_time_once"
            ),
            models.CheckConstraint(condition=Q(minutes__gte=1), name="step_queue_time_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.sop_code} langkah {self.step}: {self.minutes} menit"


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
