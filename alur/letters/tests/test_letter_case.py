"""A letter inside an SOP: S0's weekly report goes from draft through Kasi, Kabid and Sekretaris
to the Kadis's TTE, its number, and delivery over WhatsApp (the local Graph API server) and
e-mail, with the SOP's send-back path on the way."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.core import mail
from django.test import Client

from alur.core.errors import DomainError
from alur.letters.issuing import letter_sign
from alur.letters.models import Letter, LetterEventKind, LetterStatus
from alur.letters.services import letter_create, letter_update
from alur.letters.tests.conftest import TTE_PASSPHRASE, letter_input
from alur.outbox.choices import MessageStatus
from alur.outbox.delivery import deliver_due
from alur.outbox.models import OutboundMessage
from alur.outbox.tests.conftest import control, graph, graph_api  # noqa: F401
from alur.workflow import services
from alur.workflow.choices import CaseStatus, Outcome
from alur.workflow.models import Case, Task
from alur.workflow.tests.drive import active, holder, run_until_step, start

pytestmark = pytest.mark.django_db

KADIS_PHONE = "6281377001122"
DITJEN_MAIL = "laporan@dukcapil.kemendagri.go.id"
BABEL_NUMBER = "107174210000"


def _task(case: Case, step: int) -> Task:
    [task] = [t for t in active(case) if t.step == step]
    return task


def _done(case: Case, step: int, **kwargs: Any) -> None:
    task = _task(case, step)
    services.task_complete(task=task, actor=holder(task), outcome=Outcome.DONE, **kwargs)


def _report(case: Case, actor: Any) -> Letter:
    return letter_create(
        office=case.office,
        actor=actor,
        case=case,
        data=letter_input(
            kind="laporan",
            subject="Laporan Mingguan Pelayanan Adminduk se-Prov. Kep. Babel",
            body="Periode 16 s.d. 20 November 2026\n\nRekapitulasi pelayanan kab/kota.",
            extra={"items": [["Kartu Keluarga", "1.204", ""], ["Akta Kelahiran", "877", ""]]},
        ),
        recipients=[
            ("Kepala Dinas", "whatsapp", KADIS_PHONE, 12),
            ("Ditjen Dukcapil", "email", DITJEN_MAIL, 13),
        ],
    )


def test_s0_report_runs_from_draft_to_delivery(
    persona: Callable[[str], Any],
    tte: Callable[..., Any],
    graph: Any,  # noqa: F811
) -> None:
    case = start("S0")
    drafting = run_until_step(case, 5)
    pelaksana = holder(drafting)
    with pytest.raises(DomainError, match="belum memiliki konsep naskah"):
        services.task_complete(task=drafting, actor=pelaksana, outcome=Outcome.DONE)

    letter = _report(case, pelaksana)
    assert [(s.position.kind, s.step) for s in letter.slots.order_by("order")] == [
        ("kabid", 7),
        ("sekretaris", 8),
    ]
    assert letter.signer_position.kind == "kadis"
    _done(case, 5)
    letter.refresh_from_db()
    assert letter.status == LetterStatus.REVIEW and letter.round == 1
    _done(case, 6)  # Kasi: sesuai

    # Kabid sends it back ("Perbaikan"), as the SOP allows, to step 5.
    kabid_task = _task(case, 7)
    services.task_complete(
        task=kabid_task,
        actor=holder(kabid_task),
        outcome=Outcome.RETURN,
        return_to=5,
        reason="Tambahkan angka KIA.",
    )
    letter.refresh_from_db()
    assert letter.status == LetterStatus.DRAFT
    assert letter.events.filter(kind=LetterEventKind.RETURN, note="Tambahkan angka KIA.").exists()
    letter_update(
        letter=letter,
        actor=pelaksana,
        data=letter_input(
            kind="laporan",
            subject="Laporan Mingguan Pelayanan Adminduk se-Prov. Kep. Babel",
            body="Periode 16 s.d. 20 November 2026\n\nRekapitulasi pelayanan kab/kota.",
            extra={"items": [["Kartu Keluarga", "1.204", ""], ["KIA", "310", ""]]},
        ),
        note="angka KIA ditambahkan",
    )
    _done(case, 5)
    _done(case, 6)
    _done(case, 7)  # Kabid's paraf
    _done(case, 8)  # Sekretaris's paraf
    letter.refresh_from_db()
    assert letter.round == 2 and letter.version == 2

    # The Kadis cannot just tick the step: it is done by signing.
    sign_task = _task(case, 9)
    kadis = holder(sign_task)
    with pytest.raises(DomainError, match="menandatangani naskah"):
        services.task_complete(task=sign_task, actor=kadis, outcome=Outcome.DONE)
    tte(kadis)
    letter = letter_sign(
        letter=letter, actor=kadis, passphrase=TTE_PASSPHRASE, base_url="https://alur.test/"
    )
    assert [t.step for t in active(case)] == [10]  # the signing completed step 9

    _done(case, 10)  # Kasubag Umum: the number taken at signing is confirmed
    _done(case, 11)
    control(graph, "inbound", {"from": KADIS_PHONE, "phone_number_id": BABEL_NUMBER})
    _done(case, 12)  # the PDF to the Kadis over WhatsApp
    _done(case, 13)  # and to Ditjen by e-mail
    case.refresh_from_db()
    assert case.status == CaseStatus.DONE

    deliver_due()
    messages = {m.channel: m for m in OutboundMessage.objects.filter(object_id=str(letter.pk))}
    assert messages["whatsapp"].status == MessageStatus.SENT
    assert messages["email"].status == MessageStatus.SENT
    [sent] = [m for m in control(graph, "messages", method="GET")["data"] if m["to"] == KADIS_PHONE]
    assert sent["type"] == "document"
    assert mail.outbox[-1].to == [DITJEN_MAIL]
    [(filename, content, _mime)] = mail.outbox[-1].attachments
    assert content == letter.document.file.open("rb").read()
    assert filename.endswith(".pdf")


def test_the_case_page_shows_the_letter_and_asks_the_kadis_for_the_passphrase(
    persona: Callable[[str], Any],
) -> None:
    case = start("S0")
    drafting = run_until_step(case, 5)
    client = Client()
    client.force_login(holder(drafting))
    page = client.get(f"/perkara/{case.reference}/").content.decode()
    assert "Susun konsep naskah" in page

    _report(case, holder(drafting))
    for step in (5, 6, 7, 8):
        _done(case, step)
    client.force_login(persona("babel.kadis"))
    page = client.get(f"/perkara/{case.reference}/").content.decode()
    assert "Passphrase sertifikat TTE" in page
    assert "Simpan hasil langkah 9" not in page  # the generic form is replaced by signing
    assert "Kepala Bidang" in page  # the paraf given so far


def test_a_refusal_the_sop_does_not_have_leaves_the_draft_in_its_chain(
    persona: Callable[[str], Any],
) -> None:
    # S0's checks answer Sesuai or Perbaikan (back to step 5); the SOP refuses nothing.
    case = start("S0")
    drafting = run_until_step(case, 5)
    letter = _report(case, holder(drafting))
    _done(case, 5)
    _done(case, 6)
    task = _task(case, 7)
    letter.refresh_from_db()
    before = letter.status
    with pytest.raises(DomainError, match="tidak dapat menolak"):
        services.task_complete(
            task=task, actor=holder(task), outcome=Outcome.REJECT, reason="Laporan batal."
        )
    letter.refresh_from_db()
    assert letter.status == before != LetterStatus.CANCELLED


def test_the_paraf_step_offers_its_outcome_only_to_the_post_its_slot_names() -> None:
    """A second Kabid post in the office, held by an acting head: the S0 paraf step of the
    Kabid shows its outcome to the Kabid its slot names, and to the other Kabid only whose it
    is; a paraf posted by the other Kabid is refused and the letter keeps no paraf."""
    from datetime import date

    from alur.letters.chain import parafs
    from alur.letters.selectors import case_letter
    from alur.org.choices import AppointmentKind, PositionKind
    from alur.org.models import Appointment, Position, User

    task = run_until_step(start("S0"), 7)
    letter = case_letter(task.case)
    assert letter is not None
    slot = letter.slots.select_related("position").get(step=7)
    other = Position.objects.create(
        office=task.case.office, kind=PositionKind.KABID, title="Kepala Bidang Lain"
    )
    acting = User.objects.create_user(username="plt.kabid.lain", full_name="Plt Kabid Lain")
    Appointment.objects.create(
        user=acting, position=other, kind=AppointmentKind.PLT, starts_on=date(2020, 1, 1)
    )
    page = f"/perkara/{task.case.reference}/"
    named, stranger = Client(), Client()
    named.force_login(holder(task))
    stranger.force_login(acting)
    assert "paraf dan teruskan" in named.get(page).content.decode()
    body = stranger.get(page).content.decode()
    assert "paraf dan teruskan" not in body
    assert f"diberikan oleh {slot.position.title}" in body
    stranger.post(f"/tugas/{task.pk}/selesai/", {"outcome": "done"})
    assert parafs(letter) == []
