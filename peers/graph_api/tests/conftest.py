"""The server under test, the transport pointed at it and a webhook receiver: the same fixtures
the WhatsApp app's tests use."""

from alur.whatsapp_cloud.tests.conftest import graph, graph_api, receiver  # noqa: F401
