from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand, CommandError
from django.urls import reverse

from articles.importing import read_article_files
from articles.models import Clinician, Topic
from articles.services import article_import
from bookings.bank_holidays import bank_holiday_closures_add
from bookings.models import BookingPolicy, WeeklyHours

DEMO_DIR = Path(__file__).resolve().parents[2] / "demo"
DEMO_PASSWORD = "unity-dev-only"
# One login per staff role (docs/security.md, "Staff roles"): username, group (None for the
# superuser) and what the role may do.
DEMO_LOGINS = [
    ("editor", "Editors", "writes, schedules and publishes articles"),
    ("reviewer", "Clinical reviewers", "records articles' clinical reviews"),
    ("receptionist", "Booking reviewers", "works consultation requests, keeps the diary"),
    ("administrator", None, "everything, staff accounts included"),
]

CLINICIANS = [
    {
        "name": "Priya Raman",
        "slug": "priya-raman",
        "role": "Clinical Lead Physiotherapist",
        "credentials": "MSc MCSP",
        "bio": "Priya has treated back and neck pain for fifteen years and leads Unity's "
        "clinical team. She runs, badly but happily.",
        "offers_free_consultations": True,
    },
    {
        "name": "Tom Adeyemi",
        "slug": "tom-adeyemi",
        "role": "Sports Physiotherapist",
        "credentials": "BSc (Hons) MCSP",
        "bio": "Tom works with runners and club athletes, from first 5 km to marathon, "
        "and specialises in getting people back to sport after injury.",
        "offers_free_consultations": True,
    },
]
# The demo clinicians' week, so that readers can book at once: weekdays with a lunch break.
DEMO_WEEK = [
    (weekday, starts, ends)
    for weekday in range(5)
    for starts, ends in (("09:00", "12:30"), ("13:30", "17:00"))
]
TOPIC_DESCRIPTIONS = {
    "Low back pain": "Why backs hurt, what helps, and when to get them checked.",
    "Running injuries": "Staying on your feet: common running problems and how to recover.",
    "Knee pain": "Understanding and easing pain in and around the knee.",
    "Neck and shoulder pain": "Stiff necks, sore shoulders and how to keep them moving.",
    "Work and posture": "Comfortable ways to work at a desk, a counter or on your feet.",
    "Recovery and rehabilitation": "Getting back to the things you love after injury or surgery.",
}


class Command(BaseCommand):
    help = (
        "Load the demo clinicians (who offer free consultations on weekdays), topics and "
        "articles, close the clinic on the coming bank holidays and ensure one staff login per "
        "role. Safe to run again: nothing is duplicated. Development only."
    )

    def handle(self, *args, **options):
        if not settings.DEBUG:
            raise CommandError("Demo content and the demo logins are for development only.")
        for details in CLINICIANS:
            clinician, _ = Clinician.objects.update_or_create(
                name=details["name"], defaults=details
            )
            self._ensure_weekly_hours(clinician)
        BookingPolicy.current()
        bank_holiday_closures_add()
        documents, errors = read_article_files(sorted(DEMO_DIR.glob("*.md")))
        if errors:
            raise CommandError("\n".join(str(error) for error in errors))
        articles = article_import(documents=documents)
        for name, description in TOPIC_DESCRIPTIONS.items():
            Topic.objects.filter(name=name).update(description=description)
        self.stdout.write(f"Demo content: {len(articles)} articles.")
        self._ensure_demo_logins()

    @staticmethod
    def _ensure_weekly_hours(clinician):
        # Only for a clinician with none: hours changed in admin survive the next `make run`.
        if not clinician.weekly_hours.exists():
            WeeklyHours.objects.bulk_create(
                WeeklyHours(clinician=clinician, weekday=weekday, starts=starts, ends=ends)
                for weekday, starts, ends in DEMO_WEEK
            )

    def _ensure_demo_logins(self):
        group_names = [group for _, group, _ in DEMO_LOGINS if group]
        groups = {group.name: group for group in Group.objects.filter(name__in=group_names)}
        if missing := [name for name in group_names if name not in groups]:
            names = ", ".join(missing)
            raise CommandError(f"The staff groups {names} are missing: run `manage.py migrate`.")
        admin_url = settings.SITE_URL + reverse("admin:index")
        self.stdout.write(f"Development logins for {admin_url} (development only):")
        for username, group_name, role in DEMO_LOGINS:
            user, _ = get_user_model().objects.get_or_create(username=username)
            user.is_active = user.is_staff = True
            user.is_superuser = group_name is None
            # Left alone when it already works, so a running session survives `make run`.
            if not user.check_password(DEMO_PASSWORD):
                user.set_password(DEMO_PASSWORD)
            user.save()
            user.groups.set([groups[group_name]] if group_name else [])
            user.user_permissions.clear()
            login = f"{username} / {DEMO_PASSWORD}"
            kind = f"group {group_name}" if group_name else "superuser"
            self.stdout.write(self.style.SUCCESS(f"  {login:<32}{kind}: {role}"))
