"""The provider's fixtures (the local Graph API server, a webhook receiver), and one signed text
delivered to the webhook."""

from __future__ import annotations

from typing import Any

from alur.whatsapp_cloud import payloads
from alur.whatsapp_cloud.tests.conftest import graph, graph_api, receiver  # noqa: F401


def webhook_text(client: Any, number: tuple[str, str], sender: str, text: str) -> None:
    """Post `text` from `sender` to the business `number` (phone number id, display number) as
    Meta delivers it, signed with the app secret; the webhook must take it (200)."""
    from django.conf import settings

    body = payloads.encode(
        payloads.message_notification(
            phone_number_id=number[0],
            display_phone_number=number[1],
            message=payloads.text_message(sender, text),
        )
    )
    header = payloads.signature_header(body, settings.WHATSAPP_APP_SECRET)
    response = client.post(
        "/whatsapp/webhook/",
        body,
        content_type="application/json",
        HTTP_X_HUB_SIGNATURE_256=header[payloads.SIGNATURE_HEADER],
    )
    assert response.status_code == 200
