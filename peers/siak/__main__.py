"""`python -m peers.siak [--port 8767] [--residents var/siak_residents.json] [--quiet]`."""

from __future__ import annotations

import argparse
import logging
import signal
import threading
from collections.abc import Sequence
from typing import Any

from peers.siak.server import LOOPBACK, start_server
from peers.siak.state import load_residents


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        prog="python -m peers.siak",
        description="A local SIAK/Dukcapil server (verification web service and SIAK's print).",
    )
    parser.add_argument("--host", default="127.0.0.1", choices=LOOPBACK)
    parser.add_argument("--port", type=int, default=8767, help="0 picks a free port")
    parser.add_argument(
        "--residents",
        help="JSON list of residents the verification service knows (a missing file: none)",
    )
    parser.add_argument("--quiet", action="store_true", help="do not log every request")
    args = parser.parse_args(argv)

    logging.basicConfig(
        level=logging.WARNING if args.quiet else logging.INFO,
        format="%(asctime)s %(name)s %(message)s",
    )
    residents = load_residents(args.residents)
    running = start_server(args.port, residents=residents, host=args.host)
    print(f"Local SIAK at {running.root_url}/_siak/ ({len(residents)} penduduk)", flush=True)
    print(f"Dukcapil verification at {running.verify_url}", flush=True)

    stop = threading.Event()

    def on_signal(signum: int, frame: Any) -> None:
        stop.set()

    signal.signal(signal.SIGINT, on_signal)
    signal.signal(signal.SIGTERM, on_signal)
    stop.wait()
    running.stop()


if __name__ == "__main__":
    main()
