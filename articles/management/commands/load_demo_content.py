from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.urls import reverse

from articles.importing import read_article_files
from articles.models import Clinician, Topic
from articles.services import article_import

DEMO_DIR = Path(__file__).resolve().parents[2] / "demo"
DEV_STAFF_USERNAME = "editor"
DEV_STAFF_PASSWORD = "unity-dev-only"

CLINICIANS = [
    {
        "name": "Priya Raman",
        "slug": "priya-raman",
        "role": "Clinical Lead Physiotherapist",
        "credentials": "MSc MCSP",
        "bio": "Priya has treated back and neck pain for fifteen years and leads Unity's "
        "clinical team. She runs, badly but happily.",
    },
    {
        "name": "Tom Adeyemi",
        "slug": "tom-adeyemi",
        "role": "Sports Physiotherapist",
        "credentials": "BSc (Hons) MCSP",
        "bio": "Tom works with runners and club athletes, from first 5 km to marathon, "
        "and specialises in getting people back to sport after injury.",
    },
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
        "Load the demo clinicians, topics and articles and ensure a development staff login. "
        "Safe to run again: nothing is duplicated. Development only."
    )

    def handle(self, *args, **options):
        if not settings.DEBUG:
            raise CommandError("Demo content and the demo login are for development only.")
        for clinician in CLINICIANS:
            Clinician.objects.update_or_create(name=clinician["name"], defaults=clinician)
        documents, errors = read_article_files(sorted(DEMO_DIR.glob("*.md")))
        if errors:
            raise CommandError("\n".join(str(error) for error in errors))
        articles = article_import(documents=documents)
        for name, description in TOPIC_DESCRIPTIONS.items():
            Topic.objects.filter(name=name).update(description=description)
        self.stdout.write(f"Demo content: {len(articles)} articles.")
        self._ensure_staff_login()

    def _ensure_staff_login(self):
        user, _ = get_user_model().objects.get_or_create(username=DEV_STAFF_USERNAME)
        user.is_staff = user.is_superuser = True
        user.set_password(DEV_STAFF_PASSWORD)
        user.save()
        admin_url = settings.SITE_URL + reverse("admin:index")
        self.stdout.write(
            self.style.SUCCESS(
                f"Development staff login: {DEV_STAFF_USERNAME} / {DEV_STAFF_PASSWORD} "
                f"at {admin_url} (development only)"
            )
        )
