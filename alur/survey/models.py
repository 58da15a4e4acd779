"""A citizen's satisfaction survey (Survei Kepuasan Masyarakat) and its answers.

One survey per case (a document handed over, a complaint answered), made when the case reaches
that point and never again for the same case; answering is optional. Over WhatsApp it is asked
one element at a time (`asked_element`); the other channels open it by its unguessable `token`
(a link or QR code). A questionnaire filled on paper at the counter has no case.

The period of an answer is the day it was first answered (`responded_at`, the office's zone):
the IKM of a quarter counts the surveys answered in it.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from alur.survey.choices import ELEMENT_COUNT, Channel, Education, Gender, Occupation, Source


class Survey(models.Model):
    case = models.OneToOneField(
        "workflow.Case",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="survey",
        verbose_name="perkara",
    )
    office = models.ForeignKey("org.Office", on_delete=models.PROTECT, related_name="+")
    service_code = models.CharField("layanan (kode SOP)", max_length=16)
    service_label = models.CharField("jenis layanan", max_length=120)
    source = models.CharField("asal", max_length=12, choices=Source.choices)
    channel = models.CharField("saluran", max_length=10, choices=Channel.choices)
    token = models.CharField(max_length=64, unique=True)
    phone = models.CharField("nomor WhatsApp (E.164, tanpa +)", max_length=15, blank=True)
    whatsapp_number = models.ForeignKey(
        "whatsapp_cloud.BusinessNumber",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField("dibuat")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    asked_element = models.PositiveSmallIntegerField("unsur terakhir ditanyakan", null=True)
    asked_at = models.DateTimeField(null=True, blank=True)
    responded_at = models.DateTimeField("mulai dijawab", null=True, blank=True)
    completed_at = models.DateTimeField("selesai", null=True, blank=True)
    skipped_at = models.DateTimeField("dilewati", null=True, blank=True)
    gender = models.CharField("jenis kelamin", max_length=1, choices=Gender.choices, blank=True)
    education = models.CharField("pendidikan", max_length=10, choices=Education.choices, blank=True)
    occupation = models.CharField(
        "pekerjaan", max_length=10, choices=Occupation.choices, blank=True
    )

    class Meta:
        ordering = ["-created_at"]
        verbose_name = "survei kepuasan"
        verbose_name_plural = "survei kepuasan"
        indexes = [
            models.Index(fields=["office", "responded_at"], name="survey_office_period"),
            models.Index(fields=["phone", "-created_at"], name="survey_phone"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(asked_element__isnull=True)
                | Q(asked_element__gte=1, asked_element__lte=ELEMENT_COUNT),
                name="survey_asked_element_range",
            ),
        ]

    def __str__(self) -> str:
        return f"Survei kepuasan {self.service_label} ({self.pk})"

    @property
    def is_open(self) -> bool:
        return self.completed_at is None and self.skipped_at is None


class Answer(models.Model):
    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="answers")
    element = models.PositiveSmallIntegerField("unsur")
    score = models.PositiveSmallIntegerField("nilai")
    answered_at = models.DateTimeField("dijawab")

    class Meta:
        ordering = ["survey", "element"]
        verbose_name = "jawaban survei"
        verbose_name_plural = "jawaban survei"
        constraints = [
            models.UniqueConstraint(fields=["survey", "element"], name="survey_answer_once"),
            models.CheckConstraint(
                condition=Q(element__gte=1, element__lte=ELEMENT_COUNT),
                name="survey_answer_element_range",
            ),
            models.CheckConstraint(
                condition=Q(score__gte=1, score__lte=4), name="survey_answer_score_range"
            ),
        ]

    def __str__(self) -> str:
        return f"U{self.element}: {self.score}"
