"""A local WhatsApp Cloud API (Graph API) server: `python -m alur.whatsapp.graph_server`.

It speaks the real protocol for what Alur uses (messages, media, webhooks), can play the
citizen, and injects faults on request; see `server` for the endpoints. Standard library and
httpx only: it does not load Django.
"""

from alur.whatsapp.graph_server.server import API_VERSION, RunningServer, start_server
from alur.whatsapp.graph_server.state import GraphError, GraphState

__all__ = ["API_VERSION", "GraphError", "GraphState", "RunningServer", "start_server"]
