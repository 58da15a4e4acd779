"""Names on the entry forms of the documents (printed on the akta, the KK and the register):
invisible, direction-changing and formula characters are refused in Bahasa Indonesia; the
punctuation of real names passes and the name is stored one way."""

from __future__ import annotations

import pytest

from alur.documents.forms import BirthForm, DeathForm, HandoverForm
from alur.outreach.forms import ReferralForm

HOSTILE = {
    "zero-width only": "\u200b\u200b",
    "bidi override": "Putri \u202eanimA",
    "formula": '=HYPERLINK("https://contoh.test","Klik")',
    "at sign": "@Putri",
    "control": "Putri\x1bAminah",
}


def _errors(form_class: type, field: str, value: str) -> list[str]:
    form = form_class({field: value})
    form.is_valid()
    return list(form.errors.get(field, []))


@pytest.mark.parametrize("value", HOSTILE.values(), ids=HOSTILE.keys())
@pytest.mark.parametrize(
    ("form_class", "field"),
    [
        (BirthForm, "name"),
        (BirthForm, "mother_name"),
        (BirthForm, "witness_1"),
        (DeathForm, "reporter_name"),
        (HandoverForm, "recipient_name"),
        (ReferralForm, "name"),
    ],
)
def test_name_with_invisible_bidi_or_formula_characters_refused(
    form_class: type, field: str, value: str
) -> None:
    errors = _errors(form_class, field, value)
    assert errors, f"{form_class.__name__}.{field} took {value!r}"
    assert any("Nama hanya boleh" in e or "diawali" in e or "Mohon isi nama" in e for e in errors)


def test_zero_width_only_name_refused() -> None:
    assert _errors(BirthForm, "name", "\u200b\u200c\u200d")


def test_name_with_bidi_override_refused() -> None:
    assert _errors(BirthForm, "father_name", "Ahmad \u202eizuoR")


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("  Ma'ruf   Amin ", "Ma'ruf Amin"),
        ("Siti  Nur-Aini", "Siti Nur-Aini"),
        (" Dr. H.  Ahmad, S.Pd.", "Dr. H. Ahmad, S.Pd."),
        ("Ade\u0301 Rahmat", "Adé Rahmat"),
    ],
)
def test_real_names_are_stored_one_way(typed: str, stored: str) -> None:
    form = BirthForm({"name": typed})
    form.is_valid()
    assert "name" not in form.errors
    assert form.cleaned_data["name"] == stored
