"""Two app servers and two email workers against one PostgreSQL and one Redis, as in production.

State lives only in PostgreSQL (requests, the email outbox, admin sign-in failures) and Redis
(the booking rate limit), so a client that is spread across both servers meets one rate limit
and one lockout, and each email goes out exactly once. Runs only on PostgreSQL (with SQLite
there is one machine by definition); Redis at UNITY_TEST_REDIS_URL, as on CI.
"""

import email
import email.policy
import http.client
import os
import re
import socket
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlencode

import pytest
from aiosmtpd.controller import Controller
from django.db import connection
from django_tasks_db.models import DBTaskResult

from bookings import antispam
from bookings.models import ConsultationRequest
from tests.resilience.postgresql_only import collectstatic, needs_postgresql, stop

ROOT = Path(__file__).resolve().parents[2]
HOST = "www.unity-clinic.example"
SECRET_KEY = "two-servers-test-key-7Jq2vP9sLm4Rt8wZc1KbN6yHd3FgA0eUo5iTlQpX"
RATE_LIMIT = 3
STARTUP_SECONDS = 60
DELIVERY_SECONDS = 60

pytestmark = needs_postgresql("the two-server tests")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Inbox:
    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's API
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        self.messages.append((tuple(envelope.rcpt_tos), message))
        return "250 OK"


class Server:
    """One gunicorn instance, spoken to as the reverse proxy would (HTTPS, the site's host)."""

    def __init__(self, port: int):
        self.port = port
        self.cookies: dict[str, str] = {}

    def request(self, method, path, fields=None, client_address="198.51.100.20"):
        connection_ = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        headers = {
            "Host": HOST,
            "X-Forwarded-Proto": "https",
            "X-Forwarded-For": client_address,
            "Origin": f"https://{HOST}",
            "Referer": f"https://{HOST}{path}",
        }
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        body = None
        if fields is not None:
            body = urlencode(fields, doseq=True)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        try:
            connection_.request(method, path, body=body, headers=headers)
            response = connection_.getresponse()
            text = response.read().decode()
            for header, value in response.getheaders():
                if header.lower() == "set-cookie":
                    name, _, rest = value.partition("=")
                    self.cookies[name] = rest.split(";")[0]
            return response.status, text
        finally:
            connection_.close()

    def csrf_token(self, path) -> str:
        status, text = self.request("GET", path)
        assert status == 200, text
        return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', text).group(1)


def wait_until(condition, seconds, what):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.2)
    pytest.fail(f"timed out waiting for {what}")


@pytest.fixture
def topology(tmp_path, live_server_database_url, redis_url, settings):
    """Two gunicorn app servers, two db_workers, an SMTP server: all started here, all stopped
    at the end by their own process ids."""
    inbox = Inbox()
    smtp_port = free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=smtp_port)
    controller.start()

    env = {key: value for key, value in os.environ.items() if not key.startswith("DJANGO_")}
    env.update(
        DJANGO_SETTINGS_MODULE="unity_site.settings.production",
        DJANGO_SECRET_KEY=SECRET_KEY,
        DJANGO_ALLOWED_HOSTS=HOST,
        DJANGO_STATIC_ROOT=str(tmp_path / "static"),
        DATABASE_URL=live_server_database_url,
        REDIS_URL=redis_url,
        EMAIL_URL=f"smtp://127.0.0.1:{smtp_port}",
        BOOKINGS_RATE_LIMIT=f"{RATE_LIMIT}/h",
        CLIENT_IP_HEADER="X-Forwarded-For",
        BOOKINGS_NOTIFY_EMAILS="front-desk@unity-clinic.example",
        DJANGO_LOG_LEVEL="WARNING",
    )
    bin_dir = Path(sys.executable).parent
    collectstatic(env)

    processes = []
    servers = []

    def start(args):
        log = open(tmp_path / f"process-{len(processes)}.log", "w")  # noqa: SIM115
        processes.append(
            (
                subprocess.Popen(
                    args, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
                    start_new_session=True,
                ),
                log,
            )
        )  # fmt: skip

    try:
        for _ in range(2):
            port = free_port()
            start(
                [
                    str(bin_dir / "gunicorn"),
                    "unity_site.wsgi",
                    f"--bind=127.0.0.1:{port}",
                    "--workers=2",
                    "--timeout=60",
                ]
            )
            servers.append(Server(port))
        for _ in range(2):
            start(
                [
                    sys.executable,
                    "manage.py",
                    "db_worker",
                    "--no-reload",
                    "--interval=0.2",
                    "--no-startup-delay",
                ]
            )
        for server in servers:
            wait_until(lambda server=server: _healthy(server), STARTUP_SECONDS, "the app servers")
        yield servers, inbox
    finally:
        for process, log in processes:
            stop(process, log)
        controller.stop()
        # The workers' connections are gone before the test database is flushed and dropped.
        connection.close()


def _healthy(server: Server) -> bool:
    try:
        return server.request("GET", "/healthz")[0] == 200
    except OSError:
        return False


@pytest.fixture
def live_server_database_url():
    """The test database, as a DATABASE_URL the other processes can use."""
    database = connection.settings_dict
    user = database["USER"] or "postgres"
    password = f":{database['PASSWORD']}" if database["PASSWORD"] else ""
    host = database["HOST"] or "127.0.0.1"
    port = database["PORT"] or 5432
    return f"postgres://{user}{password}@{host}:{port}/{database['NAME']}"


def booking(settings, csrf_token, number):
    with_server_key = settings.SECRET_KEY
    settings.SECRET_KEY = SECRET_KEY
    try:
        shown = antispam.form_shown_token(now=time.time() - 600)  # not too fast, not too old
    finally:
        settings.SECRET_KEY = with_server_key
    return {
        "csrfmiddlewaretoken": csrf_token,
        "name": f"Reader {number}",
        "email": f"reader{number}@example.com",
        "phone": "",
        "help_with": "Running injuries",
        "contact_method": "email",
        "preferred_times": ["saturday"],
        "message": "",
        "consent": "on",
        "form_shown_at": shown,
        "website": "",
    }


def test_two_servers_share_the_rate_limit_and_each_email_goes_out_once(topology, settings):
    (first, second), inbox = topology
    token = first.csrf_token("/book/")
    second.cookies = dict(first.cookies)  # one browser, its requests spread by the proxy

    sent = RATE_LIMIT + 2
    for number in range(sent):
        server = (first, second)[number % 2]
        status, text = server.request("POST", "/book/", booking(settings, token, number))
        assert status == 302, text[:2000]

    # Each server alone would have let all of them through (3 of the 5 went to the first).
    statuses = list(ConsultationRequest.objects.order_by("pk").values_list("status", flat=True))
    assert statuses == ["new"] * RATE_LIMIT + ["held"] * (sent - RATE_LIMIT)

    wait_until(
        lambda: (
            not DBTaskResult.objects.exclude(status__in=["SUCCESSFUL", "FAILED"]).exists()
            and len(inbox.messages) >= 2 * RATE_LIMIT
        ),
        DELIVERY_SECONDS,
        "the workers to send every email",
    )
    assert DBTaskResult.objects.filter(status="SUCCESSFUL").count() == 2 * RATE_LIMIT
    recipients = sorted(rcpts for rcpts, _ in inbox.messages)
    expected = sorted(
        [("front-desk@unity-clinic.example",)] * RATE_LIMIT
        + [(f"reader{number}@example.com",) for number in range(RATE_LIMIT)]
    )
    assert recipients == expected  # every email exactly once, none for the held ones


def test_a_lockout_on_one_server_holds_on_the_other(topology, django_user_model, settings):
    (first, second), _ = topology
    django_user_model.objects.create_user(
        username="physio", password="a-long-test-password", is_staff=True
    )
    token = first.csrf_token("/admin/login/")
    second.cookies = dict(first.cookies)

    for number in range(settings.AXES_FAILURE_LIMIT):
        server = (first, second)[number % 2]
        server.request(
            "POST",
            "/admin/login/",
            {"csrfmiddlewaretoken": token, "username": "physio", "password": f"guess{number}"},
        )

    for server in (first, second):
        status, text = server.request(
            "POST",
            "/admin/login/",
            {
                "csrfmiddlewaretoken": token,
                "username": "physio",
                "password": "a-long-test-password",
            },
        )
        assert status == 429, text[:500]
