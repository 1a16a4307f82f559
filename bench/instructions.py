"""`make bench-instructions`: instructions per request, counted by valgrind. See bench/README.md.

    .venv/bin/python bench/instructions.py              # about 5 minutes
    .venv/bin/python bench/instructions.py --calls 10   # quicker; one odd call weighs more
    .venv/bin/python bench/instructions.py --only booking,slots   # some scenarios only

Each scenario runs in-process, with production settings against the 300-article bench database,
under `valgrind --tool=callgrind` twice: 3 + 10 calls, then 3 + 10 + --calls. The difference over
--calls is one call without the start-up. It empties Redis database 5 and adds requests and
email tasks to unity_bench_300: do not run it during `make bench`.
"""

import argparse
import gc
import io
import itertools
import os
import platform
import re
import subprocess
import sys
import time

import booking_form
import free_times
import run

sys.path.insert(0, str(run.ROOT))
SIZE, FEW = 300, 10
SCENARIOS = {
    "ceiling": "GET / of the ceiling (bench/ceiling.py)",
    "booking": "POST /book/, accepted: validated, stored, 2 emails queued, redirected",
    "enqueue": "one email task's Task.enqueue(), committed",
    "slots": "GET /book/time/: the free times of 10 clinicians, 28 days, 5,000 bookings",
    "booking_time": "POST /book/time/, a free time, any clinician: booked, 2 emails queued",
}


def wsgi_call(application, method: str, path: str, expect: int, body=b"", headers=None):
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
    assert started["status"] == expect, (started["status"], content[:300])
    return started["headers"], content


def scenario_call(scenario: str):
    """The function that one call of the scenario makes, after what it needs is set up."""
    if scenario == "ceiling":
        os.environ["DJANGO_SETTINGS_MODULE"] = "bench.ceiling"
        from bench.ceiling import application

        return lambda: wsgi_call(application, "GET", "/", 200)

    import django

    django.setup()
    from django.core.cache import cache

    cache.clear()  # the same start for every run: the booking page is drawn, not found
    if scenario == "enqueue":
        from django.db import transaction

        from bookings.models import ConsultationRequest
        from bookings.tasks import send_staff_notification

        request_id = ConsultationRequest.objects.values_list("pk", flat=True).first()

        def enqueue():
            with transaction.atomic():
                send_staff_notification.enqueue(request_id)

        return enqueue

    from django.core.wsgi import get_wsgi_application

    application = get_wsgi_application()
    if scenario == "slots":
        return lambda: wsgi_call(application, "GET", "/book/time/", 200)

    # One form page's token and cookie, posted again and again, from a new address each time
    # (and, booking a time, for another free time each time).
    path = "/book/time/" if scenario == "booking_time" else "/book/"
    headers, page = wsgi_call(application, "GET", path, 200, headers={"HTTP_ACCEPT_ENCODING": ""})
    if scenario == "booking_time":
        body = booking_form.time_post_body(page.decode())
        slots = iter(free_times.values())
    else:
        body = booking_form.post_body(page.decode())
        slots = itertools.repeat("")
    unique = itertools.count(time.time_ns())
    origin = f"https://127.0.0.1:{run.APP_PORT}"
    post_headers = {
        "CONTENT_TYPE": "application/x-www-form-urlencoded",
        "HTTP_COOKIE": booking_form.csrf_cookie(headers),
        "HTTP_ORIGIN": origin,
        "HTTP_REFERER": f"{origin}{path}",
    }

    def post():
        unique_body = (
            body.replace(booking_form.UNIQUE, str(next(unique)))
            .replace(booking_form.SLOT, next(slots))
            .encode()
        )
        wsgi_call(application, "POST", path, 302, unique_body, post_headers)

    return post


def child(scenario: str, calls: int) -> None:
    """Runs inside valgrind: three calls to warm up, then `calls` more."""
    call = scenario_call(scenario)
    for _ in range(3):
        call()
    # As in a worker that has served for a while: what start-up built is out of the collector's
    # way, and the calls pay for the collections their own garbage causes.
    gc.collect()
    gc.freeze()
    for _ in range(calls):
        call()
    if scenario in ("booking", "booking_time"):  # each accepted: stored, its emails queued
        from bookings.models import ConsultationRequest

        latest = ConsultationRequest.objects.order_by("-pk")[: 3 + calls]
        statuses = set(latest.values_list("status", flat=True))
        wanted = {"booking": "new", "booking_time": "booked"}[scenario]
        assert statuses == {wanted}, f"not every request was accepted: {statuses}"


def count(scenario: str, calls: int, env: dict[str, str]) -> int:
    command = ["valgrind", "--tool=callgrind", "--callgrind-out-file=/dev/null", sys.executable]
    command += [__file__, "--child", scenario, "--calls", str(calls)]
    env = {**env, "PYTHONHASHSEED": "0"}
    result = subprocess.run(command, cwd=run.ROOT, env=env, capture_output=True, text=True)
    found = re.search(r"Collected : (\d+)", result.stderr)
    if result.returncode or not found:
        sys.exit(f"{scenario} failed under valgrind:\n{result.stderr[-3000:]}")
    return int(found[1])


def main() -> int:
    parser = argparse.ArgumentParser(description="Instructions per request, by valgrind.")
    parser.add_argument("--calls", type=int, default=30, help="calls measured per scenario")
    parser.add_argument(
        "--only", default=",".join(SCENARIOS), help="scenarios, comma-separated (default: all)"
    )
    parser.add_argument("--child", choices=SCENARIOS, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child, args.calls)
        return 0

    run.ensure_command("valgrind")
    run.RESULTS.mkdir(exist_ok=True)
    env = run.prepare(SIZE)
    chosen = {name: SCENARIOS[name] for name in args.only.split(",")}
    per_call = {}
    for scenario, what in chosen.items():
        run.log(f"{scenario}: {what}")
        few = count(scenario, FEW, env)
        per_call[scenario] = (count(scenario, FEW + args.calls, env) - few) // args.calls
    when = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
    lines = [
        f"Instructions per call, {args.calls} calls, at {SIZE} articles, "
        f"Python {platform.python_version()}, {when}:",
        "",
        "| Scenario | What | Instructions | × ceiling |",
        "|---|---|--:|--:|",
    ]
    for scenario, what in chosen.items():
        n = per_call[scenario]
        ratio = f"{n / per_call['ceiling']:.1f}" if "ceiling" in per_call else "–"
        lines.append(f"| {scenario} | {what} | {n / 1e6:.2f} M | {ratio} |")
    print("\n" + "\n".join(lines))
    run.save("instructions-latest.md", "instructions", "\n".join(lines), per_call)
    return 0


if __name__ == "__main__":
    sys.exit(main())
