"""A local WhatsApp Cloud API (Graph API) server: `python -m peers.graph_api`.

It speaks the real protocol for what Alur uses (messages, media, webhooks), can play the
citizen, and injects faults on request; see `server` for the endpoints. Standard library and
httpx only: it does not load Django and imports nothing of Alur. Meta's notification shapes
are its own (`payloads`); `tests/test_payloads.py` keeps them alike with the product's copy
(`alur.whatsapp_cloud.payloads`), from which the webhook's tests build what it receives.
"""

from peers.graph_api.server import API_VERSION, RunningServer, start_server
from peers.graph_api.state import GraphError, GraphState

__all__ = ["API_VERSION", "GraphError", "GraphState", "RunningServer", "start_server"]
