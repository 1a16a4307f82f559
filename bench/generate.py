"""Generate benchmark data into a dedicated PostgreSQL database.

    DJANGO_SETTINGS_MODULE=unity_site.settings.production \
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/unity_bench_300 (and the other production
    variables, see bench/run.py) python bench/generate.py --articles 300 --requests 100000

Creates about 20 clinicians, 20 topics, N articles (each ~450 words with "##" sections and [n]
citations, 8 references, 2 topics) and the given number of consultation requests.

Articles go through Article.save(), so every derived field the model computes on save (stored
HTML, headings, anything added later) is filled as in production; only the Markdown rendering is
memoised per distinct body. References, topic links and consultation requests are bulk-inserted.

The database is refused unless its name starts with "unity_bench". The generated size and the
applied migrations are recorded as a COMMENT on the database: a later run with the same size and
migrations reuses the data (pass --force to regenerate).
"""

import argparse
import datetime
import functools
import hashlib
import os
import random
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

GENERATOR_VERSION = 1
BATCH = 5000

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
    "Alex",
    "Sam",
    "Jordan",
    "Priya",
    "Mohammed",
    "Olivia",
    "Jack",
    "Amelia",
    "Noah",
    "Isla",
    "Leo",
    "Ava",
    "Zara",
    "Kofi",
    "Mei",
    "Tomasz",
    "Aoife",
    "Ravi",
    "Ellie",
    "Owen",
]  # noqa: E501
LAST_NAMES = [
    "Smith",
    "Jones",
    "Patel",
    "Khan",
    "Williams",
    "Brown",
    "Taylor",
    "Davies",
    "Evans",
    "Wilson",
    "Thomas",
    "Roberts",
    "Walker",
    "Wright",
    "Hughes",
    "Green",
    "Clarke",
    "Lewis",
    "Ahmed",
    "Murphy",
]  # noqa: E501


def settings_env_ok():
    if not os.environ.get("DJANGO_SETTINGS_MODULE"):
        os.environ["DJANGO_SETTINGS_MODULE"] = "unity_site.settings.production"


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


def migration_fingerprint() -> str:
    from django.db.migrations.recorder import MigrationRecorder

    applied = MigrationRecorder.Migration.objects.values_list("app", "name")
    names = sorted(f"{app}.{name}" for app, name in applied)
    return hashlib.sha256("\n".join(names).encode()).hexdigest()[:16]


def marker(articles: int, requests: int) -> str:
    return (
        f"unity-bench v{GENERATOR_VERSION} articles={articles} requests={requests} "
        f"migrations={migration_fingerprint()}"
    )


def current_marker(connection) -> str:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT shobj_description(oid, 'pg_database') FROM pg_database "
            "WHERE datname = current_database()"
        )
        row = cursor.fetchone()
    return (row[0] or "") if row else ""


def set_marker(connection, text: str) -> None:
    name = connection.settings_dict["NAME"]
    with connection.cursor() as cursor:
        cursor.execute(f'COMMENT ON DATABASE "{name}" IS %s', [text])


def wipe(connection) -> None:
    from django.apps import apps

    tables = [
        model._meta.db_table
        for app_label in ("articles", "bookings", "django_tasks_database", "redirects")
        for model in apps.get_app_config(app_label).get_models(include_auto_created=True)
    ]
    with connection.cursor() as cursor:
        cursor.execute(
            "TRUNCATE " + ", ".join(f'"{t}"' for t in tables) + " RESTART IDENTITY CASCADE"
        )


def generate(articles: int, requests: int, seed: int = 20261125) -> None:
    from django.utils import timezone
    from django.utils.text import slugify

    import articles.models as article_models
    from articles.models import Article, Clinician, Reference, Topic
    from articles.rendering import render_body
    from bookings.models import ConsultationRequest

    rng = random.Random(seed)
    now = timezone.now()

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
        )
        for name, role, credentials in CLINICIANS
    ]
    topics = [
        Topic.objects.create(
            name=name,
            slug=slugify(name),
            description=f"Articles from our physiotherapists about {name.lower()}.",
        )
        for name in TOPICS
    ]

    # Publication dates spread evenly over the past years, the newest an hour ago; about 2 % of
    # articles are drafts and 1 % scheduled in the future, as on a real site.
    span = datetime.timedelta(days=max(365, articles // 2))
    through = Article.topics.through
    started = time.monotonic()
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
        if len(refs) >= BATCH:
            through.objects.bulk_create(links)
            Reference.objects.bulk_create(refs)
            links, refs = [], []
        if (index + 1) % 1000 == 0:
            print(f"  {index + 1} articles ({time.monotonic() - started:.0f} s)", flush=True)
    through.objects.bulk_create(links)
    Reference.objects.bulk_create(refs)

    article_ids = list(
        Article.objects.filter(status=Article.Status.PUBLISHED).values_list("pk", flat=True)
    )
    statuses = [
        (ConsultationRequest.Status.CLOSED, 0.55),
        (ConsultationRequest.Status.BOOKED, 0.2),
        (ConsultationRequest.Status.CONTACTED, 0.1),
        (ConsultationRequest.Status.SPAM, 0.1),
        (ConsultationRequest.Status.NEW, 0.05),
    ]
    status_values = [s for s, _ in statuses]
    status_weights = [w for _, w in statuses]
    times = [value for value, _ in ConsultationRequest.PreferredTime.choices]
    batch = []
    for index in range(requests):
        first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
        received_at = now - datetime.timedelta(seconds=rng.randint(60, 2 * 365 * 86400))
        status = rng.choices(status_values, status_weights)[0]
        spam = status == ConsultationRequest.Status.SPAM
        batch.append(
            ConsultationRequest(
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
                spam_reason="honeypot filled" if spam else "",
                status=status,
                received_at=received_at,
                contacted_at=None
                if status in (ConsultationRequest.Status.NEW, ConsultationRequest.Status.SPAM)
                else received_at + datetime.timedelta(hours=rng.randint(1, 30)),
                staff_notified_at=None if spam else received_at + datetime.timedelta(seconds=5),
                confirmation_sent_at=None if spam else received_at + datetime.timedelta(seconds=6),
                email_attempts=0 if spam else 2,
            )
        )
        if len(batch) >= BATCH:
            ConsultationRequest.objects.bulk_create(batch)
            batch = []
    ConsultationRequest.objects.bulk_create(batch)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, required=True)
    parser.add_argument("--requests", type=int, default=100_000)
    parser.add_argument("--force", action="store_true", help="regenerate even if present")
    args = parser.parse_args(argv)

    settings_env_ok()
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection, transaction

    name = connection.settings_dict["NAME"]
    if connection.vendor != "postgresql" or not str(name).startswith("unity_bench"):
        print(f"Refusing to generate into {name!r}: use a unity_bench* PostgreSQL database.")
        return 2

    call_command("migrate", "--noinput", verbosity=0)
    wanted = marker(args.articles, args.requests)
    if not args.force and current_marker(connection) == wanted:
        print(f"{name}: data already generated ({wanted}); reusing it.")
        return 0
    started = time.monotonic()
    print(f"{name}: generating {args.articles} articles, {args.requests} requests ...", flush=True)
    with transaction.atomic():
        wipe(connection)
        generate(args.articles, args.requests)
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    set_marker(connection, wanted)
    print(f"{name}: generated in {time.monotonic() - started:.0f} s.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
