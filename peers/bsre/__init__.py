"""A local BSrE esign client service: `python -m peers.bsre`.

It speaks the protocol regional systems use to sign PDFs through BSrE (v1 multipart and v2
JSON; PROTOCOL.md), signs with pyHanko under its own development CA, and injects faults on
request; see `server` for the endpoints. It does not import Alur or load Django.
"""

from peers.bsre.server import DEV_PASSWORD, DEV_USERNAME, RunningServer, start_server

__all__ = ["DEV_PASSWORD", "DEV_USERNAME", "RunningServer", "start_server"]
