"""`python -m peers.bsre [--port 8766] [--users FILE] [--state-dir var/bsre] [--quiet]`."""

from __future__ import annotations

import argparse
import logging
import os
import signal
import threading
from collections.abc import Sequence
from typing import Any

from peers.bsre.server import (
    DEFAULT_STATE_DIR,
    DEV_PASSWORD,
    DEV_USERNAME,
    LOOPBACK,
    start_server,
)


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        prog="python -m peers.bsre",
        description="A local BSrE esign client service for development and tests.",
    )
    parser.add_argument("--host", default="127.0.0.1", choices=LOOPBACK)
    parser.add_argument("--port", type=int, default=8766, help="0 picks a free port")
    parser.add_argument(
        "--users",
        help="JSON list of signers {nik, name, nip, email, passphrase, state}; "
        "may be missing (no signers until it exists and /_peer/reset is called)",
    )
    parser.add_argument(
        "--state-dir",
        default=str(DEFAULT_STATE_DIR),
        help="where the development CA and the signers' certificates are kept",
    )
    parser.add_argument(
        "--username",
        default=os.environ.get("BSRE_USERNAME") or DEV_USERNAME,
        help="HTTP Basic user the API accepts (default: $BSRE_USERNAME or esign)",
    )
    parser.add_argument(
        "--password",
        default=os.environ.get("BSRE_PASSWORD") or DEV_PASSWORD,
        help="HTTP Basic password (default: $BSRE_PASSWORD or the dev password)",
    )
    parser.add_argument("--quiet", action="store_true", help="do not log every request")
    args = parser.parse_args(argv)

    logging.basicConfig(
        level=logging.WARNING if args.quiet else logging.INFO,
        format="%(asctime)s %(name)s %(message)s",
    )
    running = start_server(
        args.port,
        users_file=args.users,
        state_dir=args.state_dir,
        username=args.username,
        password=args.password,
        host=args.host,
    )
    with running.state.lock:
        count = len(running.state.users)
    print(f"Local BSrE at {running.base_url} ({count} signers)", flush=True)
    print(f"Control endpoints at {running.base_url}/_peer/", flush=True)

    stop = threading.Event()

    def on_signal(signum: int, frame: Any) -> None:
        stop.set()

    signal.signal(signal.SIGINT, on_signal)
    signal.signal(signal.SIGTERM, on_signal)
    stop.wait()
    running.stop()


if __name__ == "__main__":
    main()
