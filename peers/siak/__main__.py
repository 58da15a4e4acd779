"""`python -m peers.siak [--port 8767] [--residents var/siak_residents.json] [--quiet]
[--bsre-url http://127.0.0.1:8766 --bsre-user esign --bsre-password ...]`."""

from __future__ import annotations

import os
from collections.abc import Sequence

from peers import serving
from peers.siak.server import start_server
from peers.siak.state import load_residents
from peers.siak.tte import BsreAccess


def main(argv: Sequence[str] | None = None) -> None:
    parser = serving.peer_parser(
        "python -m peers.siak",
        "A local SIAK/Dukcapil server (verification web service and SIAK's print).",
        port=8767,
    )
    parser.add_argument(
        "--residents",
        help="JSON list of residents the verification service knows (a missing file: none)",
    )
    parser.add_argument(
        "--bsre-url",
        help="the BSrE esign client service the Kadis signs through (without it: SIAK's own key)",
    )
    parser.add_argument(
        "--bsre-user",
        default=os.environ.get("BSRE_USERNAME") or "esign",
        help="SIAK's service account at BSrE (default: $BSRE_USERNAME or esign)",
    )
    parser.add_argument(
        "--bsre-password",
        default=os.environ.get("BSRE_PASSWORD") or "dev-esign-password",
        help="its password (default: $BSRE_PASSWORD or the development password)",
    )
    args = parser.parse_args(argv)

    serving.configure_logging(args.quiet)
    residents = load_residents(args.residents)
    bsre = BsreAccess(args.bsre_url, args.bsre_user, args.bsre_password) if args.bsre_url else None
    running = start_server(args.port, residents=residents, host=args.host, bsre=bsre)
    print(f"Local SIAK at {running.root_url}/_siak/ ({len(residents)} penduduk)", flush=True)
    if bsre is not None:
        print(f"TTE Kepala Dinas through BSrE at {bsre.url}", flush=True)
    print(f"Dukcapil verification at {running.verify_url}", flush=True)
    serving.serve_until_signal(running)


if __name__ == "__main__":
    main()
