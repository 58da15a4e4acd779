"""Local stand-ins for the outside systems Alur talks to, for development, tests and faults.

One package per peer, each runnable with `python -m peers.<name>`: `graph_api` (Meta's WhatsApp
Cloud API), `bsre` (BSrE's esign client service, for TTE). None of them is part of the product.
"""
