"""`python -m peers.bsre [--port 8766] [--users FILE] [--state-dir var/bsre] [--quiet]`."""

from __future__ import annotations

import os
from collections.abc import Sequence

from peers import serving
from peers.bsre.server import (
    DEFAULT_STATE_DIR,
    DEV_PASSWORD,
    DEV_USERNAME,
    start_server,
)


def main(argv: Sequence[str] | None = None) -> None:
    parser = serving.peer_parser(
        "python -m peers.bsre",
        "A local BSrE esign client service for development and tests.",
        port=8766,
    )
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
    args = parser.parse_args(argv)

    serving.configure_logging(args.quiet)
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
    serving.serve_until_signal(running)


if __name__ == "__main__":
    main()
