"""The staff search: what was typed, read once; what a hit looks like; the cases it finds.

One box takes a NIK or No. KK (16 digits), a phone number (08…, +62…, 62…), a tracking or case
reference, a letter, register or document number, or a name. `parse` reads it once into a
`Query`; each domain app answers it from its own scoped reads (`intake.search`,
`complaints.search`, `letters.search`, `documents.search`, `tte.search`, and `case_hits` here),
and the staff page (`front.search`) lays the answers side by side. Every source filters by the
same need-to-know rule its own pages use (`personal_cases`, `letters_for`,
`readable_documents`): a search finds nothing a person could not open.

Names are matched tolerantly. On PostgreSQL each word of the query must be word-similar to
the name (pg_trgm's `%>` operator, GIN trigram indexes of the `search` migrations, threshold
`NAME_THRESHOLD` for this transaction). Elsewhere (SQLite) the rows whose name holds each
word's first three letters are read and scored in Python (difflib), so a typo after the third
letter is still found. Identifiers are matched exactly (a NIK, a phone, a reference), so
they are read through plain b-tree indexes.

Searches are not written to the audit trail: the project audits changes, not reads of the
pages and lists a person may open (the archive search, the family search), and a search shows
nothing more than those.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from difflib import SequenceMatcher
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import Q, QuerySet
from django.urls import reverse

from alur.core.errors import DomainError
from alur.core.validators import to_ascii_digits
from alur.org.access import Capability, office_ids_for
from alur.org.models import User
from alur.outbox.validation import normalize_whatsapp_number
from alur.sop.models import SopRevision
from alur.workflow.models import Case

MAX_LENGTH = 100  # characters typed
MAX_WORDS = 5  # name words used
MIN_WORD = 3  # letters of a name word
PER_SOURCE = 10  # hits shown per source
NAME_THRESHOLD = 0.5  # pg_trgm word similarity of each word (its default, 0.6, misses "Rahaju")
SCORE_FLOOR = 0.7  # the Python score of each word against the best word of a name (SQLite)

MSG_EMPTY = "Ketik NIK, No. KK, nama, nomor HP, atau nomor perkara, surat, atau dokumen."
MSG_LONG = f"Kata pencarian terlalu panjang: paling banyak {MAX_LENGTH} karakter."
MSG_SHORT = (
    "Kata pencarian terlalu pendek: ketik nama (sedikitnya 3 huruf), NIK atau No. KK (16 angka), "
    "nomor HP, atau nomor perkara, surat, atau dokumen."
)

_DROPPED = frozenset({"Cc", "Cf", "Cs", "Co", "Cn"})  # invisible and unassigned characters
_NUMBER_PUNCTUATION = str.maketrans("", "", " .-()/")


@dataclass(frozen=True)
class Query:
    """What was typed, read once. `text` as shown back; the rest are the readings a source
    may match: 16 digits (`nik`: a NIK or a No. KK), a phone in E.164 digits without "+"
    (`phone`), an identifier upper-cased without spaces (`reference`: a tracking or case
    reference, a letter, register or document number) and name words (`words`, casefolded)."""

    text: str
    nik: str = ""
    phone: str = ""
    reference: str = ""
    words: tuple[str, ...] = ()

    @property
    def digits_only(self) -> bool:
        return bool(self.nik or self.phone) and not self.words


def parse(raw: str) -> Query:
    """Read what was typed; DomainError in Bahasa Indonesia for what cannot be searched (empty,
    too long, too short). Digits of any script count as 0–9; invisible characters are dropped;
    `%` and `_` are ordinary characters (the queries escape them)."""
    if len(raw or "") > MAX_LENGTH * 4:  # read no further than a reasonable paste
        raise DomainError(MSG_LONG, code="search_long")
    text = unicodedata.normalize("NFKC", raw or "")
    text = to_ascii_digits("".join(c for c in text if unicodedata.category(c) not in _DROPPED))
    text = " ".join(text.split())
    if not text:
        raise DomainError(MSG_EMPTY, code="search_empty")
    if len(text) > MAX_LENGTH:
        raise DomainError(MSG_LONG, code="search_long")
    compact = text.translate(_NUMBER_PUNCTUATION)
    number = compact.removeprefix("+")
    nik = phone = reference = ""
    if number.isascii() and number.isdigit():
        if len(number) == 16:
            nik = number
        if compact.startswith(("0", "62", "+")):
            try:
                phone = normalize_whatsapp_number(compact)
            except ValidationError:
                phone = ""
        if not nik and not phone and len(number) >= 3:
            reference = number  # a serial, a register or blanko number typed as digits
    elif any(c.isdigit() for c in text) and len(compact) >= 3:
        reference = "".join(text.split()).upper()
    words = tuple(
        dict.fromkeys(
            w
            for w in ("".join(c if c.isalpha() else " " for c in text).casefold().split())
            if len(w) >= MIN_WORD
        )
    )[:MAX_WORDS]
    if reference and " " not in text:
        words = ()  # an identifier ("470/012/DISDUKCAPIL/2026"), not a name
    if not (nik or phone or reference or words):
        raise DomainError(MSG_SHORT, code="search_short")
    return Query(text=text, nik=nik, phone=phone, reference=reference, words=words)


# --- what a hit shows ----------------------------------------------------------------------

Part = tuple[str, bool]  # a piece of a value, and whether it matched (shown marked)


@dataclass(frozen=True)
class Match:
    """One field of a hit that matched: "NIK cocok" with the value, the matched part marked."""

    label: str  # "NIK cocok", "Nama mirip"
    field: str  # "NIK pemohon"
    parts: tuple[Part, ...]


@dataclass(frozen=True)
class Hit:
    title: str
    url: str
    meta: str
    matches: tuple[Match, ...]
    score: float = 1.0  # 1 for an exact identifier; a name's similarity otherwise


@dataclass
class Section:
    """One source's hits: "Perkara", "Permohonan", … (at most PER_SOURCE; `more` when cut)."""

    key: str
    label: str
    hits: list[Hit] = field(default_factory=list)
    more: bool = False


def mark(value: str, needle: str) -> tuple[Part, ...]:
    """`value` in pieces, every occurrence of `needle` (any case, spaces ignored in neither)
    marked."""
    if not needle:
        return ((value, False),)
    folded, wanted = value.casefold(), needle.casefold()
    parts: list[Part] = []
    start = 0
    while (found := folded.find(wanted, start)) >= 0:
        if found > start:
            parts.append((value[start:found], False))
        parts.append((value[found : found + len(wanted)], True))
        start = found + len(wanted)
    if start < len(value):
        parts.append((value[start:], False))
    return tuple(parts) or ((value, False),)


def mark_whole(value: str) -> tuple[Part, ...]:
    return ((value, True),)


def _words_of(value: str) -> list[tuple[int, int, str]]:
    """(start, end, casefolded) of each run of letters in `value`."""
    runs, start = [], None
    for index, char in enumerate(value + " "):
        if char.isalpha():
            start = index if start is None else start
        elif start is not None:
            runs.append((start, index, value[start:index].casefold()))
            start = None
    return runs


def name_score(value: str, words: Iterable[str]) -> tuple[float, tuple[Part, ...]]:
    """How well every word of the query matches a word of `value` (the lowest of the best
    ratios, 0–1), and `value` with the matching words marked."""
    runs = _words_of(value)
    chosen: set[int] = set()
    lowest = 1.0
    for word in words:
        best, best_run = 0.0, -1
        for index, (_start, _end, folded) in enumerate(runs):
            ratio = 1.0 if folded == word else SequenceMatcher(None, word, folded).ratio()
            if folded.startswith(word) or word in folded:
                ratio = max(ratio, 0.9)
            if ratio > best:
                best, best_run = ratio, index
        lowest = min(lowest, best)
        if best_run >= 0:
            chosen.add(best_run)
    parts: list[Part] = []
    cursor = 0
    for index, (start, end, _folded) in enumerate(runs):
        if index in chosen:
            if start > cursor:
                parts.append((value[cursor:start], False))
            parts.append((value[start:end], True))
            cursor = end
    if cursor < len(value):
        parts.append((value[cursor:], False))
    return lowest, tuple(parts) or ((value, False),)


def name_label(score: float) -> str:
    return "Nama cocok" if score >= 0.999 else "Nama mirip"


def on_postgresql() -> bool:
    return connection.vendor == "postgresql"


@contextmanager
def session() -> Iterator[None]:
    """The transaction the sources read in: on PostgreSQL with the word-similarity threshold
    of names set for it alone (`SET LOCAL`)."""
    with transaction.atomic():
        if on_postgresql():
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT set_config('pg_trgm.word_similarity_threshold', %s, true)",
                    [str(NAME_THRESHOLD)],
                )
        yield


def name_condition(field_name: str, words: Iterable[str]) -> Q:
    """Rows whose `field_name` may match every name word: pg_trgm's word similarity on
    PostgreSQL (`%>`, read through the GIN trigram index); elsewhere the word's first three
    letters, to be scored by `name_hits`."""
    condition = Q()
    for word in words:
        if on_postgresql():
            condition &= Q(**{f"{field_name}__trigram_word_similar": word})
        else:
            condition &= Q(**{f"{field_name}__icontains": word[:MIN_WORD]})
    return condition


def name_rows(rows: QuerySet, value_of: str, words: tuple[str, ...], limit: int) -> list:
    """The rows of `rows` (already filtered by `name_condition`) whose `value_of` attribute
    scores at least SCORE_FLOOR, best first, with their score and marked parts; at most
    `limit`+1 read back on PostgreSQL, more on SQLite where the filter is looser."""
    fetched = list(rows[: (limit + 1) * (1 if on_postgresql() else 20)])
    scored = []
    for row in fetched:
        value = str(getattr_path(row, value_of) or "")
        score, parts = name_score(value, words)
        if on_postgresql() or score >= SCORE_FLOOR:
            scored.append((score, row, parts))
    scored.sort(key=lambda item: -item[0])
    return scored


def getattr_path(obj: object, path: str) -> object:
    for name in path.split("__"):
        obj = getattr(obj, name, None)
        if obj is None:
            return None
    return obj


@dataclass(frozen=True)
class Exact:
    """One identifier a source matches: the lookup it filters by, and how a read row shows
    it. `contains`: the value holds what was typed (a register number's part), else it is it."""

    label: str  # "NIK cocok"
    field: str  # "NIK pemohon"
    lookup: str  # "applicant_nik"
    value: str
    shown: Callable[[Any], str]  # the row's value
    contains: bool = False


def exact_rows(rows: QuerySet, exacts: Iterable[Exact], limit: int = PER_SOURCE) -> list:
    """(row, matches) of the rows matching any of `exacts`, with what matched in each row
    marked. The conditions on one table are OR-ed in one query (each served by its own index);
    those on a joined table go in a query of their own, since an OR across a join would read
    the whole table."""
    wanted = [e for e in exacts if e.value]
    groups: dict[str, Q] = {}
    for e in wanted:
        table = e.lookup.rpartition("__")[0]
        lookup = f"{e.lookup}__icontains" if e.contains else e.lookup
        groups[table] = groups.get(table, Q(pk__in=[])) | Q(**{lookup: e.value})
    found: dict[Any, tuple[Any, tuple[Match, ...]]] = {}
    for condition in groups.values():
        for row in rows.filter(condition)[: limit + 1]:
            if row.pk in found:
                continue
            matches = []
            for e in wanted:
                value = e.shown(row) or ""
                if e.contains and e.value.casefold() in value.casefold():
                    matches.append(Match(e.label, e.field, mark(value, e.value)))
                elif not e.contains and value.casefold() == e.value.casefold():
                    matches.append(Match(e.label, e.field, mark_whole(value)))
            if matches:
                found[row.pk] = (row, tuple(matches))
    return list(found.values())


def cut(section: Section, hits: list[Hit]) -> Section:
    """Keep the best PER_SOURCE hits of one source (exact ones first), saying when there were
    more."""
    unique: dict[str, Hit] = {}
    for hit in sorted(hits, key=lambda h: -h.score):
        unique.setdefault(hit.url + hit.title, hit)
    ordered = list(unique.values())
    section.hits = ordered[:PER_SOURCE]
    section.more = len(ordered) > PER_SOURCE
    return section


def source_hits(
    section: Section,
    rows: QuerySet,
    exacts: Iterable[Exact],
    query: Query,
    make_hit: Callable[..., Hit],
    *,
    name_field: str,
    name_what: str,
    name_label_of: Callable[[float], str] = name_label,
    name_rows_from: QuerySet | None = None,
) -> Section:
    """One source's section: the rows an identifier names exactly, then (for name words) the
    rows whose `name_field` is like them, each made a hit by `make_hit(row, matches[, score])`.
    `name_rows_from` reads the names from other rows than `rows` (another ordering)."""
    hits = [make_hit(row, matches) for row, matches in exact_rows(rows, exacts)]
    if query.words:
        found = (rows if name_rows_from is None else name_rows_from).filter(
            name_condition(name_field, query.words)
        )
        for score, row, parts in name_rows(found, name_field, query.words, PER_SOURCE):
            hits.append(make_hit(row, (Match(name_label_of(score), name_what, parts),), score))
    return cut(section, hits)


# --- cases ---------------------------------------------------------------------------------

_PERSONAL_SOP: dict[tuple[int, str], bool] = {}


def _revisions_without_personal_data() -> list[int]:
    """Ids of the SOP revisions whose cases hold no resident's data (S0, S1, S4), each
    revision's answer kept per process."""
    from alur.workflow.selectors import PERSONAL_STEP_DOMAINS
    from alur.workflow.services import procedure

    plain = []
    for pk, checksum in SopRevision.objects.values_list("pk", "checksum"):
        key = (pk, checksum)
        if key not in _PERSONAL_SOP:
            spec = procedure(SopRevision.objects.get(pk=pk))
            _PERSONAL_SOP[key] = any(a.is_outside for a in spec.actors.values()) or any(
                k.startswith(PERSONAL_STEP_DOMAINS)
                for step in spec.steps
                for k in (step.form, step.action)
                if k
            )
        if not _PERSONAL_SOP[key]:
            plain.append(pk)
    return plain


def handled_offices(user: User | AnonymousUser) -> frozenset[int]:
    """The offices where the person handles cases: every source's rows are of these (said at
    the top of each query, so that the indexes led by the office read only their rows)."""
    return office_ids_for(user, Capability.HANDLE_CASES)


def readable_cases(user: User | AnonymousUser) -> QuerySet[Case]:
    """Cases whose subject the person reads (`workflow.selectors.case_reach` PERSONAL as a
    filter): the handling unit's staff for a case with residents' data (`personal_cases`),
    every case handler of the office for one without."""
    from alur.workflow.selectors import personal_cases

    handled = office_ids_for(user, Capability.HANDLE_CASES)
    if not handled:
        return Case.objects.none()
    condition = personal_cases(user, "")
    condition |= Q(office_id__in=handled, sop_id__in=_revisions_without_personal_data())
    # Every rule above keeps to offices the person handles cases in (an answering team's
    # member must handle cases there): said once more at the top, the indexes led by the
    # office read only those offices' rows.
    return Case.objects.filter(condition, office_id__in=handled)


def _case_hit(case: Case, matches: tuple[Match, ...], score: float = 1.0) -> Hit:
    from django.utils import timezone

    started = timezone.localtime(case.started_at, case.office.zone)
    return Hit(
        title=case.subject,
        url=reverse("workflow:case_detail", args=[case.reference]),
        meta=(
            f"{case.reference} · {case.get_status_display()} · {case.office.short_name}"
            f" · mulai {started:%d-%m-%Y}"
        ),
        matches=matches,
        score=score,
    )


def _reference(case: Case) -> str:
    return case.reference


def _nik(case: Case) -> str:
    application = getattr(case, "application", None)
    return application.applicant_nik if application is not None else ""


def _phone(case: Case) -> str:
    application = getattr(case, "application", None)
    return application.applicant_phone if application is not None else ""


def case_hits(user: User | AnonymousUser, query: Query) -> Section:
    """Cases by reference, by the NIK or phone of the application that started them, and by
    the name in their subject."""
    rows = readable_cases(user).select_related("office")
    exacts = (
        Exact("Nomor perkara cocok", "Nomor", "reference", query.reference, _reference),
        Exact("NIK cocok", "NIK pemohon", "application__applicant_nik", query.nik, _nik),
        Exact("Nomor HP cocok", "HP pemohon", "application__applicant_phone", query.phone, _phone),
    )
    return source_hits(
        Section("cases", "Perkara"),
        rows.select_related("application").order_by("-started_at"),
        exacts,
        query,
        _case_hit,
        name_field="subject",
        name_what="Perihal",
        name_rows_from=rows.order_by("-started_at"),
    )
