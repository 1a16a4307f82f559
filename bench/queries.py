"""Pick the benchmark's URLs from the generated data and count the SQL queries each one runs.

Run by bench/run.py with production settings and the bench database; prints one JSON object:
{"urls": {name: path}, "queries": {name: {"cold": n, "warm": n, "status": code}}}.

Each URL is requested in-process with Django's test Client, twice: once right after the cache
is cleared (cold: what the first reader after a change costs) and once more (warm: what every
following reader costs). The booking POST is counted the same way with a valid form.
"""

import json
import os
import sys
from pathlib import Path
from urllib.parse import urlencode

import booking_form

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "unity_site.settings.production")

SEARCH_TERMS = "knee pain"
HEADERS = {"X-Forwarded-Proto": "https", "Accept-Encoding": "gzip, deflate, br"}


def choose_urls() -> dict[str, str]:
    from django.db.models import Count, Q
    from django.urls import reverse

    from articles.models import Article, Topic

    published = Article.objects.published()
    total = published.count()
    pages = max(1, -(-total // 10))
    # The middle of the archive: neither the newest article nor the oldest.
    article = published.order_by("-published_at")[total // 2]
    topic = (
        Topic.objects.annotate(n=Count("articles", filter=Q(articles__in=published.values("pk"))))
        .order_by("-n", "name")
        .first()
    )
    return {
        "home": reverse("articles:home"),
        "list": reverse("articles:article_list"),
        # 90 % of the way through the archive: the OFFSET grows with the number of articles.
        "list_deep": reverse("articles:article_list") + f"?page={max(2, pages * 9 // 10)}",
        "article": article.get_absolute_url(),
        "topic": topic.get_absolute_url(),
        "search": reverse("articles:search") + "?q=" + SEARCH_TERMS.replace(" ", "+"),
        "feed": reverse("articles:feed_rss"),
        "sitemap": "/sitemap.xml",
        "booking": reverse("bookings:book"),
    }


def count(client, method: str, path: str, body: str = "") -> tuple[int, int]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        if method == "POST":
            response = client.post(
                path, body, content_type="application/x-www-form-urlencoded", headers=HEADERS
            )
        else:
            response = client.get(path, headers=HEADERS)
        if getattr(response, "streaming", False):
            b"".join(response.streaming_content)
    return len(captured.captured_queries), response.status_code


def main() -> int:
    import django

    django.setup()
    from django.core.cache import cache
    from django.test import Client

    from unity_site.page_cache import forget_local_copies

    def empty_cache() -> None:
        # This process's own copies too: otherwise its copy of the content version, trusted for
        # a second, can outlive the cleared cache and a slow cold request, so that the warm
        # request looks for its page under a new version and misses (as the sitemap did).
        cache.clear()
        forget_local_copies()

    urls = choose_urls()
    client = Client(HTTP_HOST="127.0.0.1")
    results = {}
    for name, path in urls.items():
        if name == "booking":
            continue
        empty_cache()
        cold, status = count(client, "GET", path)
        warm, _ = count(client, "GET", path)
        results[name] = {"cold": cold, "warm": warm, "status": status}

    form_page = client.get(urls["booking"], headers={"X-Forwarded-Proto": "https"})
    body = urlencode(booking_form.fields(form_page.content.decode()))
    empty_cache()
    cold, status = count(client, "POST", urls["booking"], body)
    warm, _ = count(client, "POST", urls["booking"], body)
    results["booking"] = {"cold": cold, "warm": warm, "status": status}
    empty_cache()
    print(json.dumps({"urls": urls, "queries": results}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
