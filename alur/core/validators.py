"""Checks of what people type that is printed on official documents or read as a number.

A person's name is letters of any script with spaces and the punctuation real names use; a
subject line is free text without invisible or direction-changing characters; neither may start
with a character a spreadsheet reads as a formula. Numbers typed by people are read from ASCII
digits only (`str.isdigit` and `int` also accept "²" or "١٢٣٤", which stored or compared as
such break later)."""

from __future__ import annotations

import unicodedata

from django.core.exceptions import ValidationError

# What a spreadsheet reads as the start of a formula (OWASP, CSV injection).
FORMULA_LEAD = ("=", "+", "-", "@", "\t", "\r")
# The punctuation of real Indonesian names: Ma'ruf, Ma’ruf, Dr. H. Ahmad, S.Pd., Siti-Aminah.
NAME_PUNCTUATION = frozenset("'’.,-")
# Control, format (zero-width, bidi overrides), surrogate, private use, unassigned.
INVISIBLE = frozenset({"Cc", "Cf", "Cs", "Co", "Cn"})

MSG_NAME_EMPTY = "Mohon isi nama."
MSG_NAME_CHARS = (
    "Nama hanya boleh berisi huruf, spasi, dan tanda baca nama (' . , -). "
    "Mohon hapus karakter lain, termasuk karakter tak terlihat."
)
MSG_FORMULA_LEAD = "Isian tidak boleh diawali tanda = + - atau @. Mohon hapus tanda itu."
MSG_TEXT_INVISIBLE = (
    "Isian berisi karakter tak terlihat atau karakter pengatur arah tulisan. "
    "Mohon ketik ulang isian itu."
)
MSG_ASCII_DIGITS = "Mohon tulis angka dengan angka biasa 0–9."
MSG_LAST4 = "Tulis tepat 4 angka dengan angka biasa 0–9."


def _invisible(char: str) -> bool:
    return unicodedata.category(char) in INVISIBLE


def person_name(value: str) -> str:
    """The name as stored (NFC, spaces collapsed), or ValidationError in Bahasa Indonesia."""
    text = " ".join(unicodedata.normalize("NFC", value or "").split())
    if not text:
        raise ValidationError(MSG_NAME_EMPTY, code="name_empty")
    if text[0] in FORMULA_LEAD:
        raise ValidationError(MSG_FORMULA_LEAD, code="formula")
    for char in text:
        category = unicodedata.category(char)
        if not (category[0] in "LM" or char == " " or char in NAME_PUNCTUATION):
            raise ValidationError(MSG_NAME_CHARS, code="name_chars")
    if not any(unicodedata.category(char)[0] == "L" for char in text):
        raise ValidationError(MSG_NAME_CHARS, code="name_chars")
    return text


def validate_person_name(value: str) -> None:
    """A form validator: the value (after stripping) is a name `person_name` accepts."""
    if value:
        person_name(value)


def subject_text(value: str) -> str:
    """A subject line (NFC, stripped), or ValidationError: no invisible characters, no leading
    formula character."""
    text = unicodedata.normalize("NFC", value or "").strip()
    if any(_invisible(char) for char in text):
        raise ValidationError(MSG_TEXT_INVISIBLE, code="invisible")
    if text[:1] in FORMULA_LEAD:
        raise ValidationError(MSG_FORMULA_LEAD, code="formula")
    return text


def validate_subject(value: str) -> None:
    """A form validator for subject lines."""
    if value:
        subject_text(value)


def is_ascii_digits(value: str) -> bool:
    """True for a non-empty string of the digits 0–9 only."""
    return bool(value) and value.isascii() and value.isdigit()


def validate_ascii_digits(value: str) -> None:
    """A form validator: the value has no digit outside 0–9 (e.g. "²", "١٢٣٤")."""
    if any(char.isdigit() and not char.isascii() for char in value or ""):
        raise ValidationError(MSG_ASCII_DIGITS, code="ascii_digits")


def to_ascii_digits(value: str) -> str:
    """Decimal digits of any script (Arabic-Indic, Devanagari, fullwidth …) as 0–9; everything
    else unchanged ("²" is not a decimal digit and stays)."""
    return "".join(
        str(unicodedata.decimal(char)) if not char.isascii() and char.isdecimal() else char
        for char in value
    )


def typed_number(value: str, *, max_digits: int = 6) -> int | None:
    """A number typed by a person (a menu choice, a score): decimal digits of any script, at
    most `max_digits`; None for anything else ("²", "1a", "")."""
    text = to_ascii_digits((value or "").strip())
    if not is_ascii_digits(text) or len(text) > max_digits:
        return None
    return int(text)
