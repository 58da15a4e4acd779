"""The staff search over letters (`workflow.search` reads the query and says why).

A letter (naskah dinas) is found by its number, or by words of its subject or addressee; only
the letters the person may open (`letters.selectors.letters_for`)."""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser
from django.urls import reverse
from django.utils import timezone

from alur.letters.models import Letter
from alur.letters.selectors import letters_for
from alur.org.models import User
from alur.workflow.search import (
    Exact,
    Hit,
    Match,
    Query,
    Section,
    source_hits,
)


def _hit(letter: Letter, matches: tuple[Match, ...], score: float = 1.0) -> Hit:
    updated = timezone.localtime(letter.updated_at, letter.office.zone)
    number = letter.number.number if letter.number is not None else "belum bernomor"
    return Hit(
        title=letter.subject,
        url=reverse("letters:detail", args=[letter.pk]),
        meta=(
            f"{number} · {letter.get_status_display()} · {letter.office.short_name} · "
            f"diubah {updated:%d-%m-%Y}"
        ),
        matches=matches,
        score=score,
    )


def letter_hits(user: User | AnonymousUser, query: Query) -> Section:
    rows = letters_for(user).order_by("-updated_at", "-pk")
    exacts = (
        Exact(
            "Nomor surat cocok", "Nomor", "number__number", query.reference, _number, contains=True
        ),
    )
    return source_hits(
        Section("letters", "Naskah dinas"),
        rows,
        exacts,
        query,
        _hit,
        name_field="subject",
        name_what="Perihal",
        name_label_of=lambda _score: "Perihal mirip",
    )


def _number(row: Letter) -> str:
    return row.number.number if row.number is not None else ""
