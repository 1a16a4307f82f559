"""For the tests that run real servers against PostgreSQL (.ci/run's second pass)."""

import os

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
