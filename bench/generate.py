"""The benchmark's data, in a PostgreSQL database named unity_bench*, run by bench/run.py:

    python bench/generate.py 300    # with run.py's environment: production settings, DATABASE_URL

Migrates, then creates 20 clinicians, 20 topics, N articles (about 450 words with four "##"
sections and [n] citations, 8 references and 2 topics each; 2 % drafts, 1 % scheduled) and
100,000 consultation requests. Ten of the clinicians offer free consultations, every day from
07:00 to 21:00 with a lunch break (CONSULTATION_WEEK). Articles go through Article.save() and
requests through their model's save() (then written in bulk), so every field a model derives on
save is filled as in production; only the Markdown rendering is memoised. The size and the
applied migrations are kept as a COMMENT on the database, and the data is reused while they
match: drop the database to regenerate it.

Booked times are made again on every run, since they must lie ahead of now (booked_times): the
bank holidays of the next 400 days as closures (as `manage.py housekeeping` adds them), a day of
leave for each of the ten clinicians, and 5,000 bookings drawn at random from the free slots of
the next 28 days, so each is valid: on the slot grid, within hours, clear of closures and of
one another. Every booking made before, the benchmark's own included, is deleted first.
"""

import datetime
import functools
import hashlib
import itertools
import os
import random
import sys
from pathlib import Path
from unittest import mock

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "unity_site.settings.production")

REQUESTS = 100_000
GENERATOR_VERSION = 3  # 3: clinicians with weekly hours
BATCH = 5000
# Free consultations: the first ten clinicians, every day in two ranges around lunch, and the
# bookings ahead of now, made again on every run. Long days, so that after the 5,000 bookings
# about 4,500 slots stay free: each POST of run.py's "Booking POST (a time)" books another one.
BOOKABLE_CLINICIANS = 10
CONSULTATION_WEEK = [
    (weekday, starts, ends)
    for weekday in range(7)
    for starts, ends in (("07:00", "13:00"), ("14:00", "21:00"))
]
BOOKINGS = 5_000
LEFT_FREE_AT_LEAST = 3_000

CLINICIANS = [
    ("Priya Raman", "Clinical Lead Physiotherapist", "BSc (Hons) MCSP"),
    ("Tom Adeyemi", "Sports Physiotherapist", "MSc MCSP"),
    ("Hannah Clarke", "Physiotherapist", "BSc (Hons) MCSP HCPC"),
    ("Oliver Bennett", "Musculoskeletal Physiotherapist", "MSc MCSP"),
    ("Amira Haddad", "Pelvic Health Physiotherapist", "BSc MCSP"),
    ("James O'Connor", "Sports Rehabilitator", "BSc GSR"),
    ("Sophie Turner", "Neurological Physiotherapist", "MSc MCSP"),
    ("Daniel Okafor", "Physiotherapist", "BSc (Hons) MCSP"),
    ("Grace Whitfield", "Paediatric Physiotherapist", "BSc MCSP"),
    ("Rohan Mehta", "Spinal Physiotherapist", "MSc MCSP MMACP"),
    ("Lucy Fairbairn", "Physiotherapist", "BSc (Hons) HCPC"),
    ("Ewan MacLeod", "Sports Physiotherapist", "MSc MCSP"),
    ("Chloe Nwosu", "Hand Therapist", "BSc MCSP"),
    ("Marek Kowalski", "Physiotherapist", "MSc HCPC"),
    ("Fatima Begum", "Women's Health Physiotherapist", "BSc MCSP"),
    ("Ben Hartley", "Strength and Conditioning Coach", "MSc ASCC"),
    ("Isla Morrison", "Physiotherapist", "BSc (Hons) MCSP"),
    ("Samuel Osei", "Rehabilitation Physiotherapist", "MSc MCSP"),
    ("Niamh Doyle", "Physiotherapist", "BSc MCSP"),
    ("William Ashdown", "Consultant Physiotherapist", "PhD MCSP"),
]

TOPICS = [
    "Back pain", "Neck pain", "Knee pain", "Shoulder pain", "Hip pain", "Running injuries",
    "Sports injuries", "Posture and desk work", "Strength training", "Pregnancy and postnatal",
    "Older adults", "Arthritis", "Foot and ankle", "Hand and wrist", "Headaches",
    "Recovery after surgery", "Chronic pain", "Children and teenagers", "Exercise", "Sleep",
]  # fmt: skip

CONDITIONS = [
    "runner's knee", "lower back pain", "a stiff neck", "shin splints", "plantar heel pain",
    "tennis elbow", "a frozen shoulder", "hip flexor strain", "Achilles tendon pain",
    "sciatica", "a rotator cuff tear", "an ankle sprain", "knee osteoarthritis",
    "carpal tunnel symptoms", "a hamstring strain", "pelvic girdle pain", "tension headaches",
    "whiplash", "a calf strain", "jumper's knee", "hip bursitis", "a slipped disc",
    "De Quervain's tendinopathy", "golfer's elbow", "an ACL reconstruction",
]  # fmt: skip
ANGLES = [
    "what helps in the first six weeks", "why it happens and what to do",
    "exercises you can start today", "when to see a physiotherapist",
    "myths and facts", "a guide for desk workers", "getting back to running",
    "what the evidence says", "a plan for the first fortnight", "how to sleep better with it",
]  # fmt: skip
SECTION_TITLES = [
    "Why it happens", "What helps straight away", "Exercises that help", "How long it takes",
    "When to get help", "What the research says", "Common mistakes", "Getting back to sport",
    "At work and at home", "Pain relief", "A weekly plan", "Questions we are often asked",
]  # fmt: skip
SENTENCES = [
    "Most people improve within a few weeks when they keep moving within comfortable limits",
    "The tissues adapt to load, so the aim is to add load gradually rather than to rest completely",
    "Pain during exercise is acceptable if it stays mild and settles by the next morning",
    "Sleep, stress and general fitness all change how sensitive the area feels",
    "A short walk every hour breaks up long spells of sitting and eases stiffness",
    "Strength work for the hips and thighs reduces the load on the knee during running",
    "Scans rarely change the treatment and often show changes that are normal for your age",
    "Heat can ease muscle spasm, while ice may help in the first two days after an injury",
    "Simple painkillers can help you stay active, but ask a pharmacist if you take other medicines",
    "Increase your weekly running distance by no more than about ten percent",
    "Slow, controlled movements build strength in the tendon without irritating it",
    "Your physiotherapist will check how you move and adjust the plan to your goals",
    "Numbness, weakness or pain that wakes you every night needs a prompt assessment",
    "A graded return lets you test each step before you move on to the next",
    "Supportive shoes help some people, but they are not a cure on their own",
    "Breathing and relaxation techniques can reduce muscle tension in the neck and shoulders",
    "Keeping a simple diary of activity and pain shows which changes make a difference",
    "Most flare-ups settle within days, even when the pain feels intense at first",
    "Stretching alone is rarely enough; strength and gradual loading do most of the work",
    "Working with your physiotherapist, set goals that matter to you, such as a park run",
    "Balance exercises on one leg lower the chance of spraining the ankle again",
    "Getting up from a chair without using your hands is a useful test of leg strength",
    "Regular movement keeps the joint nourished, because cartilage has no blood supply of its own",
    "The NHS recommends at least 150 minutes of moderate activity a week for adults",
]  # fmt: skip
PUBLISHERS = [
    ("NHS", "nhs.uk", "https://www.nhs.uk/conditions/"),
    ("NICE", "nice.org.uk", "https://www.nice.org.uk/guidance/"),
    ("Chartered Society of Physiotherapy", "csp.org.uk", "https://www.csp.org.uk/"),
    ("Versus Arthritis", "versusarthritis.org", "https://www.versusarthritis.org/"),
    ("British Journal of Sports Medicine", "BMJ", "https://bjsm.bmj.com/content/"),
    ("Cochrane", "cochranelibrary.com", "https://www.cochranelibrary.com/cdsr/"),
    ("Journal of Physiotherapy", "Elsevier", "https://www.journalofphysiotherapy.com/"),
    ("Bupa UK", "bupa.co.uk", "https://www.bupa.co.uk/health-information/"),
]
FIRST_NAMES = [
    "Alex", "Sam", "Jordan", "Priya", "Mohammed", "Olivia", "Jack", "Amelia", "Noah", "Isla",
    "Leo", "Ava", "Zara", "Kofi", "Mei", "Tomasz", "Aoife", "Ravi", "Ellie", "Owen",
]  # fmt: skip
LAST_NAMES = [
    "Smith", "Jones", "Patel", "Khan", "Williams", "Brown", "Taylor", "Davies", "Evans",
    "Wilson", "Thomas", "Roberts", "Walker", "Wright", "Hughes", "Green", "Clarke", "Lewis",
    "Ahmed", "Murphy",
]  # fmt: skip


def make_body(rng: random.Random) -> str:
    """About 450 words: an introduction and four "##" sections citing references [1]-[8]."""

    def paragraph(sentences: int) -> str:
        parts = []
        for _ in range(sentences):
            sentence = rng.choice(SENTENCES)
            if rng.random() < 0.35:
                sentence += f" [{rng.randint(1, 8)}]"
            parts.append(sentence + ".")
        return " ".join(parts)

    blocks = [paragraph(4)]
    for title in rng.sample(SECTION_TITLES, 4):
        blocks.append(f"## {title}")
        blocks.append(paragraph(4))
        if rng.random() < 0.5:
            blocks.append("\n".join(f"- {rng.choice(SENTENCES)}." for _ in range(3)))
        else:
            blocks.append(paragraph(3))
    return "\n\n".join(blocks) + "\n"


def generate_articles(rng: random.Random, articles: int, now: datetime.datetime) -> None:
    from django.utils.text import slugify

    import articles.models as article_models
    from articles.models import Article, Clinician, Reference, Topic
    from articles.rendering import render_body
    from bookings.models import WeeklyHours

    # Markdown rendering is the slow part of Article.save(): render each distinct body once.
    article_models.render_body = functools.lru_cache(maxsize=None)(render_body)
    bodies = [make_body(rng) for _ in range(min(articles, 400))]
    clinicians = [
        Clinician.objects.create(
            name=name,
            slug=slugify(name),
            role=role,
            credentials=credentials,
            bio=f"{name.split()[0]} has worked in NHS and private practice for over ten years.",
            offers_free_consultations=index < BOOKABLE_CLINICIANS,
        )
        for index, (name, role, credentials) in enumerate(CLINICIANS)
    ]
    WeeklyHours.objects.bulk_create(
        WeeklyHours(clinician=clinician, weekday=weekday, starts=starts, ends=ends)
        for clinician in clinicians[:BOOKABLE_CLINICIANS]
        for weekday, starts, ends in CONSULTATION_WEEK
    )
    topics = [
        Topic.objects.create(
            name=name,
            slug=slugify(name),
            description=f"Articles from our physiotherapists about {name.lower()}.",
        )
        for name in TOPICS
    ]
    # Publication dates spread evenly over the past years, the newest an hour ago.
    span = datetime.timedelta(days=max(365, articles // 2))
    through = Article.topics.through
    links, refs = [], []
    for index in range(articles):
        condition = CONDITIONS[index % len(CONDITIONS)]
        angle = ANGLES[(index // len(CONDITIONS)) % len(ANGLES)]
        title = f"{condition[0].upper()}{condition[1:]}: {angle}"
        if index >= len(CONDITIONS) * len(ANGLES):
            title += f" (part {index // (len(CONDITIONS) * len(ANGLES)) + 1})"
        roll = rng.random()
        status = Article.Status.DRAFT if roll < 0.02 else Article.Status.PUBLISHED
        published_at = now - datetime.timedelta(hours=1) - span * (index / max(articles, 1))
        if 0.02 <= roll < 0.03:
            published_at = now + datetime.timedelta(days=rng.randint(1, 30))
        author, reviewer = rng.sample(clinicians, 2)
        last_reviewed = (published_at - datetime.timedelta(days=rng.randint(1, 20))).date()
        article = Article(
            title=title[:140],
            slug=f"{slugify(title)[:140]}-{index + 1}",
            summary=f"How {condition} affects daily life and what you can do about it: "
            f"{angle}, from the physiotherapists at Unity."[:160],
            body=bodies[index % len(bodies)],
            author=author,
            reviewed_by=reviewer,
            last_reviewed=last_reviewed,
            status=status,
            published_at=published_at,
        )
        article.save()
        for topic in rng.sample(topics, 2):
            links.append(through(article_id=article.pk, topic_id=topic.pk))
        for position in range(1, 9):
            author_name, publisher, base_url = PUBLISHERS[(index + position) % len(PUBLISHERS)]
            refs.append(
                Reference(
                    article_id=article.pk,
                    position=position,
                    author=author_name,
                    year=rng.randint(2015, 2026),
                    title=f"{condition.capitalize()}: {rng.choice(SECTION_TITLES).lower()}",
                    publisher=publisher,
                    url=f"{base_url}{slugify(condition)}-{position}",
                    accessed=(now - datetime.timedelta(days=rng.randint(10, 400))).date(),
                )
            )
    through.objects.bulk_create(links, batch_size=BATCH)
    Reference.objects.bulk_create(refs, batch_size=BATCH)


def consultation_requests(rng: random.Random, now: datetime.datetime):
    from articles.models import Article
    from bookings.models import ConsultationRequest

    Status = ConsultationRequest.Status
    published = Article.objects.filter(status=Article.Status.PUBLISHED)
    article_ids = list(published.values_list("pk", flat=True))
    statuses = [Status.CLOSED, Status.BOOKED, Status.CONTACTED, Status.SPAM, Status.NEW]
    times = [value for value, _ in ConsultationRequest.PreferredTime.choices]
    for index in range(REQUESTS):
        first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
        received_at = now - datetime.timedelta(seconds=rng.randint(60, 2 * 365 * 86400))
        status = rng.choices(statuses, [0.55, 0.2, 0.1, 0.1, 0.05])[0]
        spam = status == Status.SPAM
        yield ConsultationRequest(
            name=f"{first} {last}",
            email=f"{first}.{last}{index}@example.com".lower(),
            phone=f"+447700900{index % 1000:03d}",
            help_with=rng.choice(CONDITIONS).capitalize(),
            contact_method=rng.choice(["email", "phone"]),
            preferred_times=rng.sample(times, rng.randint(0, 2)),
            message=rng.choice(SENTENCES) + "." if rng.random() < 0.6 else "",
            consent_version="2026-11-1",
            article_id=rng.choice(article_ids) if article_ids and rng.random() < 0.6 else None,
            referrer="https://www.google.com/" if rng.random() < 0.4 else "",
            utm_source="newsletter" if rng.random() < 0.1 else "",
            client_hash=hashlib.sha256(f"client-{index % 50000}".encode()).hexdigest(),
            status=status,
            received_at=received_at,
            contacted_at=None
            if status in (Status.NEW, Status.SPAM)
            else received_at + datetime.timedelta(hours=rng.randint(1, 30)),
            staff_notified_at=None if spam else received_at + datetime.timedelta(seconds=5),
            confirmation_sent_at=None if spam else received_at + datetime.timedelta(seconds=6),
            email_attempts=0 if spam else 2,
        )


def booked_times(now: datetime.datetime) -> int:
    """Deletes every booking and every closure but the bank holidays, then adds the bank
    holidays still missing, a day of leave for each clinician who offers free consultations and
    BOOKINGS bookings drawn from their free slots. Returns how many slots are left free."""
    from django.db import connection, models
    from django.utils import timezone
    from django_tasks_db.models import DBTaskResult

    from articles.models import Article
    from bookings import availability
    from bookings.bank_holidays import bank_holiday_closures_add
    from bookings.models import BookingPolicy, Closure, ConsultationRequest
    from bookings.tasks import EMAIL_TASK_PATHS

    Status = ConsultationRequest.Status

    rng = random.Random(20261214)
    # Their email tasks first (a task names its request by number in its arguments).
    with connection.cursor() as cursor:
        cursor.execute(
            f"""DELETE FROM {DBTaskResult._meta.db_table}
                WHERE task_path = ANY(%s) AND (args_kwargs->'args'->>0) IN (
                    SELECT id::text FROM {ConsultationRequest._meta.db_table}
                    WHERE starts_at IS NOT NULL)""",
            [list(EMAIL_TASK_PATHS)],
        )
    ConsultationRequest.objects.filter(starts_at__isnull=False).delete()
    Closure.objects.filter(bank_holiday__isnull=True).delete()
    bank_holiday_closures_add()
    BookingPolicy.objects.update_or_create(
        pk=1,
        defaults={
            "slot_minutes": 20,
            "buffer_minutes": 0,
            "minimum_notice_minutes": 120,
            "days_ahead": 28,
        },
    )
    zone = timezone.get_default_timezone()
    today = now.astimezone(zone).date()
    clinician_ids = list(availability.bookable_clinicians().values_list("pk", flat=True))
    for index, clinician_id in enumerate(clinician_ids):
        day = today + datetime.timedelta(days=2 + (index * 5) % 26)
        Closure.objects.create(
            clinician_id=clinician_id,
            starts_at=datetime.datetime.combine(day, datetime.time.min, tzinfo=zone),
            ends_at=datetime.datetime.combine(
                day + datetime.timedelta(days=1), datetime.time.min, tzinfo=zone
            ),
            reason="Annual leave",
        )
    free = availability.free_slots(now=now)
    if len(free) < BOOKINGS + LEFT_FREE_AT_LEAST:
        sys.exit(f"only {len(free)} free slots for {BOOKINGS} bookings: lengthen the hours")
    published = Article.objects.filter(status=Article.Status.PUBLISHED)
    article_ids = list(published.values_list("pk", flat=True))
    booked = []
    for index, slot in enumerate(sorted(rng.sample(free, BOOKINGS))):
        first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
        status = rng.choices([Status.BOOKED, Status.HELD], [0.95, 0.05])[0]
        received_at = now - datetime.timedelta(seconds=rng.randint(60, 28 * 86400))
        booked.append(
            ConsultationRequest(
                name=f"{first} {last}",
                email=f"{first}.{last}.booked{index}@example.com".lower(),
                phone=f"+447700901{index % 1000:03d}",
                help_with=rng.choice(CONDITIONS).capitalize(),
                contact_method=ConsultationRequest.ContactMethod.EMAIL,
                consent_version="2026-11-1",
                article_id=rng.choice(article_ids) if rng.random() < 0.7 else None,
                client_hash=hashlib.sha256(f"booker-{index}".encode()).hexdigest(),
                status=status,
                received_at=received_at,
                clinician_id=slot.clinician_id,
                starts_at=slot.starts_at,
                ends_at=slot.ends_at,
                staff_notified_at=received_at + datetime.timedelta(seconds=5),
                confirmation_sent_at=received_at + datetime.timedelta(seconds=6),
                email_attempts=2,
            )
        )
    # As for the requests: save() fills the derived fields (reply time, duplicate key,
    # booking reference) without writing; bulk_create writes.
    with mock.patch.object(models.Model, "save"):
        for booking in booked:
            booking.save()
    ConsultationRequest.objects.bulk_create(booked, batch_size=BATCH)
    return len(free) - BOOKINGS


def marker(articles: int) -> str:
    """What the data was made from: when the database's comment says the same, it is reused."""
    from django.db.migrations.recorder import MigrationRecorder

    applied = MigrationRecorder.Migration.objects.values_list("app", "name")
    names = "\n".join(sorted(f"{app}.{name}" for app, name in applied))
    return (
        f"unity-bench v{GENERATOR_VERSION} articles={articles} requests={REQUESTS} "
        f"migrations={hashlib.sha256(names.encode()).hexdigest()[:16]}"
    )


def main() -> int:
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection, transaction
    from django.utils import timezone
    from django_tasks_db.models import DBTaskResult

    from bookings.models import Closure, ConsultationRequest

    articles = int(sys.argv[1])
    name = connection.settings_dict["NAME"]
    if connection.vendor != "postgresql" or not str(name).startswith("unity_bench"):
        sys.exit(f"Refusing to generate into {name!r}: use a unity_bench* PostgreSQL database.")
    call_command("migrate", "--noinput", verbosity=0)
    wanted = marker(articles)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT shobj_description(oid, 'pg_database') FROM pg_database WHERE datname = %s",
            [name],
        )
        reuse = cursor.fetchone()[0] == wanted
    if reuse:
        print(f"{name}: data already generated ({wanted}); reusing it.")
    else:
        generate(articles)
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")
            cursor.execute(f"COMMENT ON DATABASE {connection.ops.quote_name(name)} IS %s", [wanted])
    with transaction.atomic():
        left = booked_times(timezone.now())
    with connection.cursor() as cursor:
        for model in (ConsultationRequest, Closure, DBTaskResult):
            cursor.execute(f"VACUUM ANALYZE {connection.ops.quote_name(model._meta.db_table)}")
    print(f"{name}: {BOOKINGS:,} bookings ahead made again; {left:,} slots left free.")
    return 0


def generate(articles: int) -> None:
    from django.apps import apps
    from django.db import connection, models, transaction
    from django.utils import timezone

    from bookings.models import ConsultationRequest

    print(f"generating {articles} articles and {REQUESTS:,} requests ...", flush=True)
    tables = [
        connection.ops.quote_name(model._meta.db_table)
        for app_label in ("articles", "bookings", "django_tasks_database", "redirects")
        for model in apps.get_app_config(app_label).get_models(include_auto_created=True)
    ]
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE")
        rng, now = random.Random(20261125), timezone.now()
        generate_articles(rng, articles, now)
        # Each request goes through the model's save() for the fields it derives, with the write
        # left out: bulk_create writes them, and skips save().
        with mock.patch.object(models.Model, "save"):
            for batch in itertools.batched(consultation_requests(rng, now), BATCH):
                for consultation_request in batch:
                    consultation_request.save()
                ConsultationRequest.objects.bulk_create(batch)


if __name__ == "__main__":
    sys.exit(main())
