"""The peer speaks the protocol on its own: it imports nothing of Alur, and its copy of Meta's
notification shapes matches the product's (`alur.whatsapp_cloud.payloads`)."""

import json
import subprocess
import sys

from alur.whatsapp_cloud import payloads as product
from peers.graph_api import payloads as peer

AT = 1_760_000_000.0
CITIZEN = "6281234567890"


def without_ids(payload: dict) -> dict:
    """The notification with its random message id blanked."""
    value = payload["entry"][0]["changes"][0]["value"]
    for message in value.get("messages", []):
        message["id"] = "wamid.X"
    return payload


def test_the_peer_loads_without_alur() -> None:
    code = (
        "import sys, peers.graph_api; "
        "loaded = [m for m in sys.modules if m == 'alur' or m.startswith('alur.')]; "
        "print(loaded); sys.exit(1 if loaded else 0)"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_both_copies_build_the_same_notifications_and_signature() -> None:
    for build in ("text_message", "button_reply_message"):
        arguments: dict = {"at": AT}
        if build == "text_message":
            shaped = [
                getattr(m, build)(CITIZEN, "Siti Aminah", **arguments) for m in (peer, product)
            ]
        else:
            shaped = [
                getattr(m, build)(CITIZEN, reply_id="YA", title="Ya", **arguments)
                for m in (peer, product)
            ]
        notes = [
            without_ids(
                m.message_notification(
                    phone_number_id="108117961700",
                    display_phone_number="628117961700",
                    message=message,
                )
            )
            for m, message in zip((peer, product), shaped, strict=True)
        ]
        assert notes[0] == notes[1]
    status = [
        m.status_notification(
            phone_number_id="1",
            display_phone_number="62",
            message_id="wamid.A",
            recipient_id=CITIZEN,
            status="failed",
            errors=[{"code": 131047}],
            at=AT,
            callback_data="alur-outbox:1:1",
        )
        for m in (peer, product)
    ]
    assert status[0] == status[1]
    body = peer.encode(status[0])
    assert body == product.encode(status[1])
    assert peer.signature_header(body, "s") == product.signature_header(body, "s")


def test_reactions_edits_and_deletions_have_the_cloud_api_shape() -> None:
    reaction = peer.reaction_message(CITIZEN, message_id="wamid.OUT", emoji="👍", at=AT)
    assert reaction["type"] == "reaction"
    assert reaction["reaction"] == {"message_id": "wamid.OUT", "emoji": "👍"}
    removed = peer.reaction_message(CITIZEN, message_id="wamid.OUT", emoji=None)
    assert removed["reaction"] == {"message_id": "wamid.OUT"}
    edit = peer.edit_message(CITIZEN, original_message_id="wamid.IN", body="Siti Aminah")
    assert edit["type"] == "edit"
    assert edit["edit"]["original_message_id"] == "wamid.IN"
    assert edit["edit"]["message"] == {"type": "text", "text": {"body": "Siti Aminah"}}
    revoke = peer.revoke_message(CITIZEN, original_message_id="wamid.IN")
    assert revoke["type"] == "revoke" and revoke["revoke"] == {"original_message_id": "wamid.IN"}
    unsupported = peer.unsupported_message(CITIZEN, what="edit")
    assert unsupported["type"] == "unsupported" and unsupported["unsupported"] == {"type": "edit"}
    assert unsupported["errors"][0]["code"] == 131051


def test_the_simulator_sends_a_reaction_an_edit_and_a_deletion_in_the_real_shape(
    graph, receiver
) -> None:
    from alur.whatsapp_cloud.tests.conftest import control

    control(graph, "config", {"webhook_url": receiver.url})
    office = "108117961700"
    sent = control(graph, "simulate", {"from": CITIZEN, "phone_number_id": office, "text": "x"})
    original = sent["message_id"]
    receiver.next()
    shapes = {
        "reaction": ({"message_id": "wamid.OUT", "emoji": "👍"}, {"message_id": "wamid.OUT"}),
        "edit": (
            {"original_message_id": original, "text": "Siti"},
            {"original_message_id": original},
        ),
        "revoke": ({"original_message_id": original}, {"original_message_id": original}),
    }
    for kind, (given, expected) in shapes.items():
        result = control(
            graph, "simulate", {"from": CITIZEN, "phone_number_id": office, kind: given}
        )
        assert result["webhook"]["status"] == 200
        posted = json.loads(receiver.next().body)
        (message,) = posted["entry"][0]["changes"][0]["value"]["messages"]
        assert message["type"] == kind and message["from"] == CITIZEN
        assert expected.items() <= message[kind].items()
    assert message["revoke"] == {"original_message_id": original}
    unsupported = control(
        graph, "simulate", {"from": CITIZEN, "phone_number_id": office, "unsupported": "edit"}
    )
    (message,) = unsupported["payload"]["entry"][0]["changes"][0]["value"]["messages"]
    assert message["unsupported"] == {"type": "edit"} and message["errors"][0]["code"] == 131051
