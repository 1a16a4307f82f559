"""Pick the benchmark's URLs from the data and count each one's SQL queries, cold and warm.

Run by bench/run.py with production settings and the bench database. Each URL is requested
in-process with Django's test client right after the cache is emptied (cold) and once more
(warm); the booking POSTs send a valid form, the booking of a time another free time each
(bench/free_times.py). Prints {"urls": {name: path}, "queries": {name: {"cold": n, "warm": n}}}
as JSON.
"""

import json
import os
import sys
import time
from pathlib import Path

import booking_form
import free_times

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "unity_site.settings.production")
HEADERS = {"X-Forwarded-Proto": "https", "Accept-Encoding": "gzip, deflate, br"}


def choose_urls() -> dict[str, str]:
    from django.db.models import Count, Q
    from django.urls import reverse

    from articles.models import Article, Topic

    published = Article.objects.published()
    total = published.count()
    article = published.order_by("-published_at")[total // 2]  # the middle of the archive
    topic = (
        Topic.objects.annotate(n=Count("articles", filter=Q(articles__in=published.values("pk"))))
        .order_by("-n", "name")
        .first()
    )
    deep_page = max(2, -(-total // 10) * 9 // 10)  # 90 % of the way: the OFFSET grows
    return {
        "home": reverse("articles:home"),
        "list": reverse("articles:article_list"),
        "list_deep": reverse("articles:article_list") + f"?page={deep_page}",
        "article": article.get_absolute_url(),
        "topic": topic.get_absolute_url(),
        "search": reverse("articles:search") + "?q=knee+pain",
        "feed": reverse("articles:feed_rss"),
        "sitemap": "/sitemap.xml",
        "booking": reverse("bookings:book"),
        "slots": reverse("bookings:book_time"),
        "booking_time": reverse("bookings:book_time"),
    }


def main() -> None:
    import django

    django.setup()
    from django.core.cache import cache
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from unity_site.page_cache import forget_local_copies

    client = Client(HTTP_HOST="127.0.0.1")

    slots = iter(free_times.values())

    def count(path: str, body: str | None, unique: str) -> int:
        with CaptureQueriesContext(connection) as captured:
            if body is None:
                response = client.get(path, headers=HEADERS)
            else:
                body = body.replace(booking_form.UNIQUE, f"{time.time_ns()}-{unique}")
                body = body.replace(booking_form.SLOT, next(slots))
                kind = "application/x-www-form-urlencoded"
                response = client.post(path, body, content_type=kind, headers=HEADERS)
            if getattr(response, "streaming", False):
                b"".join(response.streaming_content)
        return len(captured.captured_queries)

    urls = choose_urls()
    queries = {}
    for name, path in urls.items():
        body = None
        if name in ("booking", "booking_time"):
            form_page = client.get(path, headers={"X-Forwarded-Proto": "https"}).content.decode()
            if name == "booking":
                body = booking_form.post_body(form_page)
            else:
                body = booking_form.time_post_body(form_page)
        # This process's copies too: a copy of the content version it trusts for a second can
        # outlive the emptied cache, so that the warm request misses (as the sitemap did).
        cache.clear()
        forget_local_copies()
        queries[name] = {"cold": count(path, body, "cold"), "warm": count(path, body, "warm")}
    cache.clear()
    print(json.dumps({"urls": urls, "queries": queries}))


if __name__ == "__main__":
    main()
