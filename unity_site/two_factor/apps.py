"""Django's admin, with the staff admin site as `admin.site` (INSTALLED_APPS names this config
instead of "django.contrib.admin")."""

from django.contrib.admin.apps import AdminConfig
from django.core import checks


class StaffAdminConfig(AdminConfig):
    default_site = "unity_site.two_factor.sign_in.StaffAdminSite"

    def ready(self):
        super().ready()
        from . import checks as staff_checks

        checks.register(staff_checks.two_factor_is_enforceable, checks.Tags.security)
        checks.register(staff_checks.admin_url_is_moved, checks.Tags.security, deploy=True)
        checks.register(staff_checks.two_factor_is_on, checks.Tags.security, deploy=True)
