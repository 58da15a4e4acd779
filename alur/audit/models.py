"""The audit trail: append-only events, hash-chained per office."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models


class AppendOnlyError(RuntimeError):
    pass


class AuditQuerySet(models.QuerySet["AuditEvent"]):
    def update(self, **kwargs: Any) -> int:
        raise AppendOnlyError("audit events cannot be changed")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise AppendOnlyError("audit events cannot be deleted")


class AuditChain(models.Model):
    """Head of one office's chain; locked while an event is appended so the chain stays linear.

    `key` is the office code, or GLOBAL_KEY for events that belong to no office (reference data).
    """

    GLOBAL_KEY = "global"

    key = models.CharField(max_length=16, unique=True)
    office = models.OneToOneField(
        "org.Office", null=True, blank=True, on_delete=models.PROTECT, related_name="audit_chain"
    )
    last_seq = models.PositiveBigIntegerField(default=0)
    last_hash = models.CharField(max_length=64, default="")

    def __str__(self) -> str:
        return self.key


class AuditEvent(models.Model):
    chain = models.ForeignKey(AuditChain, on_delete=models.PROTECT, related_name="events")
    office = models.ForeignKey(
        "org.Office", null=True, blank=True, on_delete=models.PROTECT, related_name="audit_events"
    )
    seq = models.PositiveBigIntegerField("urutan")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="audit_events",
    )
    actor_label = models.CharField("pelaku", max_length=160)
    action = models.CharField("tindakan", max_length=80)
    object_type = models.CharField("jenis objek", max_length=80, blank=True)
    object_id = models.CharField("id objek", max_length=64, blank=True)
    object_label = models.CharField("objek", max_length=200, blank=True)
    before = models.JSONField("sebelum", null=True, blank=True)
    after = models.JSONField("sesudah", null=True, blank=True)
    reason = models.TextField("alasan", blank=True)
    created_at = models.DateTimeField("waktu")
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64)
    # The form of the hash (alur.audit.hashing): 1 for events written before the office and the
    # payload digest were hashed, 2 since. Each event is checked by its own form.
    version = models.PositiveSmallIntegerField(default=1)
    payload_digest = models.CharField(max_length=64, blank=True, default="")
    payload_salt = models.CharField(max_length=32, blank=True, default="")
    # Set when the payload's personal values were blanked at the end of their retention
    # (alur.audit.services.redact); the digest stays, so the chain still checks.
    redacted_at = models.DateTimeField("disamarkan pada", null=True, blank=True)

    objects = AuditQuerySet.as_manager()

    class Meta:
        ordering = ["chain_id", "seq"]
        verbose_name = "jejak audit"
        verbose_name_plural = "jejak audit"
        constraints = [
            models.UniqueConstraint(fields=["chain", "seq"], name="auditevent_unique_seq")
        ]
        indexes = [
            models.Index(fields=["object_type", "object_id"], name="auditevent_object"),
            models.Index(fields=["office", "-created_at"], name="auditevent_recent"),
        ]

    REDACTED_LABEL = "(disamarkan)"

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.actor_label}: {self.action}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None and not self._state.adding:
            raise AppendOnlyError("audit events cannot be changed")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise AppendOnlyError("audit events cannot be deleted")

    @property
    def is_redacted(self) -> bool:
        return self.redacted_at is not None

    @property
    def object_display(self) -> str:
        return self.REDACTED_LABEL if self.is_redacted else self.object_label

    @property
    def reason_display(self) -> str:
        return self.REDACTED_LABEL if self.is_redacted else self.reason
