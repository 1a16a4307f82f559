"""For the tests that run real servers against PostgreSQL (.ci/run's second pass)."""

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest


def needs_postgresql(what: str):
    """The marks of a test that runs real servers against PostgreSQL: skipped on SQLite, where
    .ci/run's second pass runs it."""
    return [
        pytest.mark.skipif(
            not os.environ.get("DATABASE_URL", "").startswith(("postgres://", "postgresql://")),
            reason=f"{what} need DATABASE_URL to point at PostgreSQL",
        ),
        pytest.mark.django_db(transaction=True),
    ]


ROOT = Path(__file__).resolve().parents[2]


def collectstatic(env: dict) -> None:
    """The static files a production server started with `env` serves (DJANGO_STATIC_ROOT)."""
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"],
        cwd=ROOT,
        env=env,
        check=True,
        timeout=300,
    )


def stop(process: subprocess.Popen, log) -> None:
    """Stops a server started in its own process group (start_new_session), and its log."""
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()
    log.close()
