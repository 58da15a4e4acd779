"""The forms only collect; the services decide what is valid and say why."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.db.models import QuerySet

from alur.core.fields import PersonNameField, SubjectField
from alur.documents.forms import DATE, AddressFields, PersonFields
from alur.org.models import Office
from alur.outreach.choices import Category, LetterKind, VisitResult


class ReferralForm(forms.Form):
    office = forms.ModelChoiceField(
        label="Kantor Disdukcapil", queryset=Office.objects.none(), empty_label=None
    )
    # Who reports may be a role ("Ketua RT 03 Hadimulyo"): free text, no hidden characters.
    reporter_name = SubjectField(label="Nama pelapor", max_length=150, required=False)
    reporter_org = forms.CharField(
        label="Instansi/lembaga pelapor",
        max_length=150,
        required=False,
        help_text="Mis. Kelurahan Hadimulyo Barat, pekerja sosial, Dinas Sosial",
    )
    reporter_phone = forms.CharField(
        label="Nomor HP pelapor",
        max_length=20,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}),
    )
    name = PersonNameField(label="Nama penduduk rentan", required=False)
    category = forms.ChoiceField(
        label="Kategori (Permendagri 96/2019)",
        choices=[("", "— pilih —"), *Category.choices],
        required=False,
    )
    nik = forms.CharField(label="NIK (bila diketahui)", max_length=16, required=False)
    sex = forms.ChoiceField(
        label="Jenis kelamin",
        choices=[("", "—"), ("L", "Laki-laki"), ("P", "Perempuan")],
        required=False,
    )
    birth_place = forms.CharField(label="Tempat lahir", max_length=100, required=False)
    birth_date = forms.DateField(
        label="Tanggal lahir (bila diketahui)", widget=DATE, required=False
    )
    address = forms.CharField(
        label="Alamat atau lokasi",
        max_length=300,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Tempat penduduk dapat ditemui, mis. kolong jembatan Jl. A. Yani",
    )
    village = forms.CharField(label="Desa/kelurahan", max_length=100, required=False)
    latitude = forms.CharField(
        label="Lintang (opsional)",
        max_length=12,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "decimal"}),
    )
    longitude = forms.CharField(
        label="Bujur (opsional)",
        max_length=12,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "decimal"}),
    )
    contact_name = SubjectField(label="Nama kontak/pendamping", max_length=150, required=False)
    contact_phone = forms.CharField(
        label="Nomor HP kontak",
        max_length=20,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "tel"}),
    )
    notes = forms.CharField(
        label="Keterangan", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(
        self,
        *args: Any,
        offices: QuerySet[Office] | None = None,
        partner: bool = False,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        office = cast(forms.ModelChoiceField, self.fields["office"])
        office.queryset = offices if offices is not None else Office.objects.none()
        if partner:
            for name in ("reporter_name", "reporter_phone"):
                del self.fields[name]


class LettersForm(forms.Form):
    kinds = forms.MultipleChoiceField(
        label="Surat pendukung yang diperlukan",
        choices=LetterKind.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )


class ResidentForm(PersonFields, AddressFields):
    """The operator's registration of the referred resident (documents.enter of S3)."""


class VisitForm(forms.Form):
    scheduled_for = forms.DateTimeField(
        label="Jadwal kunjungan", widget=forms.DateTimeInput(attrs={"type": "datetime-local"})
    )
    officer = forms.IntegerField(label="Petugas perekaman", widget=forms.Select)
    address = forms.CharField(label="Alamat kunjungan", max_length=300, required=False)


class VisitResultForm(forms.Form):
    result = forms.ChoiceField(label="Hasil", choices=VisitResult.choices, widget=forms.RadioSelect)
    note = forms.CharField(
        label="Keterangan", required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
