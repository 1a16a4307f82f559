"""`make bench-instructions`: CPU instructions per request, counted by valgrind (bench/README.md).

    .venv/bin/python bench/instructions.py              # about 5 minutes
    .venv/bin/python bench/instructions.py --calls 10   # quicker; one odd call weighs more

wrk's req/s moves by ±10 % with whatever else the machine is doing; an instruction count does
not. Each scenario runs in-process, with production settings against the 300-article bench
database, under `valgrind --tool=callgrind` twice: with 3 + 10 calls and with 3 + 10 + `--calls`.
The difference, divided by `--calls`, is one call's cost without the start-up. Only this Python
process's instructions are counted: not PostgreSQL's, Redis's or the kernel's, and not
gunicorn's HTTP parsing, since requests go straight to the WSGI application.

It empties the cache (Redis database 5, as `make bench` uses) and adds consultation requests and
email tasks to the bench database: do not run it while `make bench` runs.
"""

import argparse
import datetime
import gc
import io
import json
import os
import platform
import re
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlencode

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(BENCH))

import booking_form  # noqa: E402
import run  # noqa: E402  (bench/run.py: the data, the environment and the results folder)

SIZE = 300
FEW = 10
SCENARIOS = {
    "ceiling": "GET / of the ceiling (bench/ceiling.py)",
    "booking": "POST /book/, accepted: validated, stored, 2 emails queued, redirected",
    "service": "consultation_request_create(): the request and its 2 email tasks, committed",
    "enqueue": "one email task's Task.enqueue(), committed",
}


def wsgi_call(application, method: str, path: str, body: bytes = b"", headers=None):
    """One request through the WSGI application, as gunicorn hands it over."""
    environ = {
        "REQUEST_METHOD": method,
        "PATH_INFO": path,
        "QUERY_STRING": "",
        "SERVER_NAME": "127.0.0.1",
        "SERVER_PORT": str(run.APP_PORT),
        "SERVER_PROTOCOL": "HTTP/1.1",
        "REMOTE_ADDR": "127.0.0.1",
        "HTTP_HOST": f"127.0.0.1:{run.APP_PORT}",
        "HTTP_X_FORWARDED_PROTO": "https",
        "HTTP_ACCEPT_ENCODING": "gzip, deflate, br",
        "CONTENT_LENGTH": str(len(body)),
        "wsgi.input": io.BytesIO(body),
        "wsgi.errors": sys.stderr,
        "wsgi.url_scheme": "http",
        "wsgi.multithread": False,
        "wsgi.multiprocess": True,
        "wsgi.run_once": False,
        **(headers or {}),
    }
    started = {}

    def start_response(status, response_headers, exc_info=None):
        started.update(status=int(status.split()[0]), headers=response_headers)

    content = b"".join(application(environ, start_response))
    return started["status"], started["headers"], content


def booking_call():
    """The same valid form posted again and again, with the token and cookie of one form page."""
    import gzip

    from django.core.wsgi import get_wsgi_application

    application = get_wsgi_application()
    status, headers, content = wsgi_call(application, "GET", "/book/")
    assert status == 200, status
    html = gzip.decompress(content) if content[:2] == b"\x1f\x8b" else content
    body = urlencode(booking_form.fields(html.decode())).encode()
    origin = f"https://127.0.0.1:{run.APP_PORT}"
    post_headers = {
        "CONTENT_TYPE": "application/x-www-form-urlencoded",
        "HTTP_COOKIE": booking_form.csrf_cookie(headers),
        "HTTP_ORIGIN": origin,
        "HTTP_REFERER": f"{origin}/book/",
    }

    def call():
        status, _, content = wsgi_call(application, "POST", "/book/", body, post_headers)
        assert status == 302, (status, content[:300])

    return call


def service_call():
    from bookings.services import consultation_request_create

    def call():
        consultation_request_create(**booking_form.ANSWERS, utm_source="bench")

    return call


def enqueue_call():
    from django.db import transaction

    from bookings.models import ConsultationRequest
    from bookings.tasks import send_staff_notification

    request_id = ConsultationRequest.objects.values_list("pk", flat=True).first()

    def call():
        with transaction.atomic():
            send_staff_notification.enqueue(request_id)

    return call


def child(scenario: str, calls: int) -> None:
    """Runs inside valgrind: three calls to warm up, then `calls` more."""
    if scenario == "ceiling":
        os.environ["DJANGO_SETTINGS_MODULE"] = "bench.ceiling"
        from bench.ceiling import application

        def call():
            status, _, _ = wsgi_call(application, "GET", "/")
            assert status == 200, status
    else:
        import django

        django.setup()
        from django.core.cache import cache

        # The same start for every run: the booking page is drawn, not found in the cache.
        cache.clear()
        call = {"booking": booking_call, "service": service_call, "enqueue": enqueue_call}[
            scenario
        ]()
    for _ in range(3):
        call()
    # As in a worker that has served for a while: what start-up built is out of the collector's
    # way, and the calls pay for the collections their own garbage causes.
    gc.collect()
    gc.freeze()
    for _ in range(calls):
        call()


def count(scenario: str, calls: int, env: dict[str, str]) -> int:
    result = subprocess.run(
        ["valgrind", "--tool=callgrind", "--callgrind-out-file=/dev/null",
         sys.executable, __file__, "--child", scenario, "--calls", str(calls)],
        cwd=ROOT, env={**env, "PYTHONHASHSEED": "0"}, capture_output=True, text=True,
    )  # fmt: skip
    found = re.search(r"Collected : (\d+)", result.stderr)
    if result.returncode or not found:
        sys.exit(f"{scenario} failed under valgrind:\n{result.stderr[-3000:]}")
    return int(found.group(1))


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description="Instructions per request, by valgrind.")
    parser.add_argument("--calls", type=int, default=30, help="calls measured per scenario")
    parser.add_argument("--child", choices=SCENARIOS, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.calls < 1:
        parser.error("--calls must be at least 1")
    if args.child:
        child(args.child, args.calls)
        return 0

    run.ensure_command("valgrind")
    run.RESULTS.mkdir(exist_ok=True)
    _, env = run.prepare(SIZE, requests=run.CONSULTATION_REQUESTS)
    results = {}
    for scenario, what in SCENARIOS.items():
        run.log(f"{scenario}: {what}")
        few = count(scenario, FEW, env)
        more = count(scenario, FEW + args.calls, env)
        results[scenario] = (more - few) // args.calls

    ceiling = results["ceiling"]
    when = datetime.datetime.now(datetime.UTC)
    lines = [
        f"Instructions per call, {args.calls} calls, at {SIZE} articles, "
        f"Python {platform.python_version()} ({when:%Y-%m-%d %H:%M} UTC):",
        "",
        "| Scenario | What | Instructions | × ceiling |",
        "|---|---|--:|--:|",
    ]
    for scenario, what in SCENARIOS.items():
        lines.append(
            f"| {scenario} | {what} | {results[scenario] / 1e6:.2f} M "
            f"| {results[scenario] / ceiling:.1f} |"
        )
    report = "\n".join(lines)
    record = {
        "date": f"{when:%Y-%m-%d %H:%M} UTC",
        "python": platform.python_version(),
        "articles": SIZE,
        "calls": args.calls,
        "instructions": results,
    }
    (run.RESULTS / f"instructions-{when:%Y%m%d-%H%M%S}.json").write_text(
        json.dumps(record, indent=2)
    )
    print()
    print(report)
    return 0


if __name__ == "__main__":
    sys.exit(main())
