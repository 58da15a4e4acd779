"""`python -m peers.graph_api [--host 127.0.0.1] [--port 8765] [--webhook-url URL]`."""

from __future__ import annotations

import argparse
import os
from collections.abc import Sequence

from peers import serving
from peers.graph_api.server import (
    DEV_ACCESS_TOKEN,
    DEV_APP_SECRET,
    start_server,
)


def _display_number(value: str) -> tuple[str, str]:
    phone_number_id, separator, number = value.partition("=")
    if not separator or not phone_number_id or not number:
        raise argparse.ArgumentTypeError("use PHONE_NUMBER_ID=DISPLAY_NUMBER")
    return phone_number_id, number


def main(argv: Sequence[str] | None = None) -> None:
    parser = serving.peer_parser(
        "python -m peers.graph_api",
        "A local WhatsApp Cloud API server for development and tests.",
        port=8765,
    )
    parser.add_argument("--webhook-url", help="where to POST webhook notifications")
    parser.add_argument(
        "--app-secret",
        default=os.environ.get("WHATSAPP_APP_SECRET") or DEV_APP_SECRET,
        help="signs webhook notifications (default: $WHATSAPP_APP_SECRET or the dev secret)",
    )
    parser.add_argument(
        "--access-token",
        default=os.environ.get("WHATSAPP_ACCESS_TOKEN") or DEV_ACCESS_TOKEN,
        help="the bearer token the API accepts (default: $WHATSAPP_ACCESS_TOKEN or dev-token)",
    )
    parser.add_argument(
        "--errors-via",
        choices=("response", "webhook"),
        default="response",
        help="refuse undeliverable messages in the response, or accept and report 'failed'",
    )
    parser.add_argument(
        "--auto-statuses",
        action="store_true",
        help="send 'sent' and 'delivered' statuses for every accepted message",
    )
    parser.add_argument(
        "--display-number",
        action="append",
        type=_display_number,
        default=[],
        metavar="ID=NUMBER",
        help="display phone number of a phone_number_id in notifications (repeatable)",
    )
    args = parser.parse_args(argv)

    serving.configure_logging(args.quiet)
    running = start_server(
        args.port,
        webhook_url=args.webhook_url,
        app_secret=args.app_secret,
        access_token=args.access_token,
        host=args.host,
        errors_via=args.errors_via,
        auto_statuses=args.auto_statuses,
        display_numbers=dict(args.display_number),
    )
    print(f"Local Graph API at {running.base_url}", flush=True)
    print(f"Control endpoints at {running.root_url}/_control/", flush=True)
    if args.webhook_url:
        print(f"Webhook notifications go to {args.webhook_url}", flush=True)
    serving.serve_until_signal(running)


if __name__ == "__main__":
    main()
