"""System checks for staff sign-in; `check --deploy` runs the last two (docs/operations.md)."""

from django.conf import settings
from django.core.checks import Error, Warning


def two_factor_is_enforceable(app_configs, **kwargs):
    """The admin can only ask for codes when django-otp's TOTP devices are installed."""
    needed = ["django_otp", "django_otp.plugins.otp_totp", "django_otp.plugins.otp_static"]
    missing = [app for app in needed if app not in settings.INSTALLED_APPS]
    if settings.STAFF_2FA and missing:
        return [
            Error(
                "STAFF_2FA is on but INSTALLED_APPS lacks " + ", ".join(missing) + ".",
                id="unity.E001",
            )
        ]
    return []


def admin_url_is_moved(app_configs, **kwargs):
    if settings.ADMIN_URL == "admin/":
        return [
            Warning(
                "The admin is at /admin/, the first address every password-guessing robot tries.",
                hint="Set DJANGO_ADMIN_URL to a path of your own, e.g. clinic-staff-7f3a/.",
                id="unity.W001",
            )
        ]
    return []


def two_factor_is_on(app_configs, **kwargs):
    if not settings.STAFF_2FA:
        return [
            Warning(
                "Two-factor sign-in for staff is off: a password alone opens consultation "
                "requests.",
                hint="Unset DJANGO_STAFF_2FA (production turns it on) or set it to true.",
                id="unity.W002",
            )
        ]
    return []
