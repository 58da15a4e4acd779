"""Templates as data: the accounts' message templates synced from the Graph API's list (over
the local server, paged as Graph pages), checked before a template is sent, and shown on the
office page with the notice each is used for."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import httpx
import pytest
from django.test import Client

from alur.audit.models import AuditEvent
from alur.org.models import Office
from alur.whatsapp_cloud import services, transport
from alur.whatsapp_cloud.models import DEMO_WABA_ID, MessageTemplate
from alur.whatsapp_cloud.notices import NOTICE_TEMPLATES, application_notice
from alur.whatsapp_cloud.selectors import office_templates, template_problem
from alur.whatsapp_cloud.tests.conftest import ACCESS_TOKEN, control, http
from peers.graph_api import RunningServer
from peers.graph_api.catalogue import SEED

pytestmark = pytest.mark.django_db

AKTA_LAHIR = "108117961700"  # Way Kanan's demo number for akta kelahiran (demo WABA)


def definition(name: str, status: str = "APPROVED", body: str = "Info: {{1}}.") -> dict[str, Any]:
    return {"name": name, "status": status, "components": [{"type": "BODY", "text": body}]}


def listing(graph: RunningServer, waba: str = DEMO_WABA_ID, **params: str) -> httpx.Response:
    return http.get(
        f"{graph.base_url}/{waba}/message_templates",
        params=params,
        headers={"Authorization": f"Bearer {ACCESS_TOKEN}"},
    )


def payload(name: str, *texts: str, document: bool = False) -> dict[str, Any]:
    components: list[dict[str, Any]] = []
    if document:
        header = {"type": "document", "document": {"path": "a.pdf", "filename": "a.pdf"}}
        components.append({"type": "header", "parameters": [header]})
    components.append({"type": "body", "parameters": [{"type": "text", "text": t} for t in texts]})
    return {"name": name, "language": "id", "components": components}


def test_the_local_server_lists_templates_as_the_graph_api_pages_them(graph: RunningServer) -> None:
    first = listing(graph, fields="name,status", limit="3")
    assert first.status_code == 200, first.text
    page = first.json()
    assert [t["name"] for t in page["data"]] == [t["name"] for t in SEED[:3]]
    assert set(page["data"][0]) == {"name", "status", "id"}  # the fields asked, and the id
    assert "next" in page["paging"] and "previous" not in page["paging"]
    second = listing(graph, fields="name", limit="3", after=page["paging"]["cursors"]["after"])
    assert [t["name"] for t in second.json()["data"]] == [t["name"] for t in SEED[3:6]]
    assert "previous" in second.json()["paging"]

    everything = listing(graph).json()  # Graph's default fields, all in one page of 25
    assert len(everything["data"]) == len(SEED) and "next" not in everything["paging"]
    assert everything["data"][0]["components"][-1]["type"] == "BODY"
    assert listing(graph, status="PAUSED").json() == {"data": []}

    unknown_field = listing(graph, fields="name,secret").json()["error"]
    assert unknown_field["code"] == 100
    other_account = listing(graph, "999000999").json()["error"]
    assert (other_account["code"], other_account["error_subcode"]) == (100, 33)
    no_token = http.get(f"{graph.base_url}/{DEMO_WABA_ID}/message_templates")
    assert no_token.status_code == 401


def test_a_sync_reads_every_page_and_keeps_each_template(
    graph: RunningServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    many = [definition(f"templat_{n:02d}") for n in range(23)]
    many.append(definition("dua_parameter", body="Halo {{1}}, permohonan {{2}} selesai."))
    many.append(definition("menunggu", status="PENDING"))
    control(graph, "templates", {"templates": many})
    monkeypatch.setattr(services, "SYNC_PAGE_SIZE", 7)

    result = services.templates_sync(waba_id=DEMO_WABA_ID)

    assert result.listed == 25 and len(result.added) == 25
    pages = [r for r in control(graph, "requests", method="GET")["data"]]
    assert sum(r["endpoint"] == "templates" for r in pages) == 4  # 7 + 7 + 7 + 4
    two = MessageTemplate.objects.get(waba_id=DEMO_WABA_ID, name="dua_parameter")
    assert (two.body_parameters, two.status, two.category) == (2, "APPROVED", "UTILITY")
    assert not MessageTemplate.objects.get(name="menunggu").approved
    event = AuditEvent.objects.filter(action="whatsapp.templates.sync").latest("pk")
    assert event.after["listed"] == 25


def test_a_second_sync_records_what_changed_in_whatsapp_manager(graph: RunningServer) -> None:
    control(graph, "templates", {"templates": [definition("a"), definition("b"), definition("c")]})
    services.templates_sync(waba_id=DEMO_WABA_ID)
    control(
        graph,
        "templates",
        {"templates": [definition("a", status="PAUSED"), definition("c"), definition("d")]},
    )

    result = services.templates_sync(waba_id=DEMO_WABA_ID)

    assert result.added == ["d (id)"] and result.removed == ["b (id)"]
    assert result.changed == ["a (id): APPROVED → PAUSED"]
    names = MessageTemplate.objects.filter(waba_id=DEMO_WABA_ID).values_list("name", flat=True)
    assert sorted(names) == ["a", "c", "d"]


def test_a_sync_that_cannot_reach_whatsapp_keeps_what_it_had(graph: RunningServer) -> None:
    services.templates_sync(waba_id=DEMO_WABA_ID)
    control(graph, "faults", {"mode": "down", "endpoint": "templates"})
    with pytest.raises(transport.WhatsAppError) as refused:
        services.templates_sync(waba_id=DEMO_WABA_ID)
    assert refused.value.retryable
    assert MessageTemplate.objects.filter(waba_id=DEMO_WABA_ID).count() == len(SEED)


def test_a_template_is_checked_against_the_synced_ones_before_it_is_sent(
    graph: RunningServer,
) -> None:
    returned = payload("permohonan_dikembalikan", "Lengkapi KK.")
    assert template_problem(AKTA_LAHIR, returned) is None  # never synced: WhatsApp decides

    seed = [dict(t) for t in SEED] + [definition("dijeda", status="PAUSED")]
    control(graph, "templates", {"templates": seed})
    services.templates_sync(waba_id=DEMO_WABA_ID)

    assert template_problem(AKTA_LAHIR, returned) is None
    unknown = template_problem(AKTA_LAHIR, payload("tidak_ada", "x"))
    assert unknown is not None and unknown.code == 132001
    assert "tidak ada di akun WhatsApp Business" in unknown.reason
    paused = template_problem(AKTA_LAHIR, payload("dijeda", "x"))
    assert paused is not None and paused.code == 132015 and "Dijeda" in paused.reason
    two = template_problem(AKTA_LAHIR, payload("permohonan_dikembalikan", "a", "b"))
    assert two is not None and two.code == 132000
    assert "memerlukan 1 parameter isi, pesan ini membawa 2" in two.reason
    no_file = template_problem(AKTA_LAHIR, payload("naskah_dinas_terbit", "Surat 1"))
    assert no_file is not None and no_file.code == 132012
    letter = payload("naskah_dinas_terbit", "Surat 1", document=True)
    assert template_problem(AKTA_LAHIR, letter) is None


def test_the_local_server_holds_the_templates_alurs_notices_name() -> None:
    """The peer's seed and the notices' registry are one list (the peer imports nothing of
    Alur): each notice's template is there, approved, with its parameters and header."""
    from alur.letters.delivery import DOCUMENT_TEMPLATE
    from alur.logistics.services.shares import SHARE_TEMPLATE
    from alur.reports.services.weekly import FORM_TEMPLATE
    from alur.whatsapp_cloud.models import placeholders
    from alur.workflow.digest import DIGEST_TEMPLATE

    seeded = {}
    for item in SEED:
        body = next(c for c in item["components"] if c["type"] == "BODY")
        header = any(c.get("format") == "DOCUMENT" for c in item["components"])
        seeded[item["name"]] = (item["status"], body["text"], header)
    assert seeded == {n.name: ("APPROVED", n.body, n.document_header) for n in NOTICE_TEMPLATES}
    assert all(placeholders(n.body) == 1 for n in NOTICE_TEMPLATES)
    names = {n.name for n in NOTICE_TEMPLATES}
    assert {DOCUMENT_TEMPLATE, SHARE_TEMPLATE, FORM_TEMPLATE, DIGEST_TEMPLATE} <= names
    assert application_notice("return:17").name == "permohonan_dikembalikan"
    assert application_notice("reject:17").name == "permohonan_ditolak"
    assert application_notice("done").name == "pembaruan_permohonan"


def test_the_office_page_lists_the_templates_and_who_may_sync_them(
    graph: RunningServer,
    persona: Callable[[str], Any],
    django_capture_on_commit_callbacks: Any,
) -> None:
    operator, kadis = Client(), Client()
    operator.force_login(persona("waykanan.operator"))
    kadis.force_login(persona("waykanan.kadis"))

    page = operator.get("/kantor/18.08/").content.decode()
    assert "Templat belum pernah disinkronkan" in page
    assert "Belum terdaftar di WhatsApp Manager" not in page  # nothing known, nothing judged
    assert "Belum disinkronkan" in page
    assert "Sinkronkan</button>" not in page
    refused = operator.post("/kantor/18.08/whatsapp/templat/sinkronkan/", follow=True)
    assert "tidak memiliki wewenang" in refused.content.decode()
    assert not MessageTemplate.objects.exists()

    control(graph, "templates", {"templates": [dict(t) for t in SEED[1:]]})
    assert "Sinkronkan</button>" in kadis.get("/kantor/18.08/").content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        answer = kadis.post("/kantor/18.08/whatsapp/templat/sinkronkan/", follow=True)
    assert "Sinkronisasi templat WhatsApp dijalankan" in answer.content.decode()
    text = kadis.get("/kantor/18.08/").content.decode()  # the worker ran after the commit
    assert MessageTemplate.objects.filter(waba_id=DEMO_WABA_ID).count() == len(SEED) - 1
    assert 'data-template="permohonan_ditolak" data-ready="ya"' in text
    # Header formats in Bahasa Indonesia, not WhatsApp's English names.
    assert "kepala berkas" in text and "kepala document" not in text
    assert "kepala text" not in text and "kepala image" not in text
    # The one Alur needs and WhatsApp Manager lacks is named, with where it is used.
    assert 'data-template="permohonan_dikembalikan" data-ready="tidak"' in text
    assert "Belum terdaftar di WhatsApp Manager" in text
    assert "Permohonan dokumen dikembalikan kepada pemohon untuk dilengkapi" in text
    assert AuditEvent.objects.filter(action="whatsapp.templates.sync_request").exists()

    uses = office_templates(Office.objects.get(code="18.08"))
    assert {u.notice.name for u in uses.uses} == {n.name for n in NOTICE_TEMPLATES}


def test_another_office_cannot_sync_way_kanans_templates(persona: Callable[[str], Any]) -> None:
    stranger = Client()
    stranger.force_login(persona("babel.kadis"))
    answer = stranger.post("/kantor/18.08/whatsapp/templat/sinkronkan/")
    assert answer.status_code in (403, 404)
    assert not AuditEvent.objects.filter(action="whatsapp.templates.sync_request").exists()


def test_the_command_syncs_every_account(graph: RunningServer, capsys: Any) -> None:
    from django.core.management import call_command

    call_command("whatsapp_templates_sync")
    assert f"WABA {DEMO_WABA_ID}: {len(SEED)} templat" in capsys.readouterr().out
    assert MessageTemplate.objects.filter(waba_id=DEMO_WABA_ID, status="APPROVED").count() == len(
        SEED
    )


def test_without_the_graph_api_the_command_says_so_and_the_hourly_task_waits(
    settings: Any,
) -> None:
    from django.core.management import CommandError, call_command

    from alur.whatsapp_cloud.tasks import sync_message_templates

    settings.WHATSAPP_API_BASE = "http://127.0.0.1:9/v26.0"  # nothing listens there
    settings.WHATSAPP_TIMEOUT_SECONDS = 2
    transport.reset_client()
    with pytest.raises(CommandError, match="Sinkronisasi templat gagal"):
        call_command("whatsapp_templates_sync", "--wait", "0")
    assert sync_message_templates.call_local() == 0  # logged; the next hour tries again
    assert not MessageTemplate.objects.exists()
    transport.reset_client()
