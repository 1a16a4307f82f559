"""Production settings, loaded for real in a subprocess with only the documented environment."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from .conftest import PRODUCTION_SECURITY_SETTINGS

ROOT = Path(__file__).resolve().parents[2]
DOCUMENTED_ENVIRONMENT = {
    "DJANGO_SETTINGS_MODULE": "unity_site.settings.production",
    "DJANGO_SECRET_KEY": "k3v9-Xq2pLm8_Rt4wZc7bN1yHd6FgA0eUo5iTlQpXrMvCsWnEjB",
    "DJANGO_ALLOWED_HOSTS": "www.unity-clinic.example",
    "EMAIL_URL": "smtp://mailer:secret@mail.unity-clinic.example:587",
    "SITE_URL": "https://www.unity-clinic.example",
    "DJANGO_ADMIN_URL": "clinic-staff-7f3a/",
}


def run(args, *, environment, tmp_path):
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "EMAIL_", "HEALTHZ_", "BOOKINGS_", "SITE_URL"))
    }
    env.setdefault("DATABASE_URL", f"sqlite:///{tmp_path / 'production.sqlite3'}")
    env.update(environment)
    return subprocess.run(
        [sys.executable, *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )


def test_check_deploy_is_clean_with_the_documented_environment(tmp_path):
    result = run(
        ["manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        environment=DOCUMENTED_ENVIRONMENT,
        tmp_path=tmp_path,
    )

    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


@pytest.mark.parametrize("missing", ["DJANGO_SECRET_KEY", "DJANGO_ALLOWED_HOSTS"])
def test_production_refuses_to_start_without_its_secrets(tmp_path, missing):
    environment = {key: v for key, v in DOCUMENTED_ENVIRONMENT.items() if key != missing}

    result = run(["manage.py", "check"], environment=environment, tmp_path=tmp_path)

    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert f"Set {missing}" in result.stderr


def test_the_header_tests_use_exactly_productions_security_settings(tmp_path):
    names = list(PRODUCTION_SECURITY_SETTINGS)
    script = (
        "import json; from django.conf import settings; "
        f"print(json.dumps({{name: getattr(settings, name) for name in {names!r}}}))"
    )

    result = run(["-c", script], environment=DOCUMENTED_ENVIRONMENT, tmp_path=tmp_path)

    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout.strip().splitlines()[-1]) == PRODUCTION_SECURITY_SETTINGS


def test_the_admin_address_is_configurable(tmp_path):
    script = (
        "import django; django.setup(); from django.urls import reverse; "
        "print(reverse('admin:index'))"
    )

    result = run(
        ["-c", script],
        environment={**DOCUMENTED_ENVIRONMENT, "DJANGO_ADMIN_URL": "clinic-staff-7f3a/"},
        tmp_path=tmp_path,
    )

    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == "/clinic-staff-7f3a/"
