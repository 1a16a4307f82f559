# The two commands a newcomer needs: `make run` and `make test`. See README.md.
SHELL := /bin/bash
VENV ?= .venv
BIN := $(VENV)/bin
PY := $(BIN)/python
PIP := $(PY) -m pip --disable-pip-version-check -q

# The first Python >= 3.12 found: on PATH, then in pyenv's versions.
PYTHON ?= $(shell for cmd in python3.13 python3.12 python3 \
	$$HOME/.pyenv/versions/3.13*/bin/python3 $$HOME/.pyenv/versions/3.12*/bin/python3; do \
	if command -v $$cmd >/dev/null 2>&1 && $$cmd -c 'import sys; sys.exit(sys.version_info < (3, 12))' 2>/dev/null; then \
	echo $$cmd; break; fi; done)

.PHONY: run test lint format worker css clean

$(PY):
	@if [ -z "$(PYTHON)" ]; then echo "Unity needs Python 3.12 or newer (python3.12 or python3.13 on PATH)." >&2; exit 1; fi
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed: $(PY) pyproject.toml constraints.txt
	$(PIP) install -c constraints.txt -e .
	@touch $@

$(VENV)/.installed-test: $(VENV)/.installed
	$(PIP) install -c constraints.txt -e '.[test]'
	@touch $@

# `make run PORT=8100 ADDRESS=0.0.0.0`. Links in emails and the printed admin URL follow unless
# SITE_URL is set; logs are plain lines unless DJANGO_LOG_FORMAT is set (docs/configuration.md).
ADDRESS ?= 127.0.0.1
PORT ?= 8000
SITE_URL ?= http://$(ADDRESS):$(PORT)
DJANGO_LOG_FORMAT ?= plain
RUN_ENV = SITE_URL=$(SITE_URL) DJANGO_LOG_FORMAT=$(DJANGO_LOG_FORMAT)

run: $(VENV)/.installed
	$(PY) manage.py migrate --noinput
	$(RUN_ENV) $(PY) manage.py load_demo_content
	@echo "Serving http://$(ADDRESS):$(PORT)/ and running the email worker; Ctrl-C stops both."
	@trap 'kill 0' EXIT INT TERM; \
	$(RUN_ENV) $(PY) manage.py db_worker --no-reload & \
	$(RUN_ENV) $(PY) manage.py runserver $(ADDRESS):$(PORT)

worker: $(VENV)/.installed
	$(PY) manage.py db_worker

lint: $(VENV)/.installed-test
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(VENV)/.installed-test
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

test: lint
	DJANGO_SETTINGS_MODULE=unity_site.settings.test $(PY) manage.py makemigrations --check --dry-run
	$(BIN)/pytest $(PYTEST_ARGS)

# Bootstrap trimmed to the rules our templates use; run after adding Bootstrap classes.
# The result is committed, so neither `make run` nor production needs Node.
css: $(VENV)/.installed
	npm ci --prefix tools/css --no-audit --no-fund
	DJANGO_FORMS="$$($(PY) -c 'import django.forms, pathlib; print(pathlib.Path(django.forms.__file__).parent)')" \
	CRISPY_FORMS="$$($(PY) -c 'import crispy_forms, pathlib; print(pathlib.Path(crispy_forms.__file__).parent)')" \
	CRISPY_TEMPLATES="$$($(PY) -c 'import crispy_bootstrap5, pathlib; print(pathlib.Path(crispy_bootstrap5.__file__).parent / "templates")')" \
	BOOTSTRAP_CSS="$$($(PY) -c 'import bootstrap, pathlib; print(pathlib.Path(bootstrap.__file__).parent / "static/bootstrap/css/bootstrap.min.css")')" \
	tools/css/node_modules/.bin/purgecss --config tools/css/purgecss.config.cjs --output tools/css/build/
	cp tools/css/build/bootstrap.min.css static/css/bootstrap-trimmed.min.css

clean:
	rm -rf $(VENV) staticfiles

# The load benchmark against a bare Django view, at 300 and 10,000 articles on PostgreSQL; the
# table goes to bench/results/latest.md. BENCH_ARGS="--sizes 300 --duration 5" for a quick look.
.PHONY: bench bench-instructions lighthouse
bench: $(VENV)/.installed
	$(PY) bench/run.py $(BENCH_ARGS)

# Instructions per request (valgrind) of the ceiling, the booking POST and one email task's
# enqueue: steadier than req/s on a shared machine. INSTRUCTIONS_ARGS="--calls 10" is quicker.
bench-instructions: $(VENV)/.installed
	$(PY) bench/instructions.py $(INSTRUCTIONS_ARGS)

# Lighthouse 12.2.3 (mobile) on the home, article list and article pages in production mode.
lighthouse: $(VENV)/.installed
	PYTHON=$(PY) bench/lighthouse.sh

# A database outage, black-holed then refused, under a small load: cached pages' latency, the
# time to the 503 page and back (docs/operations.md). OUTAGE_ARGS="--outage 10" is quicker.
.PHONY: bench-outage
bench-outage: $(VENV)/.installed
	$(PY) bench/outage.py $(OUTAGE_ARGS)
