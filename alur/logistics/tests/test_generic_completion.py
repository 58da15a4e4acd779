"""The generic completion endpoint (`/tugas/<id>/selesai/`) with a step that completes its task
with data: S1's shipment (step 13), declared in `logistics.steps`."""

from __future__ import annotations

import pytest
from django.contrib.messages import get_messages

from alur.logistics.models import Shipment
from alur.logistics.tests.conftest import s1_round
from alur.logistics.tests.test_s1 import drive_to
from alur.sop.registry import registry

pytestmark = pytest.mark.django_db

SHIPMENT = {"item": "ktp_el", "quantity": "500", "carrier": "Garuda", "waybill": "126-7"}


def texts(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def test_the_shipment_step_is_declared_to_complete_with_data() -> None:
    declared = registry.get("form", "logistics.ship")
    assert declared.completes_with_data and declared.handler is not None and declared.panels


def test_the_endpoint_completes_the_step_with_its_data(client, persona) -> None:
    case = s1_round()
    task = drive_to(case, 13)
    client.force_login(persona("babel.penghubung"))
    response = client.post(f"/tugas/{task.pk}/selesai/", SHIPMENT)
    assert response.status_code == 302 and response.url == f"/perkara/{case.reference}/"
    assert texts(response) == ["Langkah selesai; perkara diteruskan."]
    task.refresh_from_db()
    assert task.status == "done" and task.completed_by == persona("babel.penghubung")
    shipment = Shipment.objects.get(case=case)
    assert (shipment.quantity_shipped, shipment.waybill) == (500, "126-7")


def test_the_endpoint_refuses_one_who_does_not_hold_the_task(client, persona) -> None:
    case = s1_round()
    task = drive_to(case, 13)
    client.force_login(persona("babel.kabid"))  # reads the case; step 13 is the Penghubung's
    response = client.post(f"/tugas/{task.pk}/selesai/", SHIPMENT)
    assert response.status_code == 302
    assert texts(response) and "Langkah selesai" not in texts(response)[-1]
    task.refresh_from_db()
    assert task.status != "done" and not Shipment.objects.filter(case=case).exists()
    # someone outside the case's reach does not find it at all
    client.force_login(persona("waykanan.operator"))
    assert client.post(f"/tugas/{task.pk}/selesai/", SHIPMENT).status_code == 404


def test_a_refused_step_keeps_what_was_typed(client, persona) -> None:
    case = s1_round()
    task = drive_to(case, 13)
    client.force_login(persona("babel.penghubung"))
    response = client.post(f"/tugas/{task.pk}/selesai/", SHIPMENT | {"quantity": "0"})
    assert texts(response) == ["Jumlah yang dikirim harus lebih dari 0."]
    page = client.get(f"/perkara/{case.reference}/").content.decode()
    assert 'value="126-7"' in page and 'value="Garuda"' in page
    task.refresh_from_db()
    assert task.status != "done"
