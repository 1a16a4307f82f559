#!/usr/bin/env bash
# `make lighthouse`: Lighthouse 12.2.3 (mobile preset) on the home, article list and newest
# article pages, served in production mode. Prints each page's four scores and the audits that
# lost points; exits non-zero unless every score is 100. See bench/README.md.
# Environment: PYTHON (default .venv/bin/python), CHROME_PATH (default /usr/bin/chromium).
set -euo pipefail

BENCH="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(dirname "$BENCH")"
cd "$ROOT"
PYTHON="${PYTHON:-$ROOT/.venv/bin/python}"
PORT=8603
RESULTS="$BENCH/results"
export CHROME_PATH="${CHROME_PATH:-/usr/bin/chromium}"
mkdir -p "$RESULTS"

if [ ! -x "$BENCH/node_modules/.bin/lighthouse" ] \
    || [ "$BENCH/package-lock.json" -nt "$BENCH/node_modules/.package-lock.json" ]; then
  (cd "$BENCH" && npm ci --no-audit --no-fund --loglevel=error)
fi

# Production settings. There is no TLS proxy here, so no HTTPS redirect; 127.0.0.1 counts as a
# secure origin for the browser.
export DJANGO_SETTINGS_MODULE=unity_site.settings.production
export DJANGO_SECRET_KEY="lighthouse-only-secret-key-not-for-production-4b9e2c7a1d"
export DJANGO_ALLOWED_HOSTS=127.0.0.1,localhost
export SITE_URL="http://127.0.0.1:$PORT"
export EMAIL_URL=smtp://127.0.0.1:2525
export REDIS_URL=redis://127.0.0.1:6379/6
export DJANGO_SECURE_SSL_REDIRECT=false
export DJANGO_STATIC_ROOT="$RESULTS/static-lighthouse"
export DJANGO_LOG_LEVEL=WARNING
export DATABASE_URL=postgres://postgres@127.0.0.1:5432/unity_lighthouse

if [ -z "$(psql -h 127.0.0.1 -U postgres -Atqc "SELECT 1 FROM pg_database WHERE datname = 'unity_lighthouse'")" ]; then
  psql -h 127.0.0.1 -U postgres -qc 'CREATE DATABASE unity_lighthouse'
fi
"$PYTHON" manage.py migrate --noinput -v0
"$PYTHON" manage.py import_articles articles/demo/*.md >/dev/null
"$PYTHON" manage.py collectstatic --noinput --clear -v0
redis-cli -u "$REDIS_URL" FLUSHDB >/dev/null || true

"$(dirname "$PYTHON")/gunicorn" unity_site.wsgi --workers 4 --bind "127.0.0.1:$PORT" \
  >"$RESULTS/gunicorn-lighthouse.log" 2>&1 &
GUNICORN_PID=$!
trap 'kill "$GUNICORN_PID" 2>/dev/null || true; wait "$GUNICORN_PID" 2>/dev/null || true' EXIT
for _ in $(seq 100); do
  curl -fsS -o /dev/null "http://127.0.0.1:$PORT/healthz" 2>/dev/null && break
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
')"
declare -A PAGES=([home]="/" [articles]="/articles/" [article]="$ARTICLE")
for name in home articles article; do
  echo "Lighthouse: ${PAGES[$name]}"
  "$BENCH/node_modules/.bin/lighthouse" "http://127.0.0.1:$PORT${PAGES[$name]}" --quiet \
    --output=json --output=html --output-path="$RESULTS/lighthouse-$name" \
    --chrome-flags="--headless=new --no-sandbox --disable-gpu --disable-background-networking --disable-component-update --disable-sync --no-first-run"
done

"$PYTHON" - "$RESULTS"/lighthouse-{home,articles,article}.report.json <<'PY'
import json
import sys

failed = False
for path in sys.argv[1:]:
    report = json.load(open(path))
    categories = [report["categories"][c] for c in ("performance", "accessibility", "best-practices", "seo")]
    print(f"\n{report['finalDisplayedUrl']}")
    print("  " + "  ".join(f"{c['title']} {round((c['score'] or 0) * 100)}" for c in categories))
    failed |= any((c["score"] or 0) < 1 for c in categories)
    for category in categories:
        for ref in category["auditRefs"]:
            audit = report["audits"][ref["id"]]
            if audit["scoreDisplayMode"] in {"notApplicable", "informative", "manual"}:
                continue
            if audit["score"] is None or audit["score"] >= 1:
                continue
            if ref.get("weight", 0) == 0 and audit["scoreDisplayMode"] != "binary":
                continue
            value = f" ({audit['displayValue']})" if audit.get("displayValue") else ""
            print(f"  - [{category['id']}] {ref['id']}: {audit['title']}{value}"
                  f" score {round(audit['score'] * 100)}")
print("\nReports: bench/results/lighthouse-*.report.{json,html}")
print("Not every score is 100." if failed else "Every score is 100.")
sys.exit(1 if failed else 0)
PY
