"""Channels, categories and statuses of complaints, and which action each status allows."""

from __future__ import annotations

from django.db import models


class Channel(models.TextChoices):
    WHATSAPP = "whatsapp", "WhatsApp"
    WEB = "web", "Formulir web"
    COUNTER = "counter", "Loket"


class Category(models.TextChoices):
    DOCUMENT = "dokumen", "Layanan dokumen (KK, KTP-el, KIA, akta)"
    DATA = "data", "Data kependudukan tidak sesuai"
    DELAY = "keterlambatan", "Keterlambatan penyelesaian"
    STAFF = "petugas", "Sikap atau perilaku petugas"
    FEES = "pungutan", "Pungutan atau biaya"
    SYSTEM = "sistem", "Aplikasi, situs atau WhatsApp"
    OTHER = "lainnya", "Lainnya"


class Status(models.TextChoices):
    RECEIVED = "received", "Diterima"
    REGISTERED = "registered", "Dicatat di register"
    ESCALATED = "escalated", "Diteruskan ke pejabat pengelola pengaduan"
    ANSWERED = "answered", "Dijawab"
    REJECTED = "rejected", "Tidak diproses"


CLOSED = frozenset({Status.ANSWERED, Status.REJECTED})
