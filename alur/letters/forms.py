"""The forms of the letter pages. They read what the staff member typed into the drafting
service's `LetterInput`; the rules themselves live in the services."""

from __future__ import annotations

from typing import Any, cast

from django import forms

from alur.core.fields import SubjectField
from alur.letters.models import LETTER_KINDS, Letter, Recipient
from alur.letters.services import LetterInput
from alur.org.access import KIND_CAPABILITIES, Capability
from alur.org.models import Office, Position
from alur.tte.models import DocumentKind

PARTY_FIELDS = ("name", "nip", "position", "office", "address")
PARTY_LABELS = {
    "name": "nama",
    "nip": "NIP",
    "position": "jabatan",
    "office": "instansi",
    "address": "alamat",
}
MAX_ITEMS = 100


def _positions(office: Office, capability: Capability) -> list[tuple[str, str]]:
    kinds = [k for k, caps in KIND_CAPABILITIES.items() if capability in caps]
    rows = Position.objects.filter(office=office, kind__in=kinds, is_active=True).order_by(
        "kind", "title"
    )
    return [(str(p.pk), p.title) for p in rows]


def parse_items(text: str) -> list[list[str]]:
    """Table rows typed one per line, cells separated by "|": "Blanko KTP-el | 5.000 | baik"."""
    rows = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        cells = [c.strip() for c in line.split("|")]
        if len(cells) > 3:
            raise forms.ValidationError(
                f"Baris {number}: paling banyak tiga kolom (uraian | jumlah | keterangan)."
            )
        rows.append(cells + [""] * (3 - len(cells)))
    if len(rows) > MAX_ITEMS:
        raise forms.ValidationError(f"Paling banyak {MAX_ITEMS} baris.")
    return rows


def items_text(rows: Any) -> str:
    return "\n".join(" | ".join(str(c) for c in row) for row in rows or [])


class LetterForm(forms.Form):
    kind = forms.ChoiceField(
        label="Jenis naskah", choices=[(k, DocumentKind(k).label) for k in LETTER_KINDS]
    )
    classification = forms.CharField(
        label="Kode klasifikasi", max_length=24, help_text="mis. 400.12.2.1"
    )
    subject = SubjectField(label="Perihal / judul", max_length=300)
    recipient = SubjectField(label="Kepada Yth.", max_length=300, required=False)
    sender = forms.CharField(label="Dari (nota dinas)", max_length=200, required=False)
    sifat = forms.CharField(label="Sifat", max_length=40, initial="Biasa", required=False)
    lampiran = forms.CharField(label="Lampiran", max_length=80, initial="-", required=False)
    body = forms.CharField(
        label="Isi",
        widget=forms.Textarea(attrs={"rows": 10}),
        help_text="Baris kosong memisahkan paragraf; baris diawali '- ' menjadi daftar.",
    )
    carbon_copy = forms.CharField(
        label="Tembusan",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Satu baris satu tembusan.",
    )
    items = forms.CharField(
        label="Tabel (BAST: barang; laporan: angka)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Satu baris satu isian: uraian | jumlah | keterangan",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for side, label in (
            ("first", "Pihak pertama / pembuat pernyataan"),
            ("second", "Pihak kedua"),
        ):
            for name in PARTY_FIELDS:
                self.fields[f"{side}_{name}"] = forms.CharField(
                    label=f"{label}: {PARTY_LABELS[name]}", max_length=200, required=False
                )

    def clean_items(self) -> list[list[str]]:
        return parse_items(self.cleaned_data.get("items", ""))

    def letter_input(self) -> LetterInput:
        data = self.cleaned_data
        extra: dict[str, Any] = {}
        for side in ("first", "second"):
            party = {name: data.get(f"{side}_{name}", "").strip() for name in PARTY_FIELDS}
            if party["name"]:
                extra[f"{side}_party"] = party
        if data.get("items"):
            extra["items"] = data["items"]
        return LetterInput(
            kind=data["kind"],
            classification=data["classification"],
            subject=data["subject"],
            body=data["body"],
            recipient=data.get("recipient", ""),
            sender=data.get("sender", ""),
            carbon_copy=data.get("carbon_copy", ""),
            sifat=data.get("sifat", ""),
            lampiran=data.get("lampiran", ""),
            extra=extra,
        )

    @staticmethod
    def initial_of(letter: Letter) -> dict[str, Any]:
        initial: dict[str, Any] = {
            name: getattr(letter, name)
            for name in (
                "kind",
                "classification",
                "subject",
                "recipient",
                "sender",
                "sifat",
                "lampiran",
                "body",
                "carbon_copy",
            )
        }
        extra = letter.extra or {}
        initial["items"] = items_text(extra.get("items"))
        for side in ("first", "second"):
            for name in PARTY_FIELDS:
                initial[f"{side}_{name}"] = (extra.get(f"{side}_party") or {}).get(name, "")
        return initial


class ChainForm(forms.Form):
    """The chain of a letter drafted on its own: the signer and up to three paraf, in order."""

    signer = forms.ChoiceField(label="Penanda tangan")
    paraf_1 = forms.ChoiceField(label="Paraf 1", required=False)
    paraf_2 = forms.ChoiceField(label="Paraf 2", required=False)
    paraf_3 = forms.ChoiceField(label="Paraf 3", required=False)
    cosigner = forms.ChoiceField(
        label="Penanda tangan pihak kedua (BAST yang ditandatangani kedua pihak)", required=False
    )

    def __init__(self, *args: Any, office: Office, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.office = office
        fields = cast(dict[str, forms.ChoiceField], self.fields)  # every field here is a choice
        fields["signer"].choices = _positions(office, Capability.SIGN)
        paraf = [("", "—"), *_positions(office, Capability.PARAF)]
        for name in ("paraf_1", "paraf_2", "paraf_3"):
            fields[name].choices = paraf
        related = [office, *Office.objects.filter(parent=office).order_by("code")]
        if office.parent is not None:
            related.append(office.parent)
        fields["cosigner"].choices = [
            ("", "—"),
            *[
                (value, f"{label} — {o.short_name}")
                for o in related
                for value, label in _positions(o, Capability.SIGN)
            ],
        ]

    def chain(self) -> tuple[Position, list[Position], Position | None]:
        ids = [self.cleaned_data.get(f"paraf_{i}") for i in (1, 2, 3)]
        positions = {
            str(p.pk): p
            for p in Position.objects.filter(
                office=self.office, pk__in=[self.cleaned_data["signer"], *[i for i in ids if i]]
            )
        }
        cosigner_id = self.cleaned_data.get("cosigner")
        cosigner = Position.objects.get(pk=cosigner_id) if cosigner_id else None
        return positions[self.cleaned_data["signer"]], [positions[i] for i in ids if i], cosigner


class RecipientForm(forms.Form):
    name = SubjectField(label="Nama penerima", max_length=200)
    channel = forms.ChoiceField(label="Saluran", choices=Recipient.Channel.choices)
    address = forms.CharField(label="Nomor WhatsApp / alamat surel", max_length=254)


class SignForm(forms.Form):
    passphrase = forms.CharField(
        label="Passphrase sertifikat",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "off"}),
    )
