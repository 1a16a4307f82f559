"""Two-factor sign-in for staff (docs/security.md, "Two-factor sign-in"): whoever can see
consultation requests gives a code from an authenticator app after the password; editors only
by setting; nobody in development; a wrong code counts like a wrong password."""

import io
from datetime import timedelta

import pytest
import time_machine
from axes.models import AccessAttempt
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from .test_production_settings import DOCUMENTED_ENVIRONMENT, run

pytestmark = pytest.mark.django_db

PASSWORD = "a-long-test-password"
REQUESTS = "admin:bookings_consultationrequest_changelist"


@pytest.fixture(autouse=True)
def two_factor(settings):
    """As in production: STAFF_2FA on, editors not required."""
    settings.STAFF_2FA = True
    settings.STAFF_2FA_FOR_EDITORS = False
    return settings


@pytest.fixture
def make_staff(django_user_model):
    def make(username, group=None, *, superuser=False):
        user = django_user_model.objects.create_user(
            username=username, password=PASSWORD, is_staff=True, is_superuser=superuser
        )
        if group:
            user.groups.add(Group.objects.get(name=group))
        return user

    return make


@pytest.fixture
def receptionist(make_staff):
    return make_staff("receptionist", "Booking reviewers")


@pytest.fixture
def editor(make_staff):
    return make_staff("writer", "Editors")


def enrol(user) -> TOTPDevice:
    return TOTPDevice.objects.create(user=user, name="Phone")


def code(device: TOTPDevice) -> str:
    """The code the member of staff's app shows now."""
    device.refresh_from_db()
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    return f"{totp.token():0{device.digits}d}"


def sign_in(client, username, otp_token="", password=PASSWORD, address="192.0.2.10"):
    return client.post(
        reverse("admin:login"),
        {"username": username, "password": password, "otp_token": otp_token, "next": "/admin/"},
        REMOTE_ADDR=address,
    )


def test_the_sign_in_page_asks_for_the_code(client):
    page = client.get(reverse("admin:login"))

    assert page.status_code == 200
    assert 'name="otp_token"' in page.text
    assert 'autocomplete="one-time-code"' in page.text
    assert "Code from your authenticator app" in page.text
    # No inline script or style: the page keeps the site's CSP.
    assert "<script>" not in page.text
    assert " style=" not in page.text


def test_whoever_sees_consultation_requests_needs_the_code(client, receptionist):
    device = enrol(receptionist)

    without = sign_in(client, "receptionist")
    assert without.status_code == 200
    assert "Enter the 6-digit code" in without.text
    assert client.get(reverse(REQUESTS)).status_code == 302

    token = code(device)
    with_code = sign_in(client, "receptionist", f" {token[:3]} {token[3:]} ")  # as apps show it
    assert with_code.status_code == 302
    assert client.get(reverse(REQUESTS)).status_code == 200


def test_a_wrong_code_is_refused_and_counts_as_a_failed_sign_in(client, receptionist, settings):
    device = enrol(receptionist)
    wrong = f"{(int(code(device)) + 1) % 10**6:06d}"

    start = timezone.now()
    response = sign_in(client, "receptionist", wrong)
    assert response.status_code == 200
    assert "That code is not right" in response.text
    assert client.get(reverse(REQUESTS)).status_code == 302

    for seconds in range(1, settings.AXES_FAILURE_LIMIT):
        # Past django-otp's own pause after each wrong code.
        with time_machine.travel(start + timedelta(minutes=seconds), tick=False):
            sign_in(client, "receptionist", wrong)
    with time_machine.travel(start + timedelta(minutes=settings.AXES_FAILURE_LIMIT), tick=False):
        refused = sign_in(client, "receptionist", code(device))

    assert refused.status_code == 429
    assert client.get(reverse(REQUESTS)).status_code == 302
    # The codes typed are not kept with the failed attempts.
    assert wrong not in "".join(AccessAttempt.objects.values_list("post_data", flat=True))


def test_codes_in_quick_succession_are_paused(client, receptionist):
    device = enrol(receptionist)
    wrong = f"{(int(code(device)) + 1) % 10**6:06d}"

    with time_machine.travel(timezone.now(), tick=False):
        sign_in(client, "receptionist", wrong)
        sign_in(client, "receptionist", wrong)
        paused = sign_in(client, "receptionist", code(device))

    assert "Too many wrong codes: wait a minute" in paused.text
    assert client.get(reverse(REQUESTS)).status_code == 302


def test_someone_who_must_use_a_code_but_has_no_app_is_told_to_ask_an_administrator(
    client, receptionist
):
    response = sign_in(client, "receptionist")

    assert response.status_code == 200
    assert "Ask an administrator to set one up for you" in response.text
    assert client.get(reverse(REQUESTS)).status_code == 302


def test_administrators_need_the_code_too(client, make_staff):
    make_staff("boss", superuser=True)

    assert "Ask an administrator" in sign_in(client, "boss").text


def test_editors_sign_in_with_a_password_unless_the_setting_says_otherwise(
    client, editor, settings
):
    assert sign_in(client, "writer").status_code == 302
    client.logout()

    settings.STAFF_2FA_FOR_EDITORS = True
    response = sign_in(client, "writer")

    assert response.status_code == 200
    assert "Ask an administrator to set one up for you" in response.text


def test_an_editor_who_has_an_app_uses_it(client, editor):
    device = enrol(editor)

    assert "Enter the 6-digit code" in sign_in(client, "writer").text
    assert sign_in(client, "writer", code(device)).status_code == 302
    assert client.get(reverse("admin:articles_article_changelist")).status_code == 200


def test_a_session_without_the_code_does_not_open_the_admin(client, receptionist):
    """Signed in before the rule applied to them, or before their app was set up."""
    client.force_login(receptionist)

    assert client.get(reverse(REQUESTS)).status_code == 302
    page = client.get(reverse("admin:login"))
    assert page.status_code == 200
    assert "none is set up for it yet. Ask an administrator" in page.text

    enrol(receptionist)
    page = client.get(reverse("admin:login"))
    assert "Please sign in again with it" in page.text
    assert client.get(reverse("admin:index")).status_code == 302


def test_a_session_ends_its_admin_access_when_its_device_is_removed(client, receptionist):
    device = enrol(receptionist)
    assert sign_in(client, "receptionist", code(device)).status_code == 302

    device.delete()

    assert client.get(reverse(REQUESTS)).status_code == 302


def test_without_staff_2fa_a_password_is_enough(client, receptionist, settings):
    settings.STAFF_2FA = False

    assert sign_in(client, "receptionist").status_code == 302
    assert client.get(reverse(REQUESTS)).status_code == 200


def test_an_administrator_enrols_a_member_of_staff_in_admin(client, make_staff, receptionist):
    """The administrator adds a TOTP device for them and shows them its QR code to scan."""
    boss = make_staff("boss", superuser=True)
    call_command("addstatictoken", "boss", token="51738264", stdout=io.StringIO())
    assert sign_in(client, "boss", "51738264").status_code == 302

    added = client.post(
        reverse("admin:otp_totp_totpdevice_add"),
        {
            "user": receptionist.pk,
            "name": "Phone",
            "confirmed": "on",
            "key": "3132333435363738393031323334353637383930",
            "step": 30,
            "t0": 0,
            "digits": 6,
            "tolerance": 1,
            "drift": 0,
            "throttling_failure_count": 0,
        },
    )
    assert added.status_code == 302, added.context["adminform"].form.errors
    device = TOTPDevice.objects.get(user=receptionist)
    config = client.get(reverse("admin:otp_totp_totpdevice_config", args=[device.pk]))
    assert config.status_code == 200
    assert "otpauth://totp/Unity%20clinic%3Areceptionist?secret=" in config.text
    assert "issuer=Unity%20clinic" in config.text
    qr = client.get(reverse("admin:otp_totp_totpdevice_qrcode", args=[device.pk]))
    assert qr.status_code == 200
    assert qr["Content-Type"] == "image/svg+xml"

    client.logout()
    assert sign_in(client, "receptionist", code(device)).status_code == 302
    assert boss.staticdevice_set.get().token_set.count() == 0  # the one-time code is used up


def test_a_one_time_code_from_the_command_line_works_once(client, receptionist):
    output = io.StringIO()
    call_command("addstatictoken", "receptionist", stdout=output)
    token = output.getvalue().strip()

    assert sign_in(client, "receptionist", token).status_code == 302
    client.logout()
    assert "That code is not right" in sign_in(client, "receptionist", token).text


@pytest.mark.parametrize(
    ("module", "environment", "expected"),
    [
        ("production", {}, True),
        ("production", {"DJANGO_STAFF_2FA": "false"}, False),
        ("development", {}, False),
    ],
)
def test_two_factor_is_on_in_production_and_off_in_development(
    tmp_path, module, environment, expected
):
    script = "from django.conf import settings; print(settings.STAFF_2FA)"
    env = {
        **DOCUMENTED_ENVIRONMENT,
        "DJANGO_SETTINGS_MODULE": f"unity_site.settings.{module}",
        **environment,
    }

    result = run(["-c", script], environment=env, tmp_path=tmp_path)

    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == str(expected)


@pytest.mark.parametrize(
    ("environment", "warning"),
    [
        ({"DJANGO_ADMIN_URL": "admin/"}, "unity.W001"),
        ({"DJANGO_STAFF_2FA": "false"}, "unity.W002"),
    ],
)
def test_check_deploy_warns_about_the_default_admin_url_and_2fa_off(tmp_path, environment, warning):
    result = run(
        ["manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        environment={**DOCUMENTED_ENVIRONMENT, **environment},
        tmp_path=tmp_path,
    )

    assert result.returncode != 0
    assert warning in result.stderr
