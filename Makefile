# Run `make help` for the list of targets.
.DEFAULT_GOAL := help
SHELL := /bin/bash

UV := $(or $(shell command -v uv 2>/dev/null),$(CURDIR)/.tools/bin/uv)
VENV := .venv
PY := $(VENV)/bin/python
MANAGE := $(PY) manage.py
export UV_PYTHON ?= python3
# Every process the targets start (workers, web servers, the suite's own subprocesses)
# reads compiled modules: a Django process starts in about 3 s instead of 20 s of
# compiling when PYTHONDONTWRITEBYTECODE is set in the environment.
unexport PYTHONDONTWRITEBYTECODE

.PHONY: help run test test-cluster test-plugin test-fast lint fmt typecheck check audit migrate makemigrations shell worker beat demo messages openapi bench clean

help: ## Show this list
	@grep -hE '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-16s %s\n", $$1, $$2}'

$(CURDIR)/.tools/bin/uv:
	python3 -m venv .tools
	.tools/bin/pip install --quiet uv

$(VENV)/.synced: uv.lock pyproject.toml | $(UV)
	$(UV) sync --frozen --quiet --compile-bytecode
	@touch $@

venv: $(VENV)/.synced ## Create .venv and install the locked dependencies

run: venv ## Prepare the demo site and serve web + worker + beat on http://127.0.0.1:$${PORT:-8000}
	$(PY) scripts/run.py

test: venv ## Deploy checks, dependency audit, lint and types, the whole suite, then the plugin's own test project
	scripts/services.sh
	$(MAKE) --no-print-directory check audit lint
	$(VENV)/bin/pytest $(PYTEST_ARGS)
	$(MAKE) --no-print-directory test-plugin
	$(MAKE) --no-print-directory test-cluster

test-cluster: venv ## The multi-host test: ten network namespaces, faults under load (root; docs/operations.md)
	CLUSTER_TEST=1 $(VENV)/bin/pytest tests/cluster $(CLUSTER_PYTEST_ARGS)

test-plugin: venv ## The plugin installed in a project of its own (tests/plugin_project), not cms/
	scripts/services.sh
	$(VENV)/bin/pytest --ds tests.plugin_project.settings tests/plugin_project

test-fast: venv ## Pure unit tests only (no database, no services)
	$(VENV)/bin/pytest tests/unit -p no:django

lint: venv ## ruff check, ruff format --check, mypy and the import-circle check
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy
	for package in membership_forms tasks cms; do $(PY) scripts/import_cycles.py $$package || exit 1; done

fmt: venv ## Format the code and fix what ruff can
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

# What a production deploy sets, with placeholder values where none is set here: the
# checks read the settings, never use them.
CHECK_ENV := DJANGO_SETTINGS_MODULE=cms.settings.production \
	SECRET_KEY="$${SECRET_KEY:-$$($(PY) -c 'import secrets; print(secrets.token_urlsafe(50))')}" \
	ALLOWED_HOSTS="$${ALLOWED_HOSTS:-coalition.example.org}" \
	SITE_URL="$${SITE_URL:-https://coalition.example.org}" \
	TURNSTILE_SITE_KEY="$${TURNSTILE_SITE_KEY:-check-only-site-key}" \
	TURNSTILE_SECRET_KEY="$${TURNSTILE_SECRET_KEY:-check-only-secret-key}"

check: venv ## Django's system checks with production settings (--deploy); warnings fail
	env -u HTTPS -u DEBUG $(CHECK_ENV) $(MANAGE) check --deploy --fail-level WARNING

audit: venv ## Known vulnerabilities in uv.lock (uv audit; warns when the service is unreachable)
	UV=$(UV) scripts/audit.sh

migrate: venv ## Apply migrations to the local database
	$(MANAGE) migrate

makemigrations: venv ## Write migrations for model changes
	$(MANAGE) makemigrations

shell: venv ## A Django shell on the local database
	$(MANAGE) shell

worker: venv ## A Celery worker alone (REDIS_URL must answer)
	$(VENV)/bin/celery -A tasks worker --loglevel INFO

beat: venv ## Celery beat alone
	$(VENV)/bin/celery -A tasks beat --loglevel INFO

demo: venv ## Load or refresh the demo content
	$(MANAGE) load_demo_content

LOCALES := -l fr -l es -l ar

messages: venv ## Extract and compile the interface translations: the site's, then the plugin's
	$(MANAGE) makemessages $(LOCALES) --no-obsolete --ignore=.venv --ignore=.tools --ignore=bench \
		--ignore=tests --ignore=var --ignore=static_collected --ignore=membership_forms
	cd membership_forms && $(CURDIR)/$(PY) $(CURDIR)/manage.py makemessages $(LOCALES) --no-obsolete
	$(MANAGE) compilemessages --ignore=.venv --ignore=.tools

openapi: venv ## Refresh the API's snapshot, docs/api/openapi.json (breaking changes: docs/api.md)
	$(PY) scripts/openapi.py write

bench: venv ## Run the benchmarks (see bench/README.md)
	scripts/services.sh
	for script in bench/*.py; do $(PY) $$script || exit 1; done

clean: ## Remove the environment and local state (database, uploads, caught mail)
	rm -rf $(VENV) var static_collected .tools tests/clients/ts/node_modules
