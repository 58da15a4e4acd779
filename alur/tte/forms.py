from __future__ import annotations

from django import forms

MAX_P12_BYTES = 64 * 1024


class CertificateForm(forms.Form):
    p12 = forms.FileField(label="Berkas sertifikat (.p12 / .pfx)")
    passphrase = forms.CharField(
        label="Passphrase sertifikat",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "off"}),
    )

    def clean_p12(self) -> object:
        upload = self.cleaned_data["p12"]
        if upload.size > MAX_P12_BYTES:
            raise forms.ValidationError("Berkas sertifikat terlalu besar (paling besar 64 KB).")
        return upload
