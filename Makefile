# Alur: `make run` sets up and serves the demo; `make test` runs every check CI runs.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000
GRAPH_PORT ?= 8765
SIAK_PORT ?= 8767
BSRE_PORT ?= 8766
# make run: identity checks and the register of record against the local SIAK/Dukcapil server,
# every TTE through the local BSrE server (TTE_BACKEND=local signs with Alur's own certificates).
NATIONAL = IDENTITY_BACKEND=webservice REGISTRY_BACKEND=siak SIAK_URL=http://127.0.0.1:$(SIAK_PORT) \
	DUKCAPIL_WS_URL=http://127.0.0.1:$(SIAK_PORT)/dukcapil/get_json/ALUR_DEMO/CALL_VERIFY_BY_ELEMEN \
	TTE_BACKEND=$(TTE_BACKEND) BSRE_BASE_URL=http://127.0.0.1:$(BSRE_PORT)
TTE_BACKEND ?= bsre
# The local Graph API server, and the address links in messages (staff digests, survey links) name.
SERVED = WHATSAPP_API_BASE=http://127.0.0.1:$(GRAPH_PORT)/v26.0 \
	PUBLIC_URL=$${PUBLIC_URL:-http://$(HOST):$(PORT)}
ROOT := $(shell [ "$$(id -u)" = 0 ] && echo yes)

# The journeys: each SOP walked from its start to its end on a 390-px phone (journeys/).
journeys: $(VENV)/.dev system-deps browser-deps
	$(BIN)/pytest journeys $(PYTEST_ARGS)

.PHONY: run test journeys lint bench faults hostile system-deps browser-deps clean backup-check

$(BIN)/python:
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' \
		|| { echo "Alur needs Python 3.11 or newer ($(PYTHON) is older)."; exit 1; }
	@$(PYTHON) -m venv $(VENV) 2>/dev/null || { \
		[ -n "$(ROOT)" ] && apt-get update -qq && apt-get install -y -qq python3-venv >/dev/null \
		&& $(PYTHON) -m venv $(VENV); } \
		|| { echo "Cannot create a virtualenv: install python3-venv."; exit 1; }
	$(BIN)/python -m pip install -q --upgrade pip

$(VENV)/.base: requirements/base.txt | $(BIN)/python
	$(BIN)/pip install -q --require-hashes -r requirements/base.txt
	@touch $@

$(VENV)/.dev: requirements/dev.txt | $(BIN)/python
	$(BIN)/pip install -q --require-hashes -r requirements/dev.txt
	@touch $@ $(VENV)/.base

# Debian libraries WeasyPrint needs (pango) and poppler-utils (pdfsig, pdftoppm).
system-deps:
	@if ! ldconfig -p | grep -q libpango-1.0 || ! command -v pdftoppm >/dev/null; then \
		if [ -n "$(ROOT)" ]; then \
			apt-get update -qq && apt-get install -y -qq libpango-1.0-0 libpangoft2-1.0-0 \
				libharfbuzz-subset0 poppler-utils >/dev/null; \
		else echo "Install libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 poppler-utils."; fi; \
	fi

# Debian's chromium for the browser tests (Playwright drives it; no browser download).
browser-deps:
	@if ! command -v chromium >/dev/null; then \
		if [ -n "$(ROOT)" ]; then apt-get update -qq && apt-get install -y -qq chromium >/dev/null; \
		else echo "chromium is missing and this user cannot install it: browser tests will be skipped."; fi; \
	fi

run: $(VENV)/.base system-deps
	$(BIN)/python manage.py migrate --noinput -v0
	$(BIN)/python manage.py load_demo
	$(BIN)/python manage.py load_demo_residents -v0
	$(BIN)/python manage.py load_demo_waiting
	$(BIN)/python manage.py load_demo_reports --periode -v0
	$(BIN)/python manage.py tte_dev_setup -v0
	$(BIN)/python manage.py siak_export_residents -v0
	@echo "Alur berjalan di http://$(HOST):$(PORT)/  (Ctrl+C untuk berhenti)"
	@echo "WhatsApp lokal: $(BIN)/python manage.py whatsapp_simulate --number 08117961700"
	@trap 'kill 0' INT TERM EXIT; \
		$(BIN)/python -m peers.graph_api --port $(GRAPH_PORT) --quiet \
			--webhook-url http://$(HOST):$(PORT)/whatsapp/webhook/ & \
		$(BIN)/python -m peers.siak --port $(SIAK_PORT) --quiet --residents var/siak_residents.json \
			--bsre-url http://127.0.0.1:$(BSRE_PORT) --bsre-user $${BSRE_USERNAME:-esign} \
			--bsre-password $${BSRE_PASSWORD:-dev-esign-password} & \
		$(BIN)/python -m peers.bsre --port $(BSRE_PORT) --quiet --users var/bsre_users.json & \
		$(NATIONAL) $(SERVED) \
			$(BIN)/python manage.py whatsapp_templates_sync --wait 30 & \
		$(NATIONAL) $(SERVED) \
			$(BIN)/python manage.py run_huey --workers 2 --flush-locks --delay 0.2 --max-delay 1 & \
		$(NATIONAL) $(SERVED) \
			$(BIN)/python manage.py runserver $(HOST):$(PORT)

# mypy over alur/ (settings in pyproject.toml); its cache in .mypy_cache makes a rerun fast.
# After a models module is moved or removed, the Django plugin can read stale relations from
# that cache: `rm -rf .mypy_cache` (CI starts without one).
lint: $(VENV)/.dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

test: $(VENV)/.dev system-deps browser-deps lint
	$(BIN)/python manage.py check --fail-level WARNING
	$(BIN)/python manage.py makemigrations --check --dry-run
	$(BIN)/python manage.py validate_sops
	$(BIN)/pytest $(PYTEST_ARGS)

# The benchmarks run against the local PostgreSQL and Redis, and load the server with wrk.
bench: $(VENV)/.dev system-deps
	@command -v wrk >/dev/null || { [ -n "$(ROOT)" ] && apt-get update -qq && \
		apt-get install -y -qq wrk >/dev/null; } || echo "Install wrk for bench/webhook.py."
	$(BIN)/python bench/run.py

backup-check: $(VENV)/.dev
	$(BIN)/python ops/backup_check.py

# The fault scripts: outage, killed worker, PostgreSQL restart (restarts the local cluster!), replays.
faults: $(VENV)/.dev system-deps
	$(BIN)/python faults/run.py

# The hostile walks (strangers and every post of one office), uploads, hostile input, approved data,
# sessions/CSRF/headers, rate limits, production start, the audit trail and the schema fuzz
# (docs/security.md).
HOSTILE := alur/front/tests/test_hostile_walk.py alur/front/tests/test_need_to_know_walk.py \
	alur/core/tests/test_hostile_uploads.py \
	alur/core/tests/test_security.py alur/core/tests/test_openapi_fuzz.py \
	alur/front/tests/test_login.py alur/intake/tests/test_tracking.py \
	alur/complaints/tests/test_web.py alur/outreach/tests/test_web.py \
	alur/letters/tests/test_verification.py alur/core/tests/test_ratelimit.py \
	alur/core/tests/test_env.py alur/core/tests/test_validators.py \
	alur/core/tests/test_ascii_digits.py alur/intake/tests/test_hostile_input.py \
	alur/complaints/tests/test_hostile_input.py alur/whatsapp/tests/test_hostile_input.py \
	alur/outreach/tests/test_hostile_input.py alur/whatsapp/tests/test_webhook_items.py \
	alur/documents/tests/test_no_server_error.py alur/documents/tests/test_names.py \
	alur/documents/tests/test_workbook_cells.py alur/letters/tests/test_agenda_cells.py \
	alur/documents/tests/test_frozen.py alur/workflow/tests/test_need_to_know.py \
	alur/org/tests/test_need_to_know.py alur/letters/tests/test_archive_need_to_know.py \
	alur/outreach/tests/test_need_to_know.py alur/documents/tests/test_need_to_know.py \
	alur/audit/tests/test_forgery.py alur/audit/tests/test_admin_audit.py
hostile: $(VENV)/.dev system-deps
	FUZZ_EXAMPLES=100 $(BIN)/pytest -p no:cacheprovider -v $(HOSTILE)

clean:
	rm -rf $(VENV) var .pytest_cache .ruff_cache .mypy_cache .hypothesis
