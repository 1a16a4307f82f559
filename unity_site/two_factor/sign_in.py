"""Who must sign in with a code, the admin's sign-in form that asks for it, and the admin site
that lets nobody in without it.

- With STAFF_2FA on, a member of staff who may see consultation requests (the permission below;
  superusers have it) must give a code from their authenticator app after the password. With
  STAFF_2FA_FOR_EDITORS every other member of staff must too. Anyone else with a device set up
  uses it: a second factor that could be skipped would protect nothing.
- A wrong code counts as a failed sign-in for the lockout (unity_site/admin_lockout.py).
- A session signed in without the code (before enrolment, or before the rule applied to that
  person) does not open the admin: the sign-in page says why.
"""

from django import forms
from django.conf import settings
from django.contrib import admin
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth.signals import user_login_failed
from django.core.exceptions import ValidationError
from django.db import transaction
from django_otp import DEVICE_ID_SESSION_KEY, devices_for_user, user_has_device
from django_otp.models import Device

# Seeing consultation requests (health data) needs the second factor. A name, not an import:
# this module depends on no app of the project's own.
CONSULTATION_REQUESTS_PERMISSION = "bookings.view_consultationrequest"


def required_for(user) -> bool:
    """Whether this person may not open the admin without a code (whether or not they have a
    device yet)."""
    if not (settings.STAFF_2FA and user.is_active and user.is_staff):
        return False
    return settings.STAFF_2FA_FOR_EDITORS or user.has_perm(CONSULTATION_REQUESTS_PERMISSION)


def asks_for_code(user) -> bool:
    """Whether signing in as this person takes a code: required, or a device is set up."""
    return settings.STAFF_2FA and (required_for(user) or user_has_device(user))


def verified_device(request):
    """The device this session was signed in with, if it is still the user's and confirmed."""
    persistent_id = request.session.get(DEVICE_ID_SESSION_KEY)
    device = Device.from_persistent_id(persistent_id) if persistent_id else None
    if device is None or device.user_id != request.user.pk or not device.confirmed:
        return None
    return device


def missing_second_step(request) -> str:
    """For a signed-in member of staff: "" when nothing is missing, "code" when they must sign
    in again with their code, "enrol" when they need a device first."""
    user = request.user
    if not (settings.STAFF_2FA and user.is_authenticated):
        return ""
    cached = getattr(request, "_staff_second_step", None)
    if cached is not None and cached[0] == user.pk:
        return cached[1]
    if verified_device(request) is not None or not asks_for_code(user):
        missing = ""
    else:
        missing = "code" if user_has_device(user) else "enrol"
    request._staff_second_step = (user.pk, missing)
    return missing


class StaffAuthenticationForm(AdminAuthenticationForm):
    """The admin's sign-in form, with the code from the authenticator app."""

    otp_token = forms.CharField(
        label="Code from your authenticator app",
        required=False,
        max_length=16,
        help_text="The 6 digits your app shows for Unity. Leave it empty if no app is set up "
        "for your account.",
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "spellcheck": "false"}
        ),
    )

    error_messages = {
        **AdminAuthenticationForm.error_messages,
        "code_required": "Enter the 6-digit code your authenticator app shows for Unity.",
        "code_wrong": "That code is not right, or it has expired. Enter the code your "
        "authenticator app shows now.",
        "code_paused": "Too many wrong codes: wait a minute, then enter the code your "
        "authenticator app shows.",
        "not_enrolled": "Your account signs in with a code from an authenticator app, and none "
        "is set up for it yet. Ask an administrator to set one up for you, then sign in again.",
    }

    def clean(self):
        cleaned_data = super().clean()  # the password, and is_staff; raises when wrong
        user = self.get_user()
        if user is not None and asks_for_code(user):
            user.otp_device = self._verified_device(user)  # django_otp.login() keeps it
        return cleaned_data

    def _verified_device(self, user):
        if not user_has_device(user):
            raise ValidationError(self.error_messages["not_enrolled"], code="not_enrolled")
        token = "".join(self.cleaned_data.get("otp_token", "").split())
        if not token:
            raise ValidationError(self.error_messages["code_required"], code="code_required")
        # Each device counts wrong codes and pauses after a few (django-otp's throttling); the
        # count is committed before the error is raised.
        paused = False
        verified = None
        with transaction.atomic():
            for device in devices_for_user(user, for_verify=True):
                allowed, _ = device.verify_is_allowed()
                paused = paused or not allowed
                if device.verify_token(token):
                    verified = device
                    break
        if verified is None:
            # A wrong code is a failed sign-in: django-axes counts it like a wrong password.
            user_login_failed.send(
                sender=__name__,
                credentials={"username": self.cleaned_data.get("username")},
                request=self.request,
            )
            code = "code_paused" if paused else "code_wrong"
            raise ValidationError(self.error_messages[code], code=code)
        return verified


class StaffAdminSite(admin.AdminSite):
    """Django's admin site (admin.site, through StaffAdminConfig), opening only for staff who
    have given their code when they must."""

    login_form = StaffAuthenticationForm
    login_template = "admin/staff_login.html"

    def has_permission(self, request):
        return super().has_permission(request) and not missing_second_step(request)

    def login(self, request, extra_context=None):
        context = {"missing_second_step": missing_second_step(request)}
        return super().login(request, {**context, **(extra_context or {})})
