"""Complaints (pengaduan, SOP S2g): the complaint register, the answering team and its opinions.

The complaint's processing is a workflow case of SOP S2g; the complaint row holds what the
reporter sent and what the office decided and answered. The register number is gapless per
office and year (one locked counter row per office and year), like the letter numbers.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from alur.complaints.choices import CLOSED, Category, Channel, Status


class Complaint(models.Model):
    case = models.OneToOneField("workflow.Case", on_delete=models.PROTECT, related_name="complaint")
    office = models.ForeignKey("org.Office", on_delete=models.PROTECT, related_name="+")
    channel = models.CharField("saluran", max_length=10, choices=Channel.choices)
    status = models.CharField(
        "status", max_length=12, choices=Status.choices, default=Status.RECEIVED
    )
    reporter_name = models.CharField("nama pelapor", max_length=150)
    reporter_phone = models.CharField("nomor HP (E.164, tanpa +)", max_length=15, blank=True)
    reporter_email = models.EmailField("surel pelapor", blank=True)
    text = models.TextField("isi pengaduan")
    application = models.ForeignKey(
        "intake.Application",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="complaints",
        verbose_name="permohonan terkait",
    )
    whatsapp_number = models.ForeignKey(
        "whatsapp_cloud.BusinessNumber",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="complaints",
    )
    client_token = models.CharField(max_length=64, blank=True)
    created_at = models.DateTimeField("diterima")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # Step 2: the register.
    category = models.CharField("kategori", max_length=20, choices=Category.choices, blank=True)
    analysis = models.TextField("analisis petugas", blank=True)
    register_year = models.PositiveSmallIntegerField("tahun register", null=True, blank=True)
    register_serial = models.PositiveIntegerField("nomor urut register", null=True, blank=True)
    register_number = models.CharField("nomor register", max_length=40, blank=True)
    registered_at = models.DateTimeField("dicatat", null=True, blank=True)
    # Step 3 "yes": escalated to the complaint-handling official.
    escalation_note = models.TextField("alasan diteruskan", blank=True)
    # Step 5: the answering team's solution; step 6: the official's decision.
    proposed_solution = models.TextField("solusi tim penjawab", blank=True)
    decision = models.TextField("keputusan pejabat pengelola", blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    # The answer to the reporter (step 3 "no" or step 7), or why the complaint was not processed.
    answer = models.TextField("jawaban", blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    closed_at = models.DateTimeField("ditutup", null=True, blank=True)
    # After closing: how satisfied the reporter is (1–5).
    satisfaction = models.PositiveSmallIntegerField("kepuasan (1–5)", null=True, blank=True)
    satisfaction_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = "pengaduan"
        verbose_name_plural = "pengaduan"
        constraints = [
            models.UniqueConstraint(
                fields=["office", "register_year", "register_serial"],
                condition=Q(register_serial__isnull=False),
                name="complaint_register_serial_unique",
            ),
            models.UniqueConstraint(
                fields=["client_token"],
                condition=~Q(client_token=""),
                name="complaint_client_token_unique",
            ),
            models.CheckConstraint(
                condition=Q(satisfaction__isnull=True)
                | Q(satisfaction__gte=1, satisfaction__lte=5),
                name="complaint_satisfaction_range",
            ),
        ]
        indexes = [
            models.Index(fields=["office", "-created_at"], name="complaint_office"),
            models.Index(fields=["reporter_phone", "-created_at"], name="complaint_reporter"),
        ]

    def __str__(self) -> str:
        return f"Pengaduan {self.register_number or self.case.reference}"

    @property
    def is_closed(self) -> bool:
        return self.status in CLOSED

    @property
    def solution(self) -> str:
        """What the answer at step 7 starts from: the official's decision, else the team's."""
        return self.decision or self.proposed_solution


class TeamMember(models.Model):
    """A member of an office's answering team (Tim Penjawab Aduan)."""

    office = models.ForeignKey("org.Office", on_delete=models.PROTECT, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    role = models.CharField("peran dalam tim", max_length=80, blank=True)
    is_active = models.BooleanField("aktif", default=True)

    class Meta:
        ordering = ["office", "user__username"]
        verbose_name = "anggota tim penjawab aduan"
        verbose_name_plural = "anggota tim penjawab aduan"
        constraints = [
            models.UniqueConstraint(fields=["office", "user"], name="complaint_team_unique")
        ]

    def __str__(self) -> str:
        return f"{self.user} ({self.role or 'anggota'})"


class Opinion(models.Model):
    """One team member's opinion on an escalated complaint (the consultation of step 5)."""

    complaint = models.ForeignKey(Complaint, on_delete=models.CASCADE, related_name="opinions")
    member = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    text = models.TextField("pendapat")
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = "pendapat tim"
        verbose_name_plural = "pendapat tim"
        constraints = [
            models.UniqueConstraint(fields=["complaint", "member"], name="complaint_opinion_once")
        ]

    def __str__(self) -> str:
        return f"{self.member} tentang {self.complaint_id}"
