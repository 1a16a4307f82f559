"""`make bench`: the load benchmark of the site against a bare Django view. See bench/README.md.

    .venv/bin/python bench/run.py        # both sizes; writes the table into bench/README.md
    .venv/bin/python bench/run.py --sizes 300 --duration 5 --no-readme   # a quick look

For each size it creates (once) a PostgreSQL database unity_bench_<size> with generated data,
collects static files, serves the app and the ceiling (bench/ceiling.py) under gunicorn with
production settings, counts SQL queries per URL, then runs wrk against each URL.
"""

import argparse
import datetime
import http.client
import json
import os
import platform
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlencode

import booking_form

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
RESULTS = BENCH / "results"
README = BENCH / "README.md"
PYTHON = sys.executable
GUNICORN = str(Path(PYTHON).with_name("gunicorn"))
START_MARK = "<!-- bench:results:start -->"
END_MARK = "<!-- bench:results:end -->"

PG = {"host": "127.0.0.1", "port": "5432", "user": "postgres"}
APP_PORT, CEILING_PORT = 8601, 8602
CONNECTIONS, THREADS = 32, 2
CONSULTATION_REQUESTS = 100_000

LABELS = {
    "home": "Home",
    "list": "Article list, page 1",
    "list_deep": "Article list, deep page",
    "article": "Article",
    "topic": "Topic",
    "search": "Search",
    "feed": "RSS feed",
    "sitemap": "Sitemap",
    "booking": "Booking POST",
}
# The targets, as ratios to the ceiling.
TARGETS = {
    "home": 0.5,
    "list": 0.5,
    "list_deep": 0.5,
    "article": 0.5,
    "topic": 0.5,
    "search": 0.25,
    "feed": 0.5,
    "sitemap": 0.5,
    "booking": 0.2,
}
P99_LIMIT_MS = 50.0
PAGES = [name for name in TARGETS if name != "booking"]

# wrk prints this line from done(): everything the table needs, in one parseable object.
DONE_LUA = r"""
done = function(summary, latency, requests)
  local errors = summary.errors
  io.write(string.format(
    'BENCH {"requests": %d, "duration_us": %d, "p50_us": %d, "p99_us": %d, ' ..
    '"max_us": %d, "connect": %d, "read": %d, "write": %d, "status": %d, "timeout": %d%s}\n',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(99),
    latency.max, errors.connect, errors.read, errors.write, errors.status, errors.timeout,
    extra_json and extra_json() or ""))
end
"""

GET_LUA = (
    """
wrk.method = "GET"
wrk.headers["X-Forwarded-Proto"] = "https"
wrk.headers["Accept-Encoding"] = "gzip, deflate, br"
wrk.headers["Accept"] = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
"""
    + DONE_LUA
)

# The booking POST counts responses by status class in each thread, then adds them up in done().
POST_LUA = (
    """
local threads = {}
setup = function(thread) table.insert(threads, thread) end
init = function(args) c2xx = 0; c3xx = 0; c4xx = 0; c5xx = 0 end
response = function(status, headers, body)
  if status >= 500 then c5xx = c5xx + 1
  elseif status >= 400 then c4xx = c4xx + 1
  elseif status >= 300 then c3xx = c3xx + 1
  else c2xx = c2xx + 1 end
end
extra_json = function()
  local t = {0, 0, 0, 0}
  for _, thread in ipairs(threads) do
    t[1] = t[1] + thread:get("c2xx"); t[2] = t[2] + thread:get("c3xx")
    t[3] = t[3] + thread:get("c4xx"); t[4] = t[4] + thread:get("c5xx")
  end
  return string.format(', "2xx": %d, "3xx": %d, "4xx": %d, "5xx": %d', t[1], t[2], t[3], t[4])
end
wrk.method = "POST"
wrk.body = BODY
wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
wrk.headers["X-Forwarded-Proto"] = "https"
wrk.headers["Accept-Encoding"] = "gzip, deflate, br"
wrk.headers["Cookie"] = COOKIE
wrk.headers["Origin"] = ORIGIN
wrk.headers["Referer"] = REFERER
"""
    + DONE_LUA
)


def log(message: str) -> None:
    print(f"[bench {datetime.datetime.now(datetime.UTC):%H:%M:%S}] {message}", flush=True)


def lua_string(value: str) -> str:
    return json.dumps(value)  # a JSON string literal is a valid Lua string literal here


# ---------------------------------------------------------------------------------------------
# Environment
# ---------------------------------------------------------------------------------------------


def base_env(size: int | None, static_root: Path) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "unity_site.settings.production",
            "DJANGO_SECRET_KEY": "bench-only-secret-key-not-for-production-8c1f0e7d5a2b4c6e9f3a",
            "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
            "SITE_URL": f"http://127.0.0.1:{APP_PORT}",
            # Nothing listens here: no email worker runs during the benchmark.
            "EMAIL_URL": "smtp://127.0.0.1:2525",
            "REDIS_URL": "redis://127.0.0.1:6379/5",
            "BOOKINGS_RATE_LIMIT": "100000000/h",
            "BOOKINGS_MIN_FILL_SECONDS": "0",
            "DJANGO_STATIC_ROOT": str(static_root),
            "PYTHONDONTWRITEBYTECODE": "1",
        }
    )
    if size is not None:
        env["DATABASE_URL"] = f"postgres://postgres@127.0.0.1:5432/unity_bench_{size}"
    return env


def ensure_command(command: str) -> str:
    """The command's path, after installing Debian's package of the same name if it is missing."""
    found = shutil.which(command)
    if found:
        return found
    log(f"{command} is missing: installing Debian's package")
    sudo = [] if os.geteuid() == 0 else ["sudo"]
    subprocess.run([*sudo, "apt-get", "update", "-qq"], check=True)
    subprocess.run(
        [*sudo, "apt-get", "install", "-y", "-qq", command],
        check=True,
        env={**os.environ, "DEBIAN_FRONTEND": "noninteractive"},
    )
    return shutil.which(command) or sys.exit(f"{command} could not be installed")


def psql(sql: str, database: str = "postgres") -> str:
    result = subprocess.run(
        ["psql", "-h", PG["host"], "-p", PG["port"], "-U", PG["user"], "-d", database,
         "-v", "ON_ERROR_STOP=1", "-Atqc", sql],
        check=True, capture_output=True, text=True,
    )  # fmt: skip
    return result.stdout.strip()


def ensure_database(size: int) -> str:
    name = f"unity_bench_{size}"
    if not psql(f"SELECT 1 FROM pg_database WHERE datname = '{name}'"):
        log(f"creating database {name}")
        psql(f'CREATE DATABASE "{name}"')
    return name


def machine() -> dict[str, str]:
    cpu = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    ram = "unknown"
    try:
        kb = int(re.search(r"MemTotal:\s+(\d+)", Path("/proc/meminfo").read_text()).group(1))
        ram = f"{kb / 1024 / 1024:.1f} GiB"
    except (OSError, AttributeError):
        pass
    try:
        pg = psql("SHOW server_version")
    except subprocess.CalledProcessError:
        pg = "unknown"
    wrk_version = subprocess.run(["wrk", "-v"], capture_output=True, text=True).stdout
    return {
        "cpus": str(os.cpu_count()),
        "cpu": cpu,
        "ram": ram,
        "postgres": pg,
        "python": platform.python_version(),
        "os": platform.platform(),
        "wrk": (wrk_version.split("\n")[0].split(" [")[0] or "wrk").strip(),
        "date": datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M UTC"),
    }


# ---------------------------------------------------------------------------------------------
# Servers
# ---------------------------------------------------------------------------------------------


class Gunicorn:
    """gunicorn <module> --workers 4, as README.md deploys the site; stopped by its own pid."""

    def __init__(self, module: str, port: int, env: dict[str, str], log_path: Path):
        self.port = port
        self.log_file = open(log_path, "w")  # noqa: SIM115 - closed in stop()
        self.process = subprocess.Popen(
            [GUNICORN, module, "--workers", "4", "--bind", f"127.0.0.1:{port}",
             "--access-logfile", "-" if os.environ.get("BENCH_ACCESS_LOG") else "/dev/null"],
            cwd=ROOT, env=env, stdout=self.log_file, stderr=subprocess.STDOUT,
            start_new_session=True,
        )  # fmt: skip
        self.wait_ready()

    def wait_ready(self, timeout: float = 30) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn on port {self.port} exited; see {self.log_file.name}")
            try:
                status, _, _ = request("GET", self.port, "/")
                if status < 500:
                    # Let every worker boot before measuring.
                    time.sleep(1.5)
                    return
            except OSError:
                pass
            time.sleep(0.2)
        raise RuntimeError(f"gunicorn on port {self.port} did not answer; see {self.log_file.name}")

    def stop(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()
        self.log_file.close()


def request(method: str, port: int, path: str, body: str | None = None, headers=None):
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    all_headers = {"X-Forwarded-Proto": "https", **(headers or {})}
    connection.request(method, path, body=body, headers=all_headers)
    response = connection.getresponse()
    data = response.read()
    connection.close()
    return response.status, response.headers, data


def booking_post(port: int) -> dict[str, str]:
    """Take the CSRF cookie and the form's hidden fields from GET /book/, as a browser would."""
    status, headers, html = request("GET", port, "/book/")
    if status != 200:
        raise RuntimeError(f"GET /book/ answered {status}")
    origin = f"https://127.0.0.1:{port}"
    return {
        "body": urlencode(booking_form.fields(html.decode())),
        "cookie": booking_form.csrf_cookie(headers.items()),
        "origin": origin,
        "referer": f"{origin}/book/",
    }


# ---------------------------------------------------------------------------------------------
# wrk
# ---------------------------------------------------------------------------------------------


def run_wrk(wrk: str, port: int, path: str, script: Path, duration: int) -> dict:
    result = subprocess.run(
        [wrk, f"-t{THREADS}", f"-c{CONNECTIONS}", f"-d{duration}s", "--latency",
         "--timeout", "10s", "-s", str(script), f"http://127.0.0.1:{port}{path}"],
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    line = next((ln for ln in result.stdout.splitlines() if ln.startswith("BENCH ")), None)
    if line is None:
        raise RuntimeError(f"wrk printed no result:\n{result.stdout}\n{result.stderr}")
    data = json.loads(line[len("BENCH ") :])
    data["rps"] = data["requests"] / (data["duration_us"] / 1e6)
    data["load"] = os.getloadavg()[0]
    data["p50_ms"] = data["p50_us"] / 1000
    data["p99_ms"] = data["p99_us"] / 1000
    data["errors"] = sum(data[k] for k in ("connect", "read", "write", "timeout"))
    data["non_2xx_3xx"] = data["status"]
    return data


def measure(wrk, port, path, script, duration, warmup) -> dict:
    if warmup:
        run_wrk(wrk, port, path, script, warmup)
    return run_wrk(wrk, port, path, script, duration)


def booking_counts(database: str) -> dict:
    return json.loads(
        psql(
            "SELECT json_build_object("
            "'max_id', (SELECT coalesce(max(id), 0) FROM bookings_consultationrequest),"
            "'requests', (SELECT count(*) FROM bookings_consultationrequest),"
            "'tasks', (SELECT count(*) FROM django_tasks_database_dbtaskresult))",
            database,
        )
    )


def booking_check(database: str, before: dict) -> dict:
    """Every request stored since `before`, with its two emails queued."""
    after = booking_counts(database)
    row = json.loads(
        psql(
            "WITH t AS (SELECT (args_kwargs->'args'->>0)::bigint AS rid, count(*) AS n "
            "FROM django_tasks_database_dbtaskresult "
            "WHERE task_path LIKE 'bookings.%' AND jsonb_typeof(args_kwargs->'args'->0) = 'number' "
            "GROUP BY 1) "
            "SELECT json_build_object("
            "'stored', count(*), "
            "'with_two_emails', count(*) FILTER (WHERE coalesce(t.n, 0) = 2), "
            "'spam', count(*) FILTER (WHERE c.status = 'spam')) "
            f"FROM bookings_consultationrequest c LEFT JOIN t ON t.rid = c.id "
            f"WHERE c.id > {int(before['max_id'])}",
            database,
        )
    )
    row["tasks_added"] = after["tasks"] - before["tasks"]
    return row


# ---------------------------------------------------------------------------------------------
# One size
# ---------------------------------------------------------------------------------------------


def prepare(size: int, requests: int, regenerate: bool = False) -> tuple[str, dict[str, str]]:
    """The database of this size, with its data, and the static files: what serving needs."""
    database = ensure_database(size)
    env = base_env(size, RESULTS / "static")
    log(f"{database}: migrate and generate data (reused when already there)")
    subprocess.run(
        [PYTHON, str(BENCH / "generate.py"), "--articles", str(size),
         "--requests", str(requests)] + (["--force"] if regenerate else []),
        cwd=ROOT, env=env, check=True,
    )  # fmt: skip
    log("collectstatic")
    subprocess.run(
        [PYTHON, "manage.py", "collectstatic", "--noinput", "--clear", "-v0"],
        cwd=ROOT, env=env, check=True,
    )  # fmt: skip
    return database, env


def run_size(size: int, args, wrk: str, workdir: Path) -> dict:
    database, env = prepare(size, args.requests, args.regenerate)
    subprocess.run(["redis-cli", "-n", "5", "FLUSHDB"], check=False, capture_output=True)

    log("SQL queries per URL (in-process test client, cold then warm)")
    planned = subprocess.run(
        [PYTHON, str(BENCH / "queries.py")], cwd=ROOT, env=env, check=True,
        capture_output=True, text=True,
    )  # fmt: skip
    plan = json.loads(planned.stdout.strip().splitlines()[-1])
    urls, queries = plan["urls"], plan["queries"]

    load_before = os.getloadavg()[0]
    ceiling_env = {**env, "DJANGO_SETTINGS_MODULE": "bench.ceiling"}
    ceiling_env.pop("DATABASE_URL", None)
    app = Gunicorn("unity_site.wsgi", APP_PORT, env, RESULTS / f"gunicorn-app-{size}.log")
    ceiling = Gunicorn(
        "bench.ceiling", CEILING_PORT, ceiling_env, RESULTS / f"gunicorn-ceiling-{size}.log"
    )
    results: dict[str, dict] = {}
    try:
        get_lua = workdir / "get.lua"
        get_lua.write_text(GET_LUA)
        # The ceiling is measured before the first URL and again after each one, so every URL's
        # ratio uses the two ceiling runs around it: other load on the machine cancels out.
        log("ceiling")
        ceilings = [measure(wrk, CEILING_PORT, "/", get_lua, args.duration, args.warmup)]

        def bracket(result: dict) -> None:
            log("ceiling")
            ceilings.append(measure(wrk, CEILING_PORT, "/", get_lua, args.duration, 1))
            pair = (ceilings[-2]["rps"], ceilings[-1]["rps"])
            result["ceiling_rps"] = sum(pair) / 2
            # The machine's load changed during this URL's run: the ratio is less certain.
            result["noisy"] = max(pair) > 1.25 * min(pair)

        for name in PAGES:
            path = urls[name]
            status, _, _ = request("GET", APP_PORT, path)
            log(f"{name}: {path} (answers {status})")
            result = measure(wrk, APP_PORT, path, get_lua, args.duration, args.warmup)
            result["path"], result["single_status"] = path, status
            results[name] = result
            bracket(result)

        post = booking_post(APP_PORT)
        post_lua = workdir / "post.lua"
        post_lua.write_text(
            f"BODY = {lua_string(post['body'])}\nCOOKIE = {lua_string(post['cookie'])}\n"
            f"ORIGIN = {lua_string(post['origin'])}\nREFERER = {lua_string(post['referer'])}\n"
            + POST_LUA
        )
        log("booking: POST /book/")
        if args.warmup:
            run_wrk(wrk, APP_PORT, "/book/", post_lua, args.warmup)
            time.sleep(1)
        before = booking_counts(database)
        result = run_wrk(wrk, APP_PORT, "/book/", post_lua, args.duration)
        time.sleep(2)  # requests still in flight when wrk stopped finish and commit
        result["path"] = "/book/"
        result["check"] = check = booking_check(database, before)
        # wrk does not count the (at most one per connection) requests in flight when it stops.
        check["all_stored"] = (
            result["5xx"] == 0
            and result["4xx"] == 0
            and result["3xx"] <= check["stored"] <= result["3xx"] + CONNECTIONS
            and check["with_two_emails"] == check["stored"]
            and check["tasks_added"] == 2 * check["stored"]
            and check["spam"] == 0
        )
        results["booking"] = result
        bracket(result)
    finally:
        app.stop()
        ceiling.stop()

    rates = [c["rps"] for c in ceilings]
    for name, result in results.items():
        result["ratio"] = result["rps"] / result["ceiling_rps"]
        result["queries"] = queries.get(name, {})
    return {
        "size": size,
        "database": database,
        "load_before": load_before,
        "ceiling": {
            "runs": ceilings,
            "rps": sum(rates) / len(rates),
            "min": min(rates),
            "max": max(rates),
            "p50_ms": sorted(c["p50_ms"] for c in ceilings)[len(ceilings) // 2],
            "p99_ms": sorted(c["p99_ms"] for c in ceilings)[len(ceilings) // 2],
        },
        "urls": results,
    }


# ---------------------------------------------------------------------------------------------
# Verdicts and the Markdown table
# ---------------------------------------------------------------------------------------------


def verdicts(runs: list[dict], noise: float) -> None:
    """Adds a pass/fail and its reasons to each URL of each run."""
    by_size = {run["size"]: run for run in runs}
    smallest = min(by_size) if by_size else None
    for run in runs:
        for name, result in run["urls"].items():
            reasons = []
            if result["ratio"] < TARGETS[name]:
                reasons.append(f"ratio {result['ratio']:.2f} < {TARGETS[name]}")
            if name != "booking" and result["p99_ms"] >= P99_LIMIT_MS:
                reasons.append(f"p99 {result['p99_ms']:.0f} ms ≥ {P99_LIMIT_MS:.0f} ms")
            if result["errors"] or result["non_2xx_3xx"]:
                reasons.append(
                    f"{result['non_2xx_3xx']} non-2xx/3xx, {result['errors']} socket errors"
                )
            if name != "booking" and result.get("single_status") != 200:
                reasons.append(f"answers {result.get('single_status')}, not 200")
            if name == "booking" and not result["check"]["all_stored"]:
                reasons.append("not every accepted request stored with 2 emails")
            if run["size"] != smallest and smallest is not None:
                base = by_size[smallest]["urls"].get(name)
                if base and result["ratio"] < base["ratio"] * (1 - noise):
                    reasons.append(
                        f"ratio {result['ratio']:.2f} worse than {base['ratio']:.2f} "
                        f"at {smallest} articles"
                    )
            result["pass"] = not reasons
            result["reasons"] = reasons


def fmt_rps(rps: float) -> str:
    return f"{rps:,.0f}" if rps >= 100 else f"{rps:.1f}"


def fmt_queries(q: dict) -> str:
    if not q:
        return "–"
    return f"{q['warm']} ({q['cold']})"


def markdown(runs: list[dict], info: dict, args) -> str:
    lines = [
        f"Run {info['date']} on {info['cpus']} CPUs ({info['cpu']}), {info['ram']} RAM, "
        f"PostgreSQL {info['postgres']}, Python {info['python']}, {info['wrk']}; "
        f"gunicorn 4 sync workers; wrk -t{THREADS} -c{CONNECTIONS} -d{args.duration}s after a "
        f"{args.warmup} s warm-up. App and load generator share the machine.",
        "",
    ]
    for run in runs:
        ceiling = run["ceiling"]
        loads = [m["load"] for m in [*ceiling["runs"], *run["urls"].values()] if "load" in m]
        load_text = (
            f"from {run['load_before']:.1f} before the run to {max(loads):.1f} at most"
            if loads
            else f"{run['load_before']:.1f} before the run"
        )
        lines += [
            f"### {run['size']:,} articles, {args.requests:,} consultation requests",
            "",
            f"Ceiling (bench/ceiling.py): **{ceiling['rps']:,.0f} req/s** on average over "
            f"{len(ceiling['runs'])} runs, one before the first URL and one after each "
            f"(from {ceiling['min']:,.0f} to {ceiling['max']:,.0f}); median p50 "
            f"{ceiling['p50_ms']:.1f} ms, p99 {ceiling['p99_ms']:.1f} ms. Each URL's ratio is "
            f"to the mean of the two ceiling runs around it. Load average (1 min): "
            f"{load_text}; the load generator alone accounts for about 2.",
            "",
            "| URL | req/s | p50 ms | p99 ms | ceiling req/s | ratio | target | "
            "SQL/request warm (cold) | result |",
            "|---|--:|--:|--:|--:|--:|--:|--:|---|",
        ]
        for name, result in run["urls"].items():
            verdict = "pass" if result["pass"] else "**FAIL**: " + "; ".join(result["reasons"])
            mark = " †" if result.get("noisy") else ""
            lines.append(
                f"| {LABELS[name]} `{result['path']}` | {fmt_rps(result['rps'])} | "
                f"{result['p50_ms']:.1f} | {result['p99_ms']:.1f} | "
                f"{result['ceiling_rps']:,.0f}{mark} | {result['ratio']:.2f} | "
                f"≥ {TARGETS[name]} | {fmt_queries(result['queries'])} | {verdict} |"
            )
        if any(r.get("noisy") for r in run["urls"].values()):
            lines += [
                "",
                "† The two ceiling runs around this URL differ by more than 25 %: other work on "
                "the machine changed during it, so its ratio is less certain.",
            ]
        booking = run["urls"].get("booking")
        if booking:
            check = booking["check"]
            lines += [
                "",
                f"Booking POST: {booking['3xx']:,} redirects (accepted), {booking['2xx']:,} "
                f"form re-displays, {booking['4xx'] + booking['5xx']:,} errors; "
                f"{check['stored']:,} requests stored, {check['with_two_emails']:,} of them with "
                f"2 queued emails ({check['tasks_added']:,} task rows), {check['spam']} as spam. "
                f"Every accepted request stored: **{'yes' if check['all_stored'] else 'no'}**.",
            ]
        lines.append("")
    all_pass = all(r["pass"] for run in runs for r in run["urls"].values())
    lines.append(f"All targets met: **{'yes' if all_pass else 'no'}**.")
    return "\n".join(lines)


def write_readme(section: str) -> None:
    text = README.read_text() if README.exists() else f"{START_MARK}\n{END_MARK}\n"
    if START_MARK not in text or END_MARK not in text:
        text += f"\n## Latest results\n\n{START_MARK}\n{END_MARK}\n"
    head, rest = text.split(START_MARK, 1)
    _, tail = rest.split(END_MARK, 1)
    README.write_text(f"{head}{START_MARK}\n{section}\n{END_MARK}{tail}")


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description="Load benchmark: the site against a bare view.")
    parser.add_argument("--sizes", default="300,10000", help="articles per run, comma-separated")
    parser.add_argument(
        "--requests", type=int, default=CONSULTATION_REQUESTS, help="consultation requests"
    )
    parser.add_argument("--duration", type=int, default=10, help="seconds of wrk per URL")
    parser.add_argument("--warmup", type=int, default=3, help="seconds of warm-up per URL")
    parser.add_argument(
        "--noise", type=float, default=0.10, help="allowance between sizes' ratios (0.10: 10%%)"
    )
    parser.add_argument("--regenerate", action="store_true", help="regenerate the data")
    parser.add_argument("--no-readme", action="store_true", help="do not rewrite bench/README.md")
    args = parser.parse_args(argv)

    sizes = [int(size) for size in args.sizes.split(",") if size.strip()]
    RESULTS.mkdir(exist_ok=True)
    wrk = ensure_command("wrk")
    info = machine()
    runs = []
    with tempfile.TemporaryDirectory(prefix="unity-bench-") as tmp:
        for size in sizes:
            runs.append(run_size(size, args, wrk, Path(tmp)))
    verdicts(runs, args.noise)
    section = markdown(runs, info, args)
    stamp = datetime.datetime.now(datetime.UTC).strftime("%Y%m%d-%H%M%S")
    (RESULTS / f"bench-{stamp}.json").write_text(
        json.dumps({"machine": info, "runs": runs}, indent=2, default=str)
    )
    (RESULTS / f"bench-{stamp}.md").write_text(section + "\n")
    print()
    print(section)
    if not args.no_readme:
        write_readme(section)
        log(f"results written to {README.relative_to(ROOT)} and {RESULTS.relative_to(ROOT)}/")
    return 0 if all(r["pass"] for run in runs for r in run["urls"].values()) else 1


if __name__ == "__main__":
    sys.exit(main())
