import hashlib

import pytest

from alur.core.uploads import NOT_ALLOWED, FileRejected, check_upload
from alur.intake.tests import samples


@pytest.mark.parametrize(
    ("data", "mime", "extension"),
    [
        (samples.png(), "image/png", "png"),
        (samples.jpeg(), "image/jpeg", "jpg"),
        (samples.pdf(), "application/pdf", "pdf"),
    ],
)
def test_accepts_jpeg_png_pdf_by_their_bytes(data: bytes, mime: str, extension: str) -> None:
    # The declared type and the name are wrong on purpose: only the bytes count.
    checked = check_upload(data, declared_mime="application/octet-stream", filename="x.bin")
    assert checked.mime == mime
    assert checked.extension == extension
    assert checked.size == len(data)
    assert checked.sha256 == hashlib.sha256(data).hexdigest()


@pytest.mark.parametrize(
    ("data", "declared", "name"),
    [
        (samples.EXE, "application/pdf", "surat.pdf"),
        (samples.EXE, "image/jpeg", "kk.jpg"),
        (b"GIF89a" + b"\x00" * 32, "image/gif", "a.gif"),
        (b"<html><script>alert(1)</script></html>", "application/pdf", "x.pdf"),
        (b"%PDF-1.4\n truncated without an end", "application/pdf", "x.pdf"),
        (b"PK\x03\x04" + b"\x00" * 40, "application/pdf", "x.pdf"),
    ],
)
def test_refuses_anything_else_whatever_it_claims(data: bytes, declared: str, name: str) -> None:
    with pytest.raises(FileRejected) as caught:
        check_upload(data, declared_mime=declared, filename=name)
    assert caught.value.reason == NOT_ALLOWED
    assert "Berkas bukan PDF atau gambar yang sah" in caught.value.reason


def test_refuses_empty() -> None:
    with pytest.raises(FileRejected, match="kosong"):
        check_upload(b"", declared_mime="image/png", filename="a.png")


def test_refuses_over_the_limit() -> None:
    data = samples.png()
    check_upload(data, declared_mime="image/png", filename="a.png", max_bytes=len(data))
    with pytest.raises(FileRejected, match="terlalu besar: paling besar 5 MB"):
        check_upload(
            samples.jpeg() + b"\x00" * (5 * 1024 * 1024), declared_mime="image/jpeg", filename="b"
        )


@pytest.mark.parametrize(
    "extra",
    [
        b"/OpenAction << /S /JavaScript /JS (app.alert(1)) >> ",
        b"/OpenAction << /S /Launch /F (cmd.exe) >> ",
        b"/OpenAction << /S /J#61vaScript /JS (x) >> ",
    ],
)
def test_refuses_pdf_with_script_or_launch(extra: bytes) -> None:
    with pytest.raises(FileRejected, match="skrip"):
        check_upload(samples.pdf(extra), declared_mime="application/pdf", filename="a.pdf")
