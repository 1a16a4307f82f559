"""What readers (or bots) send cannot grow the page cache without bound, and the page cache never
pushes out the booking rate limit's counts (issue 13: bounded memory)."""

import pytest
import redis
from django.core.cache import caches
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from bookings.models import ConsultationRequest
from tests.articles.factories import ArticleFactory
from unity_site import page_cache

pytestmark = pytest.mark.django_db

SEARCH = reverse("articles:search")
BOOK = reverse("bookings:book")
LIST = reverse("articles:article_list")
REDIS_BACKEND = "unity_site.redis_cache.SharedClientRedisCache"


@pytest.fixture(params=["memory", "redis"])
def stored_keys(request, settings):
    """Every key in the caches: in memory as in development, or in one Redis, pages and rate
    limits together, as in production with REDIS_URL alone."""
    if request.param == "redis":
        url = request.getfixturevalue("redis_url")
        backend = {"BACKEND": REDIS_BACKEND, "LOCATION": url}
        settings.CACHES = {"default": backend, "pages": backend}
        page_cache.forget_local_copies()  # Its content version came from the memory cache.
        server = redis.Redis.from_url(url)
        return lambda: {key.decode() for key in server.scan_iter()}
    return lambda: {key for alias in settings.CACHES for key in caches[alias]._cache}


def is_served_from_the_cache(url) -> bool:
    """A second reader's request for a page another reader has just had needs no query."""
    assert Client().get(url).status_code == 200
    with CaptureQueriesContext(connection) as queries:
        response = Client().get(url)
    assert response.status_code == 200
    return len(queries) == 0


def test_made_up_searches_and_articles_add_no_pages(article, stored_keys):
    Client().get(SEARCH)  # The content version, and the empty search page.
    before = stored_keys()

    for number in range(30):  # each would have added a page; none may
        assert Client().get(SEARCH, {"q": f"zqxv{number}"}).status_code == 200
        assert Client().get(BOOK, {"article": f"no-such-article-{number}"}).status_code == 200

    assert len(stored_keys() - before) <= 1


def test_searches_that_find_articles_and_real_articles_are_still_cached(article, stored_keys):
    ArticleFactory.create_batch(10)  # Two pages of articles.

    assert is_served_from_the_cache(f"{SEARCH}?q=backs")
    assert is_served_from_the_cache(f"{SEARCH}?q=backs&page=2")
    assert is_served_from_the_cache(f"{BOOK}?article={article.slug}")
    assert is_served_from_the_cache(f"{LIST}?page=2")
    assert is_served_from_the_cache(BOOK)


def test_other_spellings_of_a_page_are_served_but_not_stored(article, stored_keys):
    ArticleFactory.create_batch(10)
    for url in [
        LIST,
        f"{LIST}?page=2",
        f"{SEARCH}?q=backs",
        "/privacy/",
        article.get_absolute_url(),
    ]:
        Client().get(url)
    before = stored_keys()

    for url in [
        f"{LIST}?page=1",
        f"{LIST}?page=01",
        f"{LIST}?page=last",
        f"{LIST}?page=2&page=2",
        "/?page=2",
        "/privacy/?q=backs",
        f"{article.get_absolute_url()}?article=backs",
        f"{SEARCH}?q=",
        f"{SEARCH}?q=%20backs",
        f"{SEARCH}?q=backs%20%20",
        f"{BOOK}?page=2",
    ]:
        assert Client().get(url).status_code == 200, url

    assert stored_keys() == before


def test_a_page_past_the_last_is_not_found_and_not_stored(article, stored_keys):
    Client().get(LIST)
    before = stored_keys()

    assert Client().get(LIST, {"page": 999}).status_code == 404
    assert Client().get(SEARCH, {"q": "backs", "page": 999}).status_code == 404

    assert stored_keys() == before


def test_one_address_stores_a_bounded_number_of_queries(article, stored_keys, monkeypatch):
    """Searches that all find something (on PostgreSQL "knee -word1", "knee -word2"... do)."""
    monkeypatch.setattr(page_cache, "VARIANTS_PER_ADDRESS", 5)
    Client().get(SEARCH)
    before = stored_keys()
    searches = [" ".join(["backs"] * count) for count in range(1, 31)]

    for terms in searches:
        assert article.title in Client().get(SEARCH, {"q": terms}).text

    assert len(stored_keys() - before) <= 5 + 1  # The pages, and their count.
    assert is_served_from_the_cache(f"{SEARCH}?q=backs")


def test_the_page_cache_keeps_its_pages_out_of_the_default_cache(article):
    for url in ["/", LIST, article.get_absolute_url(), f"{SEARCH}?q=backs", BOOK]:
        Client().get(url)

    assert not any("page-cache" in key for key in caches["default"]._cache)
    assert sum("page-cache" in key for key in caches["pages"]._cache) >= 5


def test_a_full_page_cache_never_pushes_out_a_rate_limit_count(article, topic, form_data, settings):
    """A full cache culls its own keys, as a Redis of its own evicts only pages: with the pages
    in the default cache, they would push the rate limit's counts out."""
    settings.BOOKINGS_RATE_LIMIT = "1/h"
    settings.CACHES = {
        alias: {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": f"small-{alias}",
            "OPTIONS": {"MAX_ENTRIES": size, "CULL_FREQUENCY": 1},  # Full: every key goes.
        }
        for alias, size in [("default", 10), ("pages", 3)]
    }
    client = Client()
    client.post(BOOK, form_data(name="First Reader", email="first@example.com"))

    for url in [
        "/",
        LIST,
        article.get_absolute_url(),
        topic.get_absolute_url(),
        f"{SEARCH}?q=backs",
        SEARCH,
        BOOK,
        f"{BOOK}?article={article.slug}",
        "/privacy/",
        "/robots.txt",
        "/sitemap.xml",
        reverse("articles:feed_rss"),
    ]:
        assert Client().get(url).status_code == 200
    client.post(BOOK, form_data(name="Second Reader", email="second@example.com"))

    reasons = ConsultationRequest.objects.order_by("pk").values_list("status", "screening_reason")
    assert list(reasons) == [("new", ""), ("held", "rate limit exceeded")]
    for alias in ("default", "pages"):
        caches[alias].clear()
