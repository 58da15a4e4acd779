"""The local Graph API server: the protocol it speaks, the citizen it plays, its faults."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import subprocess
import sys
from typing import Any

import httpx
import pytest

from alur.whatsapp_cloud import payloads, transport
from alur.whatsapp_cloud.tests.conftest import (
    ACCESS_TOKEN,
    APP_SECRET,
    VERIFY_TOKEN,
    Receiver,
    control,
    control_get,
    http,
)
from peers.graph_api import RunningServer, start_server

OFFICE = "108117961700"
SITI = "6281234567890"
AUTH = {"Authorization": f"Bearer {ACCESS_TOKEN}"}


def api(server: RunningServer, method: str, path: str, **kwargs: Any) -> httpx.Response:
    kwargs.setdefault("headers", AUTH)
    return http.request(method, f"{server.base_url}{path}", **kwargs)


def error_of(response: httpx.Response) -> dict[str, Any]:
    return response.json()["error"]


def signed_by_app_secret(received: Any) -> bool:
    expected = "sha256=" + hmac.new(APP_SECRET.encode(), received.body, hashlib.sha256).hexdigest()
    return hmac.compare_digest(received.headers["x-hub-signature-256"], expected)


@pytest.fixture
def webhook(graph: RunningServer, receiver: Receiver) -> Receiver:
    control(graph, "config", {"webhook_url": receiver.url})
    return receiver


def test_the_citizen_writes_and_the_webhook_gets_a_signed_notification(graph, webhook) -> None:
    result = control(
        graph,
        "simulate",
        {"from": SITI, "phone_number_id": OFFICE, "name": "Siti", "text": "Mau buat akta"},
    )
    assert result["webhook"] == {"status": 200, "body": "OK"}

    received = webhook.next()
    assert received.method == "POST" and received.path == "/whatsapp/webhook/"
    assert received.headers["content-type"] == "application/json"
    assert signed_by_app_secret(received)
    payload = json.loads(received.body)
    assert payload["object"] == "whatsapp_business_account"
    change = payload["entry"][0]["changes"][0]
    assert change["field"] == "messages"
    value = change["value"]
    assert value["messaging_product"] == "whatsapp"
    assert value["metadata"]["phone_number_id"] == OFFICE
    assert value["contacts"] == [{"profile": {"name": "Siti"}, "wa_id": SITI}]
    (message,) = value["messages"]
    assert message["id"] == result["message_id"] and message["id"].startswith("wamid.")
    assert (message["from"], message["type"], message["text"]) == (
        SITI,
        "text",
        {"body": "Mau buat akta"},
    )
    assert message["timestamp"].isdigit()

    # Having written, the citizen can now be answered with free-form messages.
    assert transport.send_text(OFFICE, SITI, "Silakan kirim foto KK.").message_id


def test_a_tampered_body_no_longer_matches_its_signature(graph, webhook) -> None:
    control(graph, "simulate", {"from": SITI, "phone_number_id": OFFICE, "text": "halo"})
    received = webhook.next()
    received.body = received.body.replace(b"halo", b"HALO")
    assert not signed_by_app_secret(received)


def test_a_document_from_the_citizen_can_be_fetched_by_our_side(graph, webhook) -> None:
    scan = b"%PDF-1.4 surat keterangan lahir " * 1000
    result = control(
        graph,
        "simulate",
        {
            "from": SITI,
            "phone_number_id": OFFICE,
            "document": {
                "data_base64": base64.b64encode(scan).decode(),
                "mime_type": "application/pdf",
                "filename": "surat-lahir.pdf",
                "caption": "surat dari bidan",
            },
        },
    )
    message = json.loads(webhook.next().body)["entry"][0]["changes"][0]["value"]["messages"][0]
    document = message["document"]
    assert document["id"] == result["media_id"]
    assert (document["filename"], document["mime_type"], document["caption"]) == (
        "surat-lahir.pdf",
        "application/pdf",
        "surat dari bidan",
    )
    assert base64.b64decode(document["sha256"]) == hashlib.sha256(scan).digest()

    info = transport.media_info(document["id"])
    assert transport.download_media(info, max_bytes=10 * 1024 * 1024) == scan


def test_interactive_replies_are_notified_as_interactive_messages(graph, webhook) -> None:
    control(
        graph,
        "simulate",
        {
            "from": SITI,
            "phone_number_id": OFFICE,
            "button_reply": {"id": "layanan:akta", "title": "Akta kelahiran"},
            "context_id": "wamid.ASAL",
        },
    )
    message = json.loads(webhook.next().body)["entry"][0]["changes"][0]["value"]["messages"][0]
    assert message["type"] == "interactive"
    assert message["interactive"] == {
        "type": "button_reply",
        "button_reply": {"id": "layanan:akta", "title": "Akta kelahiran"},
    }
    assert message["context"]["id"] == "wamid.ASAL"


def test_status_notifications_for_a_sent_message(graph, webhook) -> None:
    sent = transport.send_template(OFFICE, SITI, "akta_selesai")
    for status in ("sent", "delivered", "read"):
        control(graph, "status", {"id": sent.message_id, "status": status})
        received = webhook.next()
        assert signed_by_app_secret(received)
        (report,) = json.loads(received.body)["entry"][0]["changes"][0]["value"]["statuses"]
        assert (report["id"], report["status"], report["recipient_id"]) == (
            sent.message_id,
            status,
            SITI,
        )
        assert "errors" not in report
    control(graph, "status", {"id": sent.message_id, "status": "failed", "error_code": 131026})
    (report,) = json.loads(webhook.next().body)["entry"][0]["changes"][0]["value"]["statuses"]
    assert report["status"] == "failed"
    assert report["errors"][0]["code"] == 131026
    assert control_get(graph, "messages", to=SITI)[0]["status"] == "failed"


def test_errors_can_come_as_failed_statuses_as_the_cloud_api_often_does(graph, webhook) -> None:
    control(graph, "config", {"errors_via": "webhook"})
    result = transport.send_text(OFFICE, SITI, "Halo")  # accepted although outside the window
    (report,) = json.loads(webhook.next().body)["entry"][0]["changes"][0]["value"]["statuses"]
    assert (report["id"], report["status"]) == (result.message_id, "failed")
    assert report["errors"][0]["code"] == 131047
    assert report["errors"][0]["title"] == "Re-engagement message"
    error = transport.status_error(report["errors"][0])  # reads like a refused call
    assert (error.code, error.retryable) == (131047, False)
    assert error.reason == "Di luar jendela 24 jam: gunakan pesan templat"


def test_accepted_messages_can_report_sent_and_delivered_by_themselves(graph, webhook) -> None:
    control(graph, "config", {"auto_statuses": True})
    result = transport.send_template(OFFICE, SITI, "akta_selesai")
    statuses = []
    for _ in range(2):
        value = json.loads(webhook.next().body)["entry"][0]["changes"][0]["value"]
        statuses += [(s["id"], s["status"]) for s in value["statuses"]]
    assert statuses == [(result.message_id, "sent"), (result.message_id, "delivered")]


def test_a_send_s_callback_data_comes_back_in_each_of_its_statuses(graph, webhook) -> None:
    control(graph, "config", {"auto_statuses": True})
    result = transport.send_template(OFFICE, SITI, "akta_selesai", callback_data="alur-outbox:7:1")
    echoed = []
    for _ in range(2):
        value = json.loads(webhook.next().body)["entry"][0]["changes"][0]["value"]
        echoed += [(s["status"], s["biz_opaque_callback_data"]) for s in value["statuses"]]
    assert echoed == [("sent", "alur-outbox:7:1"), ("delivered", "alur-outbox:7:1")]
    control(graph, "status", {"id": result.message_id, "status": "read"})
    (report,) = json.loads(webhook.next().body)["entry"][0]["changes"][0]["value"]["statuses"]
    assert report["biz_opaque_callback_data"] == "alur-outbox:7:1"
    too_long = {
        "messaging_product": "whatsapp",
        "to": SITI,
        "type": "template",
        "template": {"name": "akta_selesai", "language": {"code": "id"}},
        "biz_opaque_callback_data": "x" * 513,
    }
    refused = api(graph, "POST", f"/{OFFICE}/messages", json=too_long)
    assert refused.status_code == 400
    assert "biz_opaque_callback_data" in error_of(refused)["error_data"]["details"]


def test_simulating_without_a_webhook_or_to_a_dead_one_says_so(graph) -> None:
    body = {"from": SITI, "phone_number_id": OFFICE, "text": "halo"}
    assert http.post(graph.control("simulate"), json=body).status_code == 409
    control(graph, "config", {"webhook_url": "http://127.0.0.1:9/mati/"})
    response = http.post(graph.control("simulate"), json=body)
    assert response.status_code == 502 and "could not be reached" in response.json()["error"]
    assert "error" in control_get(graph, "webhooks")[-1]


def test_the_subscription_check_is_echoed_by_the_webhook(graph, webhook) -> None:
    assert control(graph, "verify_webhook", {"verify_token": VERIFY_TOKEN})["verified"] is True
    assert control(graph, "verify_webhook", {"verify_token": "salah"})["verified"] is False
    received = webhook.next()
    assert received.method == "GET" and received.query["hub.mode"] == "subscribe"


def test_the_messages_endpoint_checks_token_and_body_as_the_graph_api_does(graph) -> None:
    ok = {"messaging_product": "whatsapp", "to": SITI, "type": "template"}
    ok["template"] = {"name": "akta_selesai", "language": {"code": "id"}}

    missing = api(graph, "POST", f"/{OFFICE}/messages", json=ok, headers={})
    assert missing.status_code == 401 and error_of(missing)["code"] == 190
    assert missing.headers["www-authenticate"].startswith("OAuth")
    wrong = api(
        graph, "POST", f"/{OFFICE}/messages", json=ok, headers={"Authorization": "Bearer x"}
    )
    assert wrong.status_code == 401 and error_of(wrong)["type"] == "OAuthException"

    bad_bodies = [
        {**ok, "messaging_product": "sms"},
        {**ok, "to": "bukan nomor"},
        {**ok, "type": "fax"},
        {**ok, "template": {"name": "akta_selesai"}},
        {"messaging_product": "whatsapp", "to": SITI, "type": "image", "image": {"id": "404"}},
    ]
    for body in bad_bodies:
        response = api(graph, "POST", f"/{OFFICE}/messages", json=body)
        assert response.status_code == 400, body
        error = error_of(response)
        assert error["code"] == 100 and error["message"] == "(#100) Invalid parameter"
        assert error["error_data"]["messaging_product"] == "whatsapp"
        assert error["fbtrace_id"]
    garbled = api(graph, "POST", f"/{OFFICE}/messages", content=b"{not json")
    assert error_of(garbled)["code"] == 100

    audio = {"messaging_product": "whatsapp", "to": SITI, "type": "audio", "audio": {"id": "1"}}
    assert error_of(api(graph, "POST", f"/{OFFICE}/messages", json=audio))["code"] == 131051

    accepted = api(graph, "POST", f"/{OFFICE}/messages", json=ok).json()
    assert accepted["messaging_product"] == "whatsapp"
    assert accepted["contacts"] == [{"input": SITI, "wa_id": SITI}]
    assert accepted["messages"][0]["message_status"] == "accepted"

    read = {"messaging_product": "whatsapp", "status": "read", "message_id": "wamid.X"}
    assert api(graph, "POST", f"/{OFFICE}/messages", json=read).json() == {"success": True}


def test_unknown_objects_and_paths_answer_like_the_graph_api(graph) -> None:
    for method, path in [("GET", "/123456"), ("POST", "/123/photos"), ("DELETE", "/999")]:
        response = api(graph, method, path)
        assert response.status_code == 400
        error = error_of(response)
        assert (error["code"], error["error_subcode"]) == (100, 33)
        assert error["type"] == "GraphMethodException"


def test_uploads_are_checked_for_type_and_product(graph) -> None:
    def upload(mime_type: str, product: str = "whatsapp") -> httpx.Response:
        return api(
            graph,
            "POST",
            f"/{OFFICE}/media",
            data={"messaging_product": product, "type": mime_type},
            files={"file": ("x.bin", b"\x00\r\n\r\n--\r\x01" * 50, mime_type)},
        )

    assert error_of(upload("application/x-msdownload"))["code"] == 131053
    assert error_of(upload("image/png", product="telegram"))["code"] == 100
    media_id = upload("image/png").json()["id"]
    assert media_id.isdigit()
    info = api(graph, "GET", f"/{media_id}").json()
    assert info["sha256"] == hashlib.sha256(b"\x00\r\n\r\n--\r\x01" * 50).hexdigest()
    assert (info["file_size"], info["mime_type"], info["id"]) == (450, "image/png", media_id)
    forged = http.get(
        f"{graph.root_url}/whatsapp_business/attachments/",
        params={"mid": media_id, "ext": "9999999999", "hash": "0" * 32},
        headers=AUTH,
    )
    assert forged.status_code == 404


def test_download_urls_need_the_token(graph) -> None:
    media_id = transport.upload_media(OFFICE, b"\x89PNG foto", "image/png", "foto.png")
    url = transport.media_info(media_id).url
    assert http.get(url).status_code == 401
    assert http.get(url, headers=AUTH).content == b"\x89PNG foto"


def test_a_fault_with_a_count_is_used_up_and_faults_can_be_listed_and_cleared(graph) -> None:
    control(graph, "faults", {"mode": "http_status", "status": 429, "count": 3})
    control(graph, "faults", {"mode": "error_code", "code": 131047, "endpoint": "media"})
    assert len(control_get(graph, "faults")) == 2
    info = {"messaging_product": "whatsapp", "to": SITI, "type": "template"}
    info["template"] = {"name": "a", "language": {"code": "id"}}
    statuses = [api(graph, "POST", f"/{OFFICE}/messages", json=info).status_code for _ in range(4)]
    assert statuses == [429, 429, 429, 200]
    assert [r["status"] for r in control_get(graph, "requests")] == statuses
    control(graph, "faults", method="DELETE")
    assert control_get(graph, "faults") == []
    for bad in ({"mode": "meteor"}, {"mode": "delay"}, {"mode": "http_status", "status": 200}):
        assert http.post(graph.control("faults"), json=bad).status_code == 400


def test_the_command_line_starts_a_server_that_answers() -> None:
    process = subprocess.Popen(
        [sys.executable, "-m", "peers.graph_api", "--port", "0", "--quiet"],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        line = process.stdout.readline() if process.stdout else ""
        assert line.startswith("Local Graph API at http://127.0.0.1:")
        base_url = line.split(" at ")[1].strip()
        assert base_url.endswith("/v26.0")
        root = base_url.removesuffix("/v26.0")
        assert http.get(f"{root}/_control/health").json() == {"ok": True}
    finally:
        process.terminate()
        process.wait(timeout=5)


def test_the_server_binds_to_loopback_only() -> None:
    with pytest.raises(ValueError, match="loopback"):
        start_server(host="192.168.1.10")


def test_message_ids_look_like_meta_s_and_carry_the_number() -> None:
    message_id = payloads.new_message_id(SITI)
    assert message_id.startswith("wamid.HBg")
    assert SITI.encode() in base64.b64decode(message_id.removeprefix("wamid."))
    assert message_id != payloads.new_message_id(SITI)
    with pytest.raises(ValueError):
        payloads.status_notification(
            phone_number_id=OFFICE,
            display_phone_number="628117961700",
            message_id=message_id,
            recipient_id=SITI,
            status="terkirim",
        )


def test_our_webhook_accepts_what_the_server_sends(transactional_db, live_server, graph) -> None:
    """The signature and the payload are the ones Alur's webhook view verifies and reads."""
    from alur.whatsapp.models import InboundMessage, WebhookDelivery

    control(graph, "config", {"webhook_url": f"{live_server.url}/whatsapp/webhook/"})
    result = control(
        graph, "simulate", {"from": SITI, "phone_number_id": OFFICE, "text": "Mau buat akta"}
    )
    assert result["webhook"]["status"] == 200
    assert WebhookDelivery.objects.get().state == "processed"
    message = InboundMessage.objects.get(message_id=result["message_id"])
    assert (message.sender, message.kind, message.text) == (SITI, "text", "Mau buat akta")
