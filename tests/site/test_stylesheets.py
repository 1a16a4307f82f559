"""The trimmed Bootstrap keeps every rule the pages use, and nothing is loaded from elsewhere."""

import re
from pathlib import Path

import bootstrap
import pytest
from django.conf import settings
from django.urls import reverse

from tests.articles.factories import ArticleFactory, ReferenceFactory

pytestmark = pytest.mark.django_db

FULL_BOOTSTRAP = Path(bootstrap.__file__).parent / "static/bootstrap/css/bootstrap.min.css"
TRIMMED_BOOTSTRAP = settings.BASE_DIR / "static/css/bootstrap-trimmed.min.css"
CLASS_SELECTOR = re.compile(r"\.(-?[_a-zA-Z][\w-]*)")


def selectors_in(path):
    return set(CLASS_SELECTOR.findall(path.read_text()))


@pytest.fixture
def pages(client, topic):
    article = ArticleFactory(
        body="## One\n\n> quote\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\n## Two\n\n## Three [1]",
        topics=[topic],
    )
    ReferenceFactory(article=article)
    ArticleFactory.create_batch(11)
    urls = [
        reverse("articles:home"),
        reverse("articles:article_list"),
        reverse("articles:article_list") + "?page=2",
        article.get_absolute_url(),
        topic.get_absolute_url(),
        reverse("articles:search") + "?q=backs",
        reverse("articles:search") + "?q=" + "x" * 300,
        reverse("bookings:book"),
        reverse("bookings:thanks"),
        reverse("privacy"),
        "/no-such-page/",
    ]
    html = [client.get(url).text for url in urls]
    html.append(client.post(reverse("bookings:book"), {"name": "\n"}).text)
    return html


def test_the_trimmed_bootstrap_keeps_every_rule_the_pages_use(pages):
    used = {
        name
        for page in pages
        for attr in re.findall(r'class="([^"]*)"', page)
        for name in attr.split()
    }
    needed = used & selectors_in(FULL_BOOTSTRAP)

    missing = needed - selectors_in(TRIMMED_BOOTSTRAP)

    assert not missing, f"run `make css`: the trimmed Bootstrap lacks {sorted(missing)}"
    assert TRIMMED_BOOTSTRAP.stat().st_size < FULL_BOOTSTRAP.stat().st_size / 3


def test_pages_load_nothing_from_any_other_host(pages):
    loaded = [
        url
        for page in pages
        for url in re.findall(r'<(?:script|link|img|source)\b[^>]*\b(?:src|href)="([^"]*)"', page)
    ]

    assert loaded
    assert [url for url in loaded if re.match(r"(https?:)?//", url)] == [
        url for url in loaded if url.startswith(settings.SITE_URL + "/")
    ]
