"""The forms of the logistics pages and step panels. They only parse: the services decide (a
negative count, more received than shipped, ... are refused there, with their message)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, cast

from django import forms

from alur.logistics.choices import DeliveryMethod, Item
from alur.logistics.models import AllocationLine
from alur.logistics.rules import DEFAULT_COVER_DAYS
from alur.tte.models import IssuedDocument

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class ShipForm(forms.Form):
    item = forms.ChoiceField(label="Barang", choices=Item.choices, initial=Item.KTP_EL)
    quantity = forms.IntegerField(label="Jumlah dikirim")
    carrier = forms.CharField(label="Ekspedisi / maskapai", max_length=120)
    waybill = forms.CharField(label="Nomor surat muatan udara / resi", max_length=120)
    serials = forms.CharField(
        label="Rentang nomor seri (satu per baris, boleh kosong)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    berkas = forms.FileField(
        label="Foto/pindaian surat muatan udara (JPG, PNG atau PDF; boleh kosong)", required=False
    )


class PickupForm(forms.Form):
    picked_up_at = forms.DateTimeField(
        label="Waktu blanko dijemput di bandara (kosong: sekarang)",
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
    )
    note = forms.CharField(
        label="Yang menjemput dan catatan (mis. nama petugas, bandara, jumlah koli)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    berkas = forms.FileField(
        label="Foto/pindaian dokumen pengiriman (JPG, PNG atau PDF; boleh kosong)", required=False
    )


class ReceiveForm(forms.Form):
    received = forms.IntegerField(label="Jumlah blanko baik")
    damaged = forms.IntegerField(label="Jumlah blanko rusak", required=False, initial=0)
    serials = forms.CharField(
        label="Rentang nomor seri yang tiba (boleh kosong)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    note = forms.CharField(
        label="Catatan pemeriksaan", required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    cover_days = forms.IntegerField(
        label="Target ketersediaan untuk usulan pembagian (hari)",
        required=False,
        initial=DEFAULT_COVER_DAYS,
    )


class RequestForm(forms.Form):
    item = forms.ChoiceField(label="Barang", choices=Item.choices, initial=Item.KTP_EL)
    quantity = forms.IntegerField(label="Jumlah diminta")
    backlog = forms.IntegerField(label="Sudah rekam, belum tercetak")
    letter_number = forms.CharField(label="Nomor surat permohonan", max_length=160, required=False)
    justification = forms.CharField(
        label="Alasan permohonan", widget=forms.Textarea(attrs={"rows": 3})
    )


class CountForm(forms.Form):
    counted = forms.IntegerField(label="Hasil hitung fisik")
    document_ref = forms.CharField(label="Nomor berita acara stok opname", max_length=200)
    note = forms.CharField(label="Keterangan", required=False, max_length=500)


class DamagedForm(forms.Form):
    quantity = forms.IntegerField(label="Jumlah rusak")
    document_ref = forms.CharField(label="Nomor berita acara kerusakan", max_length=200)
    note = forms.CharField(label="Keterangan", required=False, max_length=500)


class ApproveForm(forms.Form):
    reason = forms.CharField(
        label="Alasan perubahan (wajib bila porsi diubah)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args: Any, lines: Iterable[AllocationLine], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.lines = list(lines)
        for line in self.lines:
            self.fields[f"share_{line.office_id}"] = forms.IntegerField(
                label=f"Porsi {line.office}", initial=line.share
            )

    def shares(self) -> dict[int, int]:
        data = self.cleaned_data
        return {line.office_id: data[f"share_{line.office_id}"] for line in self.lines}


class ScheduleForm(forms.Form):
    def __init__(self, *args: Any, lines: Iterable[AllocationLine], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.lines = [line for line in lines if line.share > 0]
        for line in self.lines:
            self.fields[f"method_{line.office_id}"] = forms.ChoiceField(
                label=f"Cara — {line.office}",
                choices=DeliveryMethod.choices,
                initial=line.method or DeliveryMethod.COLLECT,
            )
            self.fields[f"date_{line.office_id}"] = forms.DateField(
                label=f"Tanggal — {line.office}", widget=DATE, initial=line.scheduled_on
            )

    def schedule(self) -> dict[int, tuple[str, Any]]:
        data = self.cleaned_data
        return {
            line.office_id: (data[f"method_{line.office_id}"], data[f"date_{line.office_id}"])
            for line in self.lines
        }


class DocumentChoiceField(forms.ModelChoiceField):
    """An issued document, shown by its number, title and status."""

    def label_from_instance(self, obj: IssuedDocument) -> str:
        return f"{obj.number or '—'} · {obj.title} ({obj.get_status_display()})"


class HandoverForm(forms.Form):
    bast = DocumentChoiceField(
        label="BAST yang sudah ditandatangani",
        queryset=IssuedDocument.objects.none(),
        required=False,  # a missing BAST is refused by handover_post, with its reason
        error_messages={"invalid_choice": "BAST yang dipilih tidak ditemukan."},
    )
    hibah = DocumentChoiceField(
        label="Surat pernyataan bersedia menerima hibah yang sudah ditandatangani",
        queryset=IssuedDocument.objects.none(),
        required=False,  # a missing statement is refused by handover_post, with its reason
        error_messages={"invalid_choice": "Surat pernyataan yang dipilih tidak ditemukan."},
    )

    def __init__(self, *args: Any, line: AllocationLine, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Documents of the two offices may be chosen; the service decides whether the one chosen
        # is a valid BAST of the province (a revoked one is refused there, with its reason).
        offices = [line.allocation.office_id, line.office_id]
        documents = IssuedDocument.objects.filter(office_id__in=offices).order_by("-issued_at")
        for name in ("bast", "hibah"):
            cast(DocumentChoiceField, self.fields[name]).queryset = documents
