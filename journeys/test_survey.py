"""The satisfaction survey on a phone: the officer shows the QR code on the case page; the
reporter answered at the counter opens the survey by its link, forgets one question and is told
which, with every other answer kept; then Way Kanan's Kadis opens "Indeks Kepuasan Masyarakat"
from the menu and reads the index of the quarter, with the demo's questionnaires, and Babel's
Kabid reads the index of the province's kab/kota."""

from __future__ import annotations

from alur.complaints import services as complaints
from alur.complaints.choices import Category, Channel
from alur.org.models import Office, User
from alur.survey.models import Survey
from journeys.conftest import Walk


def _answered_at_the_counter() -> Survey:
    officer = User.objects.get(username="waykanan.pengaduan")
    complaint = complaints.complaint_submit(
        office=Office.objects.get(code="18.08"),
        channel=Channel.COUNTER,
        reporter_name="Siti Aminah",
        text="Antrean loket terlalu lama.",
        actor=officer,
    )
    complaints.complaint_register(complaint=complaint, actor=officer, category=Category.DELAY)
    complaints.complaint_answer(
        complaint=complaint, actor=officer, answer="Kami menambah satu loket mulai pekan depan."
    )
    return Survey.objects.get(case=complaint.case)


def test_survey_page_and_index(walk: Walk) -> None:
    survey = _answered_at_the_counter()
    page = walk.page
    # The officer who answered shows the QR code on the case page.
    assert survey.case is not None
    walk.login("waykanan.pengaduan")
    walk.goto(f"/perkara/{survey.case.reference}/")
    walk.sees("Survei kepuasan masyarakat")
    assert page.locator(".survey-qr svg").is_visible()
    link = page.locator(".survey-link a").inner_text()
    assert link.endswith(f"/survei/{survey.token}/")
    page.context.clear_cookies()  # the citizen's phone: no sign-in
    walk.goto(f"/survei/{survey.token}/")
    walk.sees("Survei Kepuasan Masyarakat")
    for number, answer in (
        (1, "Sesuai"),
        (2, "Sangat mudah"),
        (3, "Kurang cepat"),
        (4, "Gratis"),
        (6, "Kompeten"),
        (7, "Sopan dan ramah"),
        (8, "Dikelola dengan baik"),
        (9, "Baik"),
    ):
        page.locator(f"#pertanyaan-{number}").get_by_label(answer, exact=True).check()
    page.get_by_text("Data responden (tidak wajib)").click()
    page.get_by_label("Jenis kelamin").select_option("P")
    walk.press("Kirim survei")
    walk.sees("Pilih jawaban untuk pertanyaan 5.")
    assert page.locator("#pertanyaan-2").get_by_label("Sangat mudah", exact=True).is_checked()
    assert page.get_by_label("Jenis kelamin").input_value() == "P"
    page.locator("#pertanyaan-5").get_by_label("Sesuai", exact=True).check()
    walk.press("Kirim survei")
    walk.sees("Penilaian Anda untuk layanan Pengaduan sudah kami terima")
    survey.refresh_from_db()
    assert survey.completed_at is not None and survey.gender == "P"
    assert survey.answers.get(element=3).score == 2

    walk.login("waykanan.kadis")
    walk.menu("Indeks Kepuasan Masyarakat")
    walk.sees("IKM unit pelayanan")
    assert page.locator("svg.chart").count() >= 2
    value = page.locator(".ikm-value").inner_text()
    assert 25 <= float(value.replace(",", ".")) <= 100  # written as Indonesian writes it
    walk.sees("Akta kelahiran")  # a service of the demo's questionnaires

    walk.login("babel.kabid")
    walk.menu("Indeks Kepuasan Masyarakat")
    walk.sees("Kabupaten/kota")
    walk.follow("Kab. Bangka")
    walk.sees("IKM unit pelayanan")
