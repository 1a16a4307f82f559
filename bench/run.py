"""`make bench`: the site's throughput and latency against a bare Django view. See bench/README.md.

    .venv/bin/python bench/run.py                            # 300 and 10,000 articles
    .venv/bin/python bench/run.py --sizes 300 --duration 5  # a quick look

Writes the table to bench/results/latest.md and bench-<time>.md, the raw numbers to
bench-<time>.json, and exits 1 when a target is missed.
"""

import argparse
import contextlib
import datetime
import http.client
import json
import os
import platform
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

import booking_form
from generate import BOOKABLE_CLINICIANS, BOOKINGS, REQUESTS

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
RESULTS = BENCH / "results"
PYTHON = sys.executable
APP_PORT, CEILING_PORT = 8601, 8602
THREADS, CONNECTIONS, WARMUP = 2, 32, 3
P99_LIMIT_MS = 50
NOISE = 0.10  # how much lower a ratio may be at a larger size: the run-to-run spread
# Each URL's label and its target as a ratio to the ceiling (None: its ratio is reported, and
# only the p99 of every GET is a target), in the order they are measured.
URLS = {
    "home": ("Home", 0.5),
    "list": ("Article list, page 1", 0.5),
    "list_deep": ("Article list, deep page", 0.5),
    "article": ("Article", 0.5),
    "topic": ("Topic", 0.5),
    "search": ("Search", 0.25),
    "feed": ("RSS feed", 0.5),
    "sitemap": ("Sitemap", 0.5),
    "booking": ("Booking POST", 0.2),
    "slots": ("Free times (slot step)", None),
    "booking_time": ("Booking POST (a time)", 0.1),
}
POSTS = {"booking", "booking_time"}

# wrk prints one line from done(): everything the table needs, as JSON.
LUA = r"""
wrk.headers["X-Forwarded-Proto"] = "https"
wrk.headers["Accept-Encoding"] = "gzip, deflate, br"
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format('BENCH {"requests": %d, "duration_us": %d, "p50_us": %d, ' ..
    '"p99_us": %d, "errors": %d, "non_2xx_3xx": %d%s}\n', summary.requests, summary.duration,
    latency:percentile(50), latency:percentile(99), e.connect + e.read + e.write + e.timeout,
    e.status, extra_json and extra_json() or ""))
end
"""
GET_LUA = (
    LUA
    + 'wrk.headers["Accept"] = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"\n'
)
# The booking POST gives every request its own email address (BODY_HEAD, the thread, a count,
# BODY_TAIL) and
# counts the redirects (accepted requests) of every thread; wrk counts 4xx and 5xx itself.
POST_LUA = (
    LUA
    + r"""
local threads = {}
setup = function(thread)
  table.insert(threads, thread)
  thread:set("id", #threads)
end
init = function(args) redirects = 0; sent = 0 end
request = function()
  sent = sent + 1
  return wrk.format(nil, nil, nil, BODY_HEAD .. id .. "." .. sent .. BODY_TAIL)
end
response = function(status, headers, body)
  if status >= 300 and status < 400 then redirects = redirects + 1 end
end
extra_json = function()
  local n = 0
  for _, thread in ipairs(threads) do n = n + thread:get("redirects") end
  return string.format(', "3xx": %d', n)
end
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
"""
)
# The booking of a time: as the booking POST, and each request books the next free time of
# SLOTS (written by write_time_lua), thread 1 of 2 the 1st, 3rd, 5th..., thread 2 the others.
# Past the end of SLOTS it starts again, and those POSTs find their time taken.
TIME_POST_LUA = (
    POST_LUA
    + r"""
request = function()
  sent = sent + 1
  local slot = SLOTS[(id - 1 + (sent - 1) * THREADS) % #SLOTS + 1]
  return wrk.format(nil, nil, nil, BODY_HEAD .. slot .. BODY_MID .. id .. "." .. sent .. BODY_TAIL)
end
"""
)
# The requests stored since id %d: how many, with their 2 email tasks, task rows, spam.
BOOKING_CHECK_SQL = """
WITH t AS (SELECT (args_kwargs->'args'->>0)::bigint AS rid, count(*) AS n
           FROM django_tasks_database_dbtaskresult
           WHERE task_path LIKE 'bookings.%%' AND jsonb_typeof(args_kwargs->'args'->0) = 'number'
           GROUP BY 1)
SELECT count(*), count(*) FILTER (WHERE t.n = 2), coalesce(sum(t.n), 0),
       count(*) FILTER (WHERE c.status = 'spam')
FROM bookings_consultationrequest c LEFT JOIN t ON t.rid = c.id WHERE c.id > %d
"""


# The bookings of times made since id %d by the benchmark: how many, booked (not held or spam),
# with their 2 email tasks, and task rows.
TIME_BOOKING_CHECK_SQL = """
WITH t AS (SELECT (args_kwargs->'args'->>0)::bigint AS rid, count(*) AS n
           FROM django_tasks_database_dbtaskresult
           WHERE task_path LIKE 'bookings.%%' AND jsonb_typeof(args_kwargs->'args'->0) = 'number'
           GROUP BY 1)
SELECT count(*), count(*) FILTER (WHERE c.status = 'booked'),
       count(*) FILTER (WHERE t.n = 2), coalesce(sum(t.n), 0)
FROM bookings_consultationrequest c LEFT JOIN t ON t.rid = c.id
WHERE c.id > %d AND c.starts_at IS NOT NULL AND c.email LIKE '%s%%'
"""
# Deletes the bookings the benchmark made (and their email tasks): each run starts from the
# 5,000 bookings of bench/generate.py.
TIME_BOOKING_RESET_SQL = """
WITH gone AS (DELETE FROM bookings_consultationrequest
              WHERE starts_at IS NOT NULL AND email LIKE '%s%%' RETURNING id)
DELETE FROM django_tasks_database_dbtaskresult t USING gone
WHERE t.task_path LIKE 'bookings.%%' AND (t.args_kwargs->'args'->>0) = gone.id::text
"""


def log(message: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {message}", flush=True)


def ensure_command(command: str) -> None:
    """Installs Debian's package of the same name when the command is missing."""
    if not shutil.which(command):
        log(f"{command} is missing: installing Debian's package")
        sudo = [] if os.geteuid() == 0 else ["sudo"]
        env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
        subprocess.run([*sudo, "apt-get", "update", "-qq"], check=True)
        subprocess.run([*sudo, "apt-get", "install", "-y", "-qq", command], check=True, env=env)


def psql(sql: str, database: str = "postgres") -> str:
    command = ["psql", "-h", "127.0.0.1", "-U", "postgres", "-d", database, "-Atqc", sql]
    return subprocess.run(command, check=True, capture_output=True, text=True).stdout.strip()


def prepare(size: int) -> dict[str, str]:
    """Database unity_bench_<size> with its data, and the static files; returns the environment."""
    database = f"unity_bench_{size}"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "unity_site.settings.production",
        "DJANGO_SECRET_KEY": "bench-only-secret-key-not-for-production-8c1f0e7d5a2b4c6e9f3a",
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
        "SITE_URL": f"http://127.0.0.1:{APP_PORT}",
        "EMAIL_URL": "smtp://127.0.0.1:2525",  # nothing listens: no email worker runs
        "REDIS_URL": "redis://127.0.0.1:6379/5",
        # The load generator's requests are accepted, not held or kept as spam.
        "BOOKINGS_RATE_LIMIT": "100000000/h",
        "BOOKINGS_MIN_FILL_SECONDS": "0",
        "BOOKINGS_SITE_HOURLY_LIMIT": "100000000",
        "DJANGO_STATIC_ROOT": str(RESULTS / "static"),
        "DATABASE_URL": f"postgres://postgres@127.0.0.1:5432/{database}",
    }
    if not psql(f"SELECT 1 FROM pg_database WHERE datname = '{database}'"):
        psql(f'CREATE DATABASE "{database}"')
    log(f"{database}: migrate, generate the data unless it is there, collectstatic")
    subprocess.run([PYTHON, BENCH / "generate.py", str(size)], cwd=ROOT, env=env, check=True)
    collectstatic = [PYTHON, "manage.py", "collectstatic", "--noinput", "--clear", "-v0"]
    subprocess.run(collectstatic, cwd=ROOT, env=env, check=True)
    return env


def http_get(port: int, path: str) -> tuple[int, list, str]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        connection.request("GET", path, headers={"X-Forwarded-Proto": "https"})
        response = connection.getresponse()
        return response.status, response.getheaders(), response.read().decode()
    finally:
        connection.close()


@contextlib.contextmanager
def gunicorn(module: str, port: int, env: dict[str, str], log_name: str):
    """gunicorn <module> --workers 4, as README.md deploys the site, until the block ends."""
    log_path = RESULTS / f"gunicorn-{log_name}.log"
    command = [Path(PYTHON).with_name("gunicorn"), module, "--workers", "4", "--bind"]
    with open(log_path, "w") as out:
        process = subprocess.Popen(
            [*command, f"127.0.0.1:{port}"], cwd=ROOT, env=env, stdout=out, stderr=out
        )
        try:
            for _ in range(150):
                if process.poll() is not None:
                    raise RuntimeError(f"gunicorn {module} exited; see {log_path}")
                with contextlib.suppress(OSError):
                    if http_get(port, "/")[0] < 500:
                        break
                time.sleep(0.2)
            else:
                raise RuntimeError(f"gunicorn {module} did not answer; see {log_path}")
            time.sleep(1.5)  # every worker boots before the measurement
            yield
        finally:
            process.terminate()
            process.wait()


def wrk(port: int, path: str, script: Path, seconds: int) -> dict:
    command = ["wrk", f"-t{THREADS}", f"-c{CONNECTIONS}", f"-d{seconds}s", "--timeout", "10s"]
    url = f"http://127.0.0.1:{port}{path}"
    out = subprocess.run([*command, "-s", script, url], capture_output=True, text=True, check=True)
    line = next((ln for ln in out.stdout.splitlines() if ln.startswith("BENCH ")), None)
    if line is None:
        raise RuntimeError(f"wrk printed no result:\n{out.stdout}\n{out.stderr}")
    result = json.loads(line.removeprefix("BENCH "))
    result["rps"] = result["requests"] / result["duration_us"] * 1e6
    result["p50_ms"], result["p99_ms"] = result["p50_us"] / 1000, result["p99_us"] / 1000
    result["load"] = os.getloadavg()[0]
    return result


def write_post_lua(script: Path) -> None:
    """POST /book/ with the cookie and hidden inputs of a fresh form page, as a browser would."""
    status, response_headers, html = http_get(APP_PORT, "/book/")
    if status != 200:
        raise RuntimeError(f"GET /book/ answered {status}")
    head, tail = booking_form.post_body(html).split(booking_form.UNIQUE)
    origin = f"https://127.0.0.1:{APP_PORT}"
    settings = {  # JSON strings are valid Lua strings
        "BODY_HEAD": f"{head}{time.time_ns()}-",
        "BODY_TAIL": tail,
        'wrk.headers["Cookie"]': booking_form.csrf_cookie(response_headers),
        'wrk.headers["Origin"]': origin,
        'wrk.headers["Referer"]': f"{origin}/book/",
    }
    script.write_text(POST_LUA + "".join(f"{k} = {json.dumps(v)}\n" for k, v in settings.items()))


def write_time_lua(script: Path, env: dict[str, str]) -> int:
    """POST /book/time/ as a browser would, each request with another free time (SLOTS, from
    bench/free_times.py) and another email address; returns how many free times there are."""
    out = subprocess.run(
        [PYTHON, BENCH / "free_times.py"], cwd=ROOT, env=env, check=True, capture_output=True
    )
    slots = json.loads(out.stdout.splitlines()[-1])
    if not slots:
        raise RuntimeError("no free time to book: see bench/generate.py")
    path = "/book/time/"
    status, response_headers, html = http_get(APP_PORT, path)
    if status != 200:
        raise RuntimeError(f"GET {path} answered {status}")
    head, rest = booking_form.time_post_body(html).split(booking_form.SLOT)
    middle, tail = rest.split(booking_form.UNIQUE)
    origin = f"https://127.0.0.1:{APP_PORT}"
    settings = {  # JSON strings are valid Lua strings
        "THREADS": THREADS,
        "BODY_HEAD": head,
        "BODY_MID": f"{middle}{time.time_ns()}-",
        "BODY_TAIL": tail,
        'wrk.headers["Cookie"]': booking_form.csrf_cookie(response_headers),
        'wrk.headers["Origin"]': origin,
        'wrk.headers["Referer"]': f"{origin}{path}",
    }
    script.write_text(
        TIME_POST_LUA
        + "".join(f"{k} = {json.dumps(v)}\n" for k, v in settings.items())
        + "SLOTS = {"
        + ",".join(json.dumps(slot) for slot in slots)
        + "}\n"
    )
    return len(slots)


def settle(database: str, *, quiet: float = 1.5, limit: float = 60) -> None:
    """Waits until no request has been stored for `quiet` seconds: the requests still queued
    at gunicorn when wrk stops are served after it (up to one per connection, which take
    seconds when the site is slow)."""
    sql = "SELECT coalesce(max(id), 0) FROM bookings_consultationrequest"
    last, since, deadline = psql(sql, database), time.monotonic(), time.monotonic() + limit
    while time.monotonic() < deadline:
        time.sleep(0.5)
        now = psql(sql, database)
        if now != last:
            last, since = now, time.monotonic()
        elif time.monotonic() - since >= quiet:
            return


def booking_time(database: str, duration: int, script: Path, env: dict[str, str]) -> dict:
    """The booking of a time under load, from the 5,000 bookings of bench/generate.py each time;
    then checks in the database that every accepted booking was stored, booked, with its two
    emails queued."""
    reset = TIME_BOOKING_RESET_SQL % booking_form.TIME_EMAIL_PREFIX
    psql(reset, database)
    write_time_lua(script, env)
    wrk(APP_PORT, "/book/time/", script, WARMUP)
    settle(database)
    psql(reset, database)
    since = int(psql("SELECT coalesce(max(id), 0) FROM bookings_consultationrequest", database))
    free = write_time_lua(script, env)
    result = wrk(APP_PORT, "/book/time/", script, duration)
    settle(database)  # requests still in flight when wrk stopped finish and commit
    check = psql(TIME_BOOKING_CHECK_SQL % (since, booking_form.TIME_EMAIL_PREFIX), database)
    names = ["stored", "booked", "with_two_emails", "task_rows"]
    result.update(zip(names, map(int, check.split("|")), strict=True))
    result["free_times"] = free
    result["all_stored"] = (
        result["non_2xx_3xx"] == 0
        and result["3xx"] <= result["stored"] <= result["3xx"] + CONNECTIONS
        and result["booked"] == result["with_two_emails"] == result["stored"]
    )
    return result


def booking(database: str, duration: int, script: Path) -> dict:
    """The booking POST under load; then checks in the database that every accepted request was
    stored with its two emails queued."""
    write_post_lua(script)
    wrk(APP_PORT, "/book/", script, WARMUP)
    time.sleep(1)
    since = int(psql("SELECT coalesce(max(id), 0) FROM bookings_consultationrequest", database))
    write_post_lua(script)
    result = wrk(APP_PORT, "/book/", script, duration)
    time.sleep(2)  # requests still in flight when wrk stopped finish and commit
    check = psql(BOOKING_CHECK_SQL % since, database).split("|")
    result.update(
        zip(["stored", "with_two_emails", "task_rows", "spam"], map(int, check), strict=True)
    )
    # wrk does not count the requests (at most one per connection) in flight when it stops.
    result["all_stored"] = (
        result["non_2xx_3xx"] == result["spam"] == 0
        and result["3xx"] <= result["stored"] <= result["3xx"] + CONNECTIONS
        and result["with_two_emails"] == result["stored"]
    )
    return result


def run_size(size: int, duration: int) -> dict:
    env = prepare(size)
    subprocess.run(["redis-cli", "-n", "5", "FLUSHDB"], capture_output=True)
    log("SQL queries per URL")
    out = subprocess.run(
        [PYTHON, BENCH / "queries.py"], cwd=ROOT, env=env, check=True, capture_output=True
    )
    plan = json.loads(out.stdout.splitlines()[-1])
    get_lua = RESULTS / "get.lua"
    get_lua.write_text(GET_LUA)
    ceiling_env = {**env, "DJANGO_SETTINGS_MODULE": "bench.ceiling", "DATABASE_URL": ""}
    load_before = os.getloadavg()[0]
    results = {}
    with (
        gunicorn("unity_site.wsgi", APP_PORT, env, f"app-{size}"),
        gunicorn("bench.ceiling", CEILING_PORT, ceiling_env, f"ceiling-{size}"),
    ):
        log("ceiling")
        wrk(CEILING_PORT, "/", get_lua, WARMUP)
        ceilings = [wrk(CEILING_PORT, "/", get_lua, duration)]
        for name, path in plan["urls"].items():
            log(f"{name}: {path}")
            if name == "booking":
                result = booking(f"unity_bench_{size}", duration, RESULTS / "post.lua")
            elif name == "booking_time":
                time_lua = RESULTS / "post-time.lua"
                result = booking_time(f"unity_bench_{size}", duration, time_lua, env)
            else:
                status = http_get(APP_PORT, path)[0]
                wrk(APP_PORT, path, get_lua, WARMUP)
                result = {**wrk(APP_PORT, path, get_lua, duration), "status": status}
                # The requests queued at gunicorn when wrk stopped (one per connection) are
                # served before the ceiling runs: seconds, for a slow page.
                time.sleep(min(10, CONNECTIONS / max(result["rps"], 1)))
            # The ceiling again after every URL: each URL's ratio is to the two runs around it,
            # so that other load on the machine weighs on both sides of the ratio.
            wrk(CEILING_PORT, "/", get_lua, 1)
            ceilings.append(wrk(CEILING_PORT, "/", get_lua, duration))
            around = ceilings[-2]["rps"], ceilings[-1]["rps"]
            result["ceiling_rps"] = sum(around) / 2
            result["noisy"] = max(around) > 1.25 * min(around)
            result["ratio"] = result["rps"] / result["ceiling_rps"]
            results[name] = {**result, "path": path, "queries": plan["queries"][name]}
    return {"size": size, "load_before": load_before, "ceilings": ceilings, "urls": results}


def failures(name: str, result: dict, base: dict | None, base_size: int) -> list[str]:
    """Why this URL misses its targets (none when it meets them); base: it at the smallest size."""
    target = URLS[name][1]
    reasons = []
    if target is not None and result["ratio"] < target:
        reasons.append(f"ratio {result['ratio']:.2f} < {target}")
    if name in POSTS and not result["all_stored"]:
        reasons.append("not every accepted request stored with 2 emails")
    if name not in POSTS and result["p99_ms"] >= P99_LIMIT_MS:
        reasons.append(f"p99 {result['p99_ms']:.0f} ms ≥ {P99_LIMIT_MS} ms")
    if name not in POSTS and result["status"] != 200:
        reasons.append(f"answers {result['status']}, not 200")
    if result["errors"] or result["non_2xx_3xx"]:
        reasons.append(f"{result['non_2xx_3xx']} non-2xx/3xx, {result['errors']} socket errors")
    if base and result["ratio"] < base["ratio"] * (1 - NOISE):
        worse = f"ratio {result['ratio']:.2f} worse than {base['ratio']:.2f}"
        reasons.append(f"{worse} at {base_size} articles")
    return reasons


def size_table(run: dict) -> list[str]:
    rates = [c["rps"] for c in run["ceilings"]]
    median = len(rates) // 2
    load = max(m["load"] for m in [*run["ceilings"], *run["urls"].values()])
    lines = [
        f"### {run['size']:,} articles, {REQUESTS:,} consultation requests",
        "",
        f"Ceiling (bench/ceiling.py): **{sum(rates) / len(rates):,.0f} req/s** on average over "
        f"{len(rates)} runs, one before the first URL and one after each (from {min(rates):,.0f} "
        f"to {max(rates):,.0f}); median p50 "
        f"{sorted(c['p50_ms'] for c in run['ceilings'])[median]:.1f} ms, p99 "
        f"{sorted(c['p99_ms'] for c in run['ceilings'])[median]:.1f} ms. Each URL's ratio is to "
        "the mean of the two ceiling runs around it. Load average (1 min): from "
        f"{run['load_before']:.1f} before the run to {load:.1f} at most; the load generator "
        "alone accounts for about 2.",
        "",
        "| URL | req/s | p50 ms | p99 ms | ceiling req/s | ratio | target | "
        "SQL/request warm (cold) | result |",
        "|---|--:|--:|--:|--:|--:|--:|--:|---|",
    ]
    for name, r in run["urls"].items():
        label, target = URLS[name]
        verdict = "**FAIL**: " + "; ".join(r["reasons"]) if r["reasons"] else "pass"
        wanted = f"≥ {target}" if target is not None else f"p99 < {P99_LIMIT_MS} ms"
        lines.append(
            f"| {label} `{r['path']}` | {r['rps']:,.0f} | {r['p50_ms']:.1f} | {r['p99_ms']:.1f} | "
            f"{r['ceiling_rps']:,.0f}{' †' if r['noisy'] else ''} | {r['ratio']:.2f} | {wanted} "
            f"| {r['queries']['warm']} ({r['queries']['cold']}) | {verdict} |"
        )
    if any(r["noisy"] for r in run["urls"].values()):
        lines += [
            "",
            "† The two ceiling runs around this URL differ by more than 25 %: other work on the "
            "machine changed during it, so its ratio is less certain.",
        ]
    b = run["urls"]["booking"]
    lines += [
        "",
        f"Booking POST: {b['3xx']:,} redirects (accepted), "
        f"{b['requests'] - b['3xx'] - b['non_2xx_3xx']:,} form re-displays, "
        f"{b['non_2xx_3xx']:,} errors; {b['stored']:,} requests stored, "
        f"{b['with_two_emails']:,} of them with 2 queued emails ({b['task_rows']:,} task rows), "
        f"{b['spam']} as spam. Every accepted request stored: "
        f"**{'yes' if b['all_stored'] else 'no'}**.",
        "",
    ]
    if "booking_time" in run["urls"]:
        t = run["urls"]["booking_time"]
        sent = t["requests"] + CONNECTIONS  # at most one more per connection in flight at the end
        ran_out = f" (more POSTs than free times: from the {t['free_times']:,}th, times taken)"
        lines += [
            f"Booking POST (a time), with {BOOKABLE_CLINICIANS} clinicians and {BOOKINGS:,} "
            f"bookings over the next 28 days: {t['free_times']:,} free times, one per POST"
            f"{ran_out if sent > t['free_times'] else ''}; {t['3xx']:,} redirects (booked), "
            f"{t['requests'] - t['3xx'] - t['non_2xx_3xx']:,} form re-displays, "
            f"{t['non_2xx_3xx']:,} errors; {t['stored']:,} bookings stored, {t['booked']:,} of "
            f"them booked, {t['with_two_emails']:,} with 2 queued emails ({t['task_rows']:,} "
            "task rows). Every accepted booking stored: "
            f"**{'yes' if t['all_stored'] else 'no'}**.",
            "",
        ]
    return lines


def machine(duration: int) -> str:
    cpu = re.search(r"model name\s*:\s*(.*)", Path("/proc/cpuinfo").read_text())
    ram = int(re.search(r"MemTotal:\s+(\d+)", Path("/proc/meminfo").read_text())[1]) / 1024**2
    wrk_version = subprocess.run(["wrk", "-v"], capture_output=True, text=True).stdout
    return (
        f"Run {datetime.datetime.now(datetime.UTC):%Y-%m-%d %H:%M} UTC on {os.cpu_count()} CPUs "
        f"({cpu[1] if cpu else 'unknown'}), {ram:.1f} GiB RAM, PostgreSQL "
        f"{psql('SHOW server_version')}, Python {platform.python_version()}, "
        f"{wrk_version.split(' [')[0].strip()}; gunicorn 4 sync workers; wrk -t{THREADS} "
        f"-c{CONNECTIONS} -d{duration}s after a {WARMUP} s warm-up. App and load generator "
        "share the machine."
    )


def save(latest: str, prefix: str, text: str, data) -> None:
    """bench/results/<latest>, and <prefix>-<time>.md and .json to keep."""
    stamp = f"{prefix}-{datetime.datetime.now(datetime.UTC):%Y%m%d-%H%M%S}"
    for path in (RESULTS / latest, RESULTS / f"{stamp}.md"):
        path.write_text(text + "\n")
    (RESULTS / f"{stamp}.json").write_text(json.dumps(data, indent=2, default=str))
    log(f"written to bench/results/{latest} and {stamp}.md, .json")


def main() -> int:
    parser = argparse.ArgumentParser(description="The site against a bare Django view, by wrk.")
    parser.add_argument("--sizes", default="300,10000", help="articles, comma-separated")
    parser.add_argument("--duration", type=int, default=10, help="seconds of wrk per URL")
    args = parser.parse_args()

    RESULTS.mkdir(exist_ok=True)
    ensure_command("wrk")
    header = machine(args.duration)
    sizes = sorted(int(size) for size in args.sizes.split(","))
    runs = [run_size(size, args.duration) for size in sizes]
    lines = [header, ""]
    for run in runs:
        base = runs[0]["urls"] if run is not runs[0] else {}
        for name, result in run["urls"].items():
            result["reasons"] = failures(name, result, base.get(name), runs[0]["size"])
        lines += size_table(run)
    passed = not any(r["reasons"] for run in runs for r in run["urls"].values())
    lines.append(f"All targets met: **{'yes' if passed else 'no'}**.")
    print("\n" + "\n".join(lines))
    save("latest.md", "bench", "\n".join(lines), {"machine": header, "runs": runs})
    return 0 if passed else 1


if __name__ == "__main__":
    sys.exit(main())
