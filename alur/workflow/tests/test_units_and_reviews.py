"""The right inbox (the SOP's unit), forms only for those who may act, and no person passing two
review steps of one case in a row unless the office lets an acting holder (said on the page)."""

from datetime import date

import pytest
from django.contrib.messages import get_messages
from django.core.exceptions import PermissionDenied

from alur.audit.models import AuditEvent
from alur.core.errors import DomainError
from alur.org.access import forget
from alur.org.models import Office, Position, Unit, User
from alur.org.services import appointment_create, office_update, position_create, user_create
from alur.workflow import routing, services
from alur.workflow.choices import Outcome, TaskStatus
from alur.workflow.spec import ActorKind, ActorSpec
from alur.workflow.tests.drive import SPECS, active, holder, run_until_step, start


def inbox(client, persona, username: str) -> str:
    client.force_login(persona(username))
    return client.get("/tugas/").content.decode()


@pytest.mark.django_db
def test_a_task_goes_to_the_post_in_the_sop_s_unit(client, persona) -> None:
    check = run_until_step(start("S2e"), 2)  # Petugas Pelayanan Online, Bidang Pencatatan Sipil
    assert check.unit.name == "Bidang Pelayanan Pencatatan Sipil"
    reference = check.case.reference
    assert reference in inbox(client, persona, "waykanan.petugas.capil")
    # The file check of Pendaftaran Penduduk and the complaints desk are petugas too: not theirs.
    assert reference not in inbox(client, persona, "waykanan.petugas")
    assert reference not in inbox(client, persona, "waykanan.pengaduan")
    assert [u.username for u in routing.holders(check.office_id, "petugas", check.unit_id)] == [
        "waykanan.petugas.capil"
    ]


@pytest.mark.django_db
def test_an_actor_s_own_unit_narrows_the_sop_s(client, persona) -> None:
    kia = run_until_step(start("S2d"), 3)  # KASI IDENTITAS PENDUDUK
    assert kia.unit.name == "Seksi Identitas Penduduk"
    assert kia.case.reference in inbox(client, persona, "waykanan.kasi.dafduk")
    assert kia.case.reference not in inbox(client, persona, "waykanan.kasi.pindah")
    with pytest.raises(PermissionDenied):
        services.task_claim(task=kia, actor=persona("waykanan.kasi.pindah"))


@pytest.mark.django_db
def test_a_post_without_a_unit_or_without_holders_in_it_is_office_wide() -> None:
    signing = run_until_step(start("S2e"), 9)  # the Kadis sits in no unit
    assert signing.unit_id is None
    office = Office.objects.get(code="18.08")
    spec = SPECS["S2e"]
    nobody = ActorSpec("x", "Analis", ActorKind.POSITION, position_kind="analis")
    assert routing.route_unit(office, spec, nobody) is None  # no analyst in that bidang
    elsewhere = ActorSpec("y", "Kasi", ActorKind.POSITION, position_kind="kasi", unit="Tak Ada")
    bidang = Unit.objects.get(office=office, name="Bidang Pelayanan Pencatatan Sipil")
    assert routing.route_unit(office, spec, elsewhere) == bidang.pk  # falls back to the SOP's


@pytest.mark.django_db
def test_the_case_page_shows_forms_only_to_those_who_may_act(client, persona) -> None:
    task = run_until_step(start("S2e"), 2)
    page = f"/perkara/{task.case.reference}/"
    client.force_login(persona("waykanan.kadis"))  # sees the case, does not hold the step
    body = client.get(page).content.decode()
    assert "Ambil tugas" not in body and "Lengkap — teruskan" not in body
    assert "Menunggu Petugas Pelayanan Online (Bidang Pelayanan Pencatatan Sipil)" in body
    assert "Dipegang oleh Siti Rahmawati" in body
    response = client.post(f"/tugas/{task.pk}/selesai/", {"outcome": "done"})
    messages = [str(m) for m in get_messages(response.wsgi_request)]
    assert messages == ["Tugas ini bukan untuk jabatan Anda di kantor tersebut."]
    # A petugas of another bidang does not handle the case: neither its page nor its step.
    client.force_login(persona("waykanan.petugas"))
    assert client.get(page).status_code == 404
    assert client.post(f"/tugas/{task.pk}/selesai/", {"outcome": "done"}).status_code == 404
    task.refresh_from_db()
    assert task.status == TaskStatus.OPEN
    client.force_login(persona("waykanan.petugas.capil"))
    assert "Ambil tugas" in client.get(page).content.decode()


def _verify_as_kasi_then_reach_the_kabid(persona) -> tuple:
    case = start("S2e")
    kasi_step = run_until_step(case, 3)
    lina = persona("waykanan.kasi.capil")  # Kasi, and Plt. Kabid Pencatatan Sipil
    services.task_complete(task=kasi_step, actor=lina, outcome=Outcome.DONE)
    kabid_step = active(case)[0]
    assert kabid_step.step == 4 and kabid_step.prior_reviewer_id == lina.pk
    return case, kabid_step, lina


@pytest.mark.django_db
def test_the_same_person_may_not_pass_two_review_steps_in_a_row(client, persona) -> None:
    office = Office.objects.get(code="18.08")
    office_update(office=office, actor=None, acting_may_review_twice=False)
    case, kabid_step, lina = _verify_as_kasi_then_reach_the_kabid(persona)
    with pytest.raises(PermissionDenied, match="Anda sudah memeriksa langkah 3"):
        services.task_complete(task=kabid_step, actor=lina, outcome=Outcome.DONE)
    with pytest.raises(PermissionDenied):
        services.task_claim(task=kabid_step, actor=lina)
    kabid_step.refresh_from_db()
    assert kabid_step.status == TaskStatus.OPEN
    client.force_login(lina)
    body = client.get(f"/perkara/{case.reference}/").content.decode()
    assert "langkah 4 perlu diperiksa orang lain" in body
    assert "Simpan hasil langkah 4" not in body
    listed = client.get("/tugas/").content.decode()
    assert "perlu diperiksa orang lain" in listed and 'value="inbox"' not in listed


@pytest.mark.django_db
def test_an_office_may_let_an_acting_holder_and_the_page_says_so(client, persona) -> None:
    assert Office.objects.get(code="18.08").acting_may_review_twice  # Way Kanan's demo setting
    case, kabid_step, lina = _verify_as_kasi_then_reach_the_kabid(persona)
    services.task_complete(task=kabid_step, actor=lina, outcome=Outcome.DONE)
    event = AuditEvent.objects.get(action="task.done", object_id=str(kabid_step.pk))
    assert event.after["same_reviewer_as_step"] == 3
    client.force_login(persona("waykanan.kadis"))
    body = client.get(f"/perkara/{case.reference}/").content.decode()
    assert "diperiksa orang yang sama dengan langkah 3" in body


@pytest.mark.django_db
def test_a_definitive_holder_of_both_posts_is_never_let_through(persona) -> None:
    office = Office.objects.get(code="18.08")
    both = user_create(
        username="uji.rangkap",
        full_name="Uji Rangkap",
        password="Kopi-Pahit-Sore-2026!",
        office=office,
    )
    seksi = Unit.objects.get(office=office, name="Seksi Kelahiran dan Kematian")
    kasi = position_create(office=office, kind="kasi", title="Kepala Seksi Uji", unit=seksi)
    kabid = Position.objects.get(office=office, title="Kepala Bidang Pelayanan Pencatatan Sipil")
    for position in (kasi, kabid):  # both definitive (the Kabid's Plt. is acting)
        appointment_create(user=both, position=position, starts_on=date(2024, 1, 2))
    both = User.objects.get(pk=both.pk)
    forget(both)
    case = start("S2e")
    kasi_step = run_until_step(case, 3)
    services.task_complete(task=kasi_step, actor=both, outcome=Outcome.DONE)
    kabid_step = active(case)[0]
    with pytest.raises(PermissionDenied, match="perlu diperiksa orang lain"):
        services.task_complete(task=kabid_step, actor=both, outcome=Outcome.DONE)
    # The acting Kabid may (the office allows acting holders); the drive picks her.
    assert holder(kabid_step).username == "waykanan.kasi.capil"
    services.task_complete(task=kabid_step, actor=holder(kabid_step), outcome=Outcome.DONE)


@pytest.mark.django_db
def test_a_task_is_not_handed_to_the_one_who_passed_the_review_before_it(persona) -> None:
    office = Office.objects.get(code="18.08")
    office_update(office=office, actor=None, acting_may_review_twice=False)
    _case, kabid_step, lina = _verify_as_kasi_then_reach_the_kabid(persona)
    with pytest.raises(DomainError, match="alihkan kepada orang lain"):
        services.task_reassign(
            task=kabid_step, to_user=lina, actor=persona("waykanan.kadis"), reason="Kabid cuti"
        )
