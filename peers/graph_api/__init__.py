"""A local WhatsApp Cloud API (Graph API) server: `python -m peers.graph_api`.

It speaks the real protocol for what Alur uses (messages, media, webhooks), can play the
citizen, and injects faults on request; see `server` for the endpoints. Standard library and
httpx only: it does not load Django.

One product module is still imported: `alur.whatsapp_cloud.payloads` (with
`alur.whatsapp_cloud.signature`), the webhook notification shapes and their signature, standard
library only. The webhook's tests build what it receives from the same module, so there is one
copy of Meta's shapes; this package needs the `alur` package importable (not Django).
"""

from peers.graph_api.server import API_VERSION, RunningServer, start_server
from peers.graph_api.state import GraphError, GraphState

__all__ = ["API_VERSION", "GraphError", "GraphState", "RunningServer", "start_server"]
