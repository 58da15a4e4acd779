"""The data-entry forms of the document services (S2a, S2b, S2e, S2f) and the print and
hand-over forms every service shares. Values are checked again by the services."""

from __future__ import annotations

from django import forms
from django.utils import timezone

from alur.core.fields import PersonNameField
from alur.documents.choices import HandoverMethod
from alur.registry.choices import Education, MaritalStatus, Relation, Religion, Sex

DATE = forms.DateInput(attrs={"type": "date"})
REPLACEMENT_REASONS = {
    "hilang": "Hilang",
    "rusak": "Rusak",
    "perubahan_data": "Perubahan data",
}


class AddressFields(forms.Form):
    address = forms.CharField(label="Alamat", max_length=300)
    rt = forms.CharField(label="RT", max_length=3, required=False)
    rw = forms.CharField(label="RW", max_length=3, required=False)
    village = forms.CharField(label="Desa/kelurahan", max_length=100, required=False)
    district_code = forms.CharField(label="Kode kecamatan", max_length=8, help_text="mis. 18.72.01")
    postal_code = forms.CharField(label="Kode pos", max_length=5, required=False)


class PersonFields(forms.Form):
    name = PersonNameField(label="Nama lengkap")
    sex = forms.ChoiceField(label="Jenis kelamin", choices=Sex.choices)
    birth_place = forms.CharField(label="Tempat lahir", max_length=100)
    birth_date = forms.DateField(label="Tanggal lahir", widget=DATE)
    religion = forms.ChoiceField(label="Agama", choices=Religion.choices, required=False)
    marital_status = forms.ChoiceField(
        label="Status perkawinan", choices=MaritalStatus.choices, initial=MaritalStatus.SINGLE
    )
    education = forms.ChoiceField(
        label="Pendidikan", choices=[("", "—"), *Education.choices], required=False
    )
    occupation = forms.CharField(label="Pekerjaan", max_length=100, required=False)
    mother_name = PersonNameField(label="Nama ibu", required=False)
    father_name = PersonNameField(label="Nama ayah", required=False)


class FamilyForm(AddressFields):
    no_kk = forms.CharField(
        label="No. KK yang diubah",
        max_length=16,
        required=False,
        help_text="Kosongkan untuk KK baru; isi untuk menambah/mengurangi anggota KK yang ada.",
    )
    head_nik = forms.CharField(label="NIK kepala keluarga", max_length=16)
    members = forms.CharField(
        label="Anggota keluarga",
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
        help_text="Satu baris per anggota: NIK lalu hubungan, mis. 1872014506900001 istri. "
        f"Hubungan: {', '.join(v for v in Relation.values if v != Relation.HEAD)}. Anggota yang "
        "tidak dituliskan lagi keluar dari KK.",
    )
    change_reason = forms.CharField(
        label="Alasan perubahan", max_length=200, required=False, help_text="bila KK diubah"
    )


class MoveOutForm(forms.Form):
    niks = forms.CharField(
        label="NIK yang pindah",
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Satu NIK per baris.",
    )
    destination_code = forms.CharField(
        label="Kode wilayah tujuan", max_length=8, help_text="kab/kota atau kecamatan"
    )
    destination_address = forms.CharField(label="Alamat tujuan", max_length=300)
    reason = forms.CharField(label="Alasan pindah", max_length=200)
    moved_on = forms.DateField(label="Tanggal pindah", widget=DATE, initial=timezone.localdate)


class BirthForm(PersonFields):
    no_kk = forms.CharField(label="No. KK orang tua", max_length=16)
    birth_order = forms.IntegerField(label="Anak ke-", min_value=1, max_value=30, initial=1)
    birth_time = forms.TimeField(
        label="Pukul lahir", required=False, widget=forms.TimeInput(attrs={"type": "time"})
    )
    father_nik = forms.CharField(label="NIK ayah", max_length=16, required=False)
    mother_nik = forms.CharField(label="NIK ibu", max_length=16, required=False)
    applied_on = forms.DateField(
        label="Tanggal permohonan", widget=DATE, initial=timezone.localdate
    )
    witness_1 = PersonNameField(label="Saksi 1")
    witness_2 = PersonNameField(label="Saksi 2")


class DeathForm(forms.Form):
    nik = forms.CharField(label="NIK yang meninggal", max_length=16)
    died_on = forms.DateField(label="Tanggal meninggal", widget=DATE)
    death_place = forms.CharField(label="Tempat meninggal", max_length=150)
    cause = forms.CharField(label="Sebab meninggal", max_length=150, required=False)
    reporter_name = PersonNameField(label="Nama pelapor")
    reporter_nik = forms.CharField(label="NIK pelapor", max_length=16, required=False)
    reporter_relation = forms.CharField(
        label="Hubungan pelapor dengan yang meninggal", max_length=60, required=False
    )
    witness_1 = PersonNameField(label="Saksi 1")
    witness_2 = PersonNameField(label="Saksi 2")


class ReplacementForm(forms.Form):
    reason = forms.ChoiceField(
        label="Alasan penggantian KTP-el", choices=[("", "—"), *REPLACEMENT_REASONS.items()]
    )
    biometrics_now = forms.BooleanField(
        label="Pemohon hadir: perekaman biometrik KTP-el dilakukan sekarang",
        required=False,
        help_text="Centang bila rekaman biometrik pemohon belum ada dan pemohon direkam hari ini.",
    )


class HandoverForm(forms.Form):
    method = forms.ChoiceField(
        label="Cara penyerahan",
        choices=HandoverMethod.choices,
        widget=forms.RadioSelect,
        initial=HandoverMethod.IN_PERSON,
    )
    recipient_name = PersonNameField(label="Nama penerima", required=False)
    recipient_id = forms.CharField(
        label="Identitas yang ditunjukkan", max_length=60, required=False, help_text="mis. NIK"
    )
    pos_tracking = forms.CharField(label="Nomor resi PT POS", max_length=40, required=False)
    proof = forms.FileField(label="Foto/pindaian bukti serah terima", required=False)
