# Peacekeeper. A new user needs two commands: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
HOST_PORT ?= 127.0.0.1:8000

.PHONY: install install-dev run serve test lint format chromium vnu java lighthouse assets gettext db-stop db-status check-deploy backup restore bench messages

install: $(VENV)/.installed

$(VENV)/.installed: requirements.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.txt
	touch $@

install-dev: $(VENV)/.installed-dev

$(VENV)/.installed-dev: requirements-dev.txt $(VENV)/.installed
	$(PY) -m pip install --quiet -r requirements-dev.txt
	touch $@

# The background worker (imports) runs beside the web server and stops with it. `--no-reload`:
# the worker's reloader would outlive a kill; restart `make run` after changing a task's code.
STOP_WORKER_ON_EXIT = worker=$$!; trap 'kill $$worker 2>/dev/null; wait $$worker 2>/dev/null' EXIT INT TERM

# Serves on http://$(HOST_PORT) with demo data; uses the embedded PostgreSQL unless DATABASE_URL is set.
# config/run.py migrates, seeds, runs the server and the worker, and stops both (and so the embedded
# server) on Ctrl-C or SIGTERM; make passes a SIGTERM on to it. `make run HOST_PORT=0.0.0.0:8080`.
run: install
	$(PY) -m config.run $(HOST_PORT)

test: install-dev chromium vnu gettext
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports
	DJANGO_DEBUG=1 $(PY) manage.py makemigrations --check --dry-run
	$(MAKE) --no-print-directory check-deploy
	$(VENV)/bin/pytest

# The production settings must pass Django's deployment checklist with no warning.
check-deploy: install
	DJANGO_DEBUG=0 DJANGO_SECRET_KEY="$$($(PY) -c 'import secrets; print(secrets.token_urlsafe(50))')" \
		DJANGO_ALLOWED_HOSTS=peacekeeper.example.org $(PY) manage.py check --deploy --fail-level WARNING

# Production-style serving: hashed static files through WhiteNoise, gunicorn, and the background
# worker (`manage.py db_worker`; in production run it as a service of its own, see README). Needs
# DJANGO_SECRET_KEY and DJANGO_ALLOWED_HOSTS (and TLS in front: see README, Security).
serve: install
	$(PY) manage.py collectstatic --noinput -v0
	$(PY) manage.py migrate --noinput
	$(PY) manage.py db_worker --no-reload & $(STOP_WORKER_ON_EXIT); \
	$(VENV)/bin/gunicorn config.wsgi --workers $${WEB_CONCURRENCY:-4} --bind $${BIND:-127.0.0.1:8000} --access-logfile -

# A pg_dump custom-format file under backups/ (git-ignored, 0600); restore only into an empty database
# (any PostgreSQL 15 or newer, all or nothing). Encrypt copies before they leave the machine: README.
backup: install
	$(PY) -m config.backup dump

restore: install
	@test -n "$(FILE)" || { echo "Usage: make restore FILE=backups/peacekeeper-....dump" >&2; exit 2; }
	$(PY) -m config.backup restore "$(FILE)"

lint: install-dev
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports

format: install-dev
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

# A system package from Debian when it is missing and we are root (apt-get update only when the first try
# fails), else the command to run: $(call apt_install,shell test that it is there,package,what needs it).
define apt_install
	@if $(1); then :; \
	elif [ "$$(id -u)" = "0" ]; then \
		echo "Installing Debian's $(2) for $(3)..."; \
		DEBIAN_FRONTEND=noninteractive apt-get install -y -q $(2) >/dev/null || \
		{ apt-get update -q >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -q $(2) >/dev/null; }; \
	else \
		echo "Debian's $(2) is needed for $(3): run 'sudo apt-get install $(2)' and retry." >&2; exit 1; \
	fi
endef

# Browser tests drive Debian's Chromium.
chromium:
	$(call apt_install,[ -x /usr/bin/chromium ],chromium,the browser tests)

# The Nu Html Checker (vnu.jar, from the npm package vnu-jar, pinned by version and SHA-256, fetched
# with Python: no Node needed) for the HTML validity test, and a Java runtime to run it: Debian's
# headless JRE when missing and root, as for chromium. Java is checked first, so nothing is fetched
# for a run that cannot use it.
VNU_VERSION := 26.9.27
VNU_SHA256 := 5970d3ffca91a627cf0965e5d91bb2e4242307c29292998de0b419d6a901b2b7
VNU_JAR := .tools/vnu-$(VNU_VERSION)/vnu.jar
vnu: java $(VNU_JAR)

java:
	$(call apt_install,command -v java >/dev/null,default-jre-headless,the HTML validity test)

$(VNU_JAR): | java
	python3 -m config.fetch_tool vnu-jar $(VNU_VERSION) $(VNU_SHA256) package/build/dist/vnu.jar $(VNU_JAR)

# apt-get takes one lock: the system packages are installed one after the other under make -j (make
# before 4.4 then runs the whole invocation serially).
.NOTPARALLEL: chromium java gettext

# Lighthouse's mobile scores for the main pages on production settings (README, Performance); not
# part of `make test`. Lighthouse 12.2.3 (13 needs Node 22) in .tools/, from npm, on Debian's Chromium.
LIGHTHOUSE_CLI := .tools/lighthouse/node_modules/lighthouse/cli/index.js
lighthouse: install chromium $(LIGHTHOUSE_CLI)
	$(PY) bench/lighthouse.py

$(LIGHTHOUSE_CLI):
	@mkdir -p .tools/lighthouse
	cd .tools/lighthouse && npm i -E --no-audit --no-fund --silent lighthouse@12.2.3

# Bootstrap's CSS trimmed to what the pages use (README, Performance): run after adding Bootstrap classes
# to a template; the output, static/vendor/bootstrap/bootstrap.min.css, is committed (never built at
# install time). PurgeCSS 8.0.0 in .tools/, from npm; assets/purgecss.config.cjs says what it reads.
PURGECSS := .tools/purgecss/node_modules/.bin/purgecss
assets: install $(PURGECSS)
	node $(PURGECSS) --config assets/purgecss.config.cjs
	@echo "static/vendor/bootstrap/bootstrap.min.css: $$(wc -c < static/vendor/bootstrap/bootstrap.min.css) bytes (from $$(wc -c < assets/bootstrap.min.css))"

$(PURGECSS):
	@mkdir -p .tools/purgecss
	cd .tools/purgecss && npm i -E --no-audit --no-fund --silent purgecss@8.0.0

# The Spanish catalogues (README, "Languages"): collect every marked string of both domains, then
# compile. The compiled .mo files are committed, so a fresh clone shows Spanish with no gettext installed;
# tests/test_translations.py fails when a catalogue is incomplete or a .mo is stale.
MESSAGES_IGNORE := --ignore=static/vendor --ignore=node_modules --ignore=tests --ignore=bench
messages: install gettext
	DJANGO_DEBUG=1 $(PY) manage.py makemessages -l es --no-obsolete $(MESSAGES_IGNORE)
	DJANGO_DEBUG=1 $(PY) manage.py makemessages -l es --no-obsolete -d djangojs $(MESSAGES_IGNORE)
	DJANGO_DEBUG=1 $(PY) manage.py compilemessages -l es --ignore=.venv --ignore=.data --ignore=node_modules

# gettext's tools: `make messages` and the catalogue test (tests/test_translations.py) need them; serving does not
# (the compiled .mo files are committed).
gettext:
	$(call apt_install,command -v msgfmt >/dev/null && command -v msgattrib >/dev/null,gettext,the catalogue test)

db-status: install
	$(PY) -m config.embedded_db status

db-stop: install
	$(PY) -m config.embedded_db stop

# Times the main pages on ten years of a big program's synthetic data (README, Performance), in
# a database of its own (peacekeeper_bench, made afresh) on the embedded server or DATABASE_URL's.
# BENCH_SCALE (default 10) and BENCH_REPEAT (default 20) change the size and the requests per page.
# BENCH_SCALES=10,40 runs each scale in a database of its own (peacekeeper_bench_10, ...), then prints
# each page's growth between the scales side by side (bench/growth.py).
bench: install
	@if [ -z "$(BENCH_SCALES)" ]; then $(PY) bench/run.py; else \
		for scale in $$(echo "$(BENCH_SCALES)" | tr ',' ' '); do \
			$(PY) bench/run.py --scale $$scale --database peacekeeper_bench_$$scale --out scale-$$scale || exit 1; \
		done; \
		$(PY) bench/growth.py $$(echo "$(BENCH_SCALES)" | tr ',' ' '); \
	fi
