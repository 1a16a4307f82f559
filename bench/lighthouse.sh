#!/usr/bin/env bash
# `make lighthouse`: Lighthouse 12.2.3 (mobile preset) on the home, article list and article
# pages, served in production mode. Prints the four category scores for each page and the audits
# that lost points; exits non-zero unless every score is 100. See bench/README.md.
#
# Environment (all optional): PYTHON (default .venv/bin/python), LIGHTHOUSE_PORT (8603),
# LIGHTHOUSE_DATABASE_URL (default postgres://postgres@127.0.0.1:5432/unity_lighthouse, created
# when missing; any sqlite:/// URL works too), CHROME_PATH (default /usr/bin/chromium).
set -euo pipefail

BENCH="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(dirname "$BENCH")"
cd "$ROOT"

PYTHON="${PYTHON:-$ROOT/.venv/bin/python}"
GUNICORN="$(dirname "$PYTHON")/gunicorn"
PORT="${LIGHTHOUSE_PORT:-8603}"
RESULTS="$BENCH/results"
DATABASE_URL="${LIGHTHOUSE_DATABASE_URL:-postgres://postgres@127.0.0.1:5432/unity_lighthouse}"
export CHROME_PATH="${CHROME_PATH:-/usr/bin/chromium}"
CHROME_FLAGS="--headless=new --no-sandbox --disable-gpu --disable-background-networking --disable-component-update --disable-sync --no-first-run"

mkdir -p "$RESULTS"

# Lighthouse itself, pinned by bench/package.json and bench/package-lock.json.
if [ ! -x "$BENCH/node_modules/.bin/lighthouse" ] \
    || [ "$BENCH/package-lock.json" -nt "$BENCH/node_modules/.package-lock.json" ]; then
  echo "Installing lighthouse into bench/node_modules ..."
  (cd "$BENCH" && npm ci --no-audit --no-fund --loglevel=error)
fi

# Production settings. There is no TLS proxy on this machine, so the HTTPS redirect is off;
# 127.0.0.1 counts as a secure origin for the browser.
export DJANGO_SETTINGS_MODULE=unity_site.settings.production
export DJANGO_SECRET_KEY="lighthouse-only-secret-key-not-for-production-4b9e2c7a1d"
export DJANGO_ALLOWED_HOSTS=127.0.0.1,localhost
export SITE_URL="http://127.0.0.1:$PORT"
export EMAIL_URL=smtp://127.0.0.1:2525
export REDIS_URL="${LIGHTHOUSE_REDIS_URL:-redis://127.0.0.1:6379/6}"
export DJANGO_SECURE_SSL_REDIRECT=false
export DJANGO_STATIC_ROOT="$RESULTS/static-lighthouse"
export DJANGO_LOG_LEVEL=WARNING
export DATABASE_URL

if [[ "$DATABASE_URL" == postgres://* ]]; then
  DBNAME="${DATABASE_URL##*/}"
  PGURL="${DATABASE_URL%/*}/postgres"
  if [ -z "$(psql "$PGURL" -Atqc "SELECT 1 FROM pg_database WHERE datname = '$DBNAME'")" ]; then
    psql "$PGURL" -qc "CREATE DATABASE \"$DBNAME\""
  fi
fi

"$PYTHON" manage.py migrate --noinput -v0
"$PYTHON" manage.py import_articles articles/demo/*.md >/dev/null
"$PYTHON" manage.py collectstatic --noinput --clear -v0
if command -v redis-cli >/dev/null; then redis-cli -u "$REDIS_URL" FLUSHDB >/dev/null || true; fi

"$GUNICORN" unity_site.wsgi --workers 4 --bind "127.0.0.1:$PORT" \
  >"$RESULTS/gunicorn-lighthouse.log" 2>&1 &
GUNICORN_PID=$!
trap 'kill "$GUNICORN_PID" 2>/dev/null || true; wait "$GUNICORN_PID" 2>/dev/null || true' EXIT

for _ in $(seq 100); do
  if curl -fsS -o /dev/null "http://127.0.0.1:$PORT/healthz" 2>/dev/null \
      || curl -fsS -o /dev/null "http://127.0.0.1:$PORT/" 2>/dev/null; then
    break
  fi
  if ! kill -0 "$GUNICORN_PID" 2>/dev/null; then
    echo "gunicorn exited; see $RESULTS/gunicorn-lighthouse.log" >&2
    exit 1
  fi
  sleep 0.2
done

ARTICLE="$("$PYTHON" -c '
import django; django.setup()
from articles.models import Article
print(Article.objects.published().order_by("-published_at").first().get_absolute_url())
' 2>/dev/null)"

declare -A PAGES=([home]="/" [articles]="/articles/" [article]="$ARTICLE")
REPORTS=()
for name in home articles article; do
  url="http://127.0.0.1:$PORT${PAGES[$name]}"
  echo "Lighthouse: $url"
  "$BENCH/node_modules/.bin/lighthouse" "$url" \
    --quiet --output=json --output=html --output-path="$RESULTS/lighthouse-$name" \
    --chrome-flags="$CHROME_FLAGS"
  REPORTS+=("$RESULTS/lighthouse-$name.report.json")
done

"$PYTHON" - "${REPORTS[@]}" <<'PY'
import json
import sys

CATEGORIES = ["performance", "accessibility", "best-practices", "seo"]
failed = False
for path in sys.argv[1:]:
    report = json.load(open(path))
    scores = {c: report["categories"][c]["score"] for c in CATEGORIES}
    line = "  ".join(
        f"{report['categories'][c]['title']} {'-' if s is None else round(s * 100)}"
        for c, s in scores.items()
    )
    print(f"\n{report['finalDisplayedUrl']}\n  {line}")
    if any(s is None or s < 1 for s in scores.values()):
        failed = True
    for category in CATEGORIES:
        for ref in report["categories"][category]["auditRefs"]:
            audit = report["audits"][ref["id"]]
            if audit["scoreDisplayMode"] in {"notApplicable", "informative", "manual"}:
                continue
            if audit["score"] is None or audit["score"] >= 1:
                continue
            if ref.get("weight", 0) == 0 and audit["scoreDisplayMode"] != "binary":
                continue
            value = f" ({audit['displayValue']})" if audit.get("displayValue") else ""
            print(f"  - [{category}] {ref['id']}: {audit['title']}{value}"
                  f" score {round(audit['score'] * 100)}")
print()
print("Reports: bench/results/lighthouse-*.report.{json,html}")
if failed:
    print("Not every score is 100.")
    sys.exit(1)
print("Every score is 100.")
PY
