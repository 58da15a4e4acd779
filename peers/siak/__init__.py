"""A local SIAK/Dukcapil server: `python -m peers.siak`.

It speaks the Dukcapil data-access verification web service (CALL_VERIFY_BY_ELEMEN) with partner
users, a resident seed and faults on demand, and plays SIAK's print for the demo and the tests:
an operator enters a KK, an akta or a NIK and gets the number SIAK issues and the PDF it
prints, signed by the Kadis through BSrE (`--bsre-url`) or else by the server's own development
key. See PROTOCOL.md. aiohttp, httpx, pyHanko and reportlab only: it does not import alur.
"""

from peers.siak.server import RunningServer, start_server
from peers.siak.state import DEV_PASSWORD, DEV_USER_ID, SiakState, load_residents
from peers.siak.tte import BsreAccess

__all__ = [
    "DEV_PASSWORD",
    "DEV_USER_ID",
    "BsreAccess",
    "RunningServer",
    "SiakState",
    "load_residents",
    "start_server",
]
