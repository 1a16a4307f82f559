import datetime

import pytest

from articles.rendering import render_body
from tests.articles.factories import ArticleFactory, ReferenceFactory

DANGEROUS = [
    "<script>alert('x')</script>",
    "<iframe src='https://evil.example'></iframe>",
    "<img src=x onerror=alert(1)>",
    "[click me](javascript:alert(1))",
    "<a href='javascript:alert(1)'>click</a>",
    "<div onclick='alert(1)'>hi</div>",
    "<style>body{display:none}</style>",
    "![x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
]


@pytest.mark.parametrize("source", DANGEROUS)
def test_dangerous_markdown_and_html_are_neutralised(source):
    html = render_body(f"Before.\n\n{source}\n\nAfter.").html.lower()

    assert "<script" not in html
    assert "<iframe" not in html
    assert "<style" not in html
    assert "onerror" not in html and "onclick" not in html
    assert "javascript:" not in html
    assert "data:text/html" not in html
    assert "after." in html


def test_headings_get_anchors_and_feed_the_contents_list():
    rendered = render_body("## Why it hurts\n\nText.\n\n## What helps & why\n\nMore.")

    assert '<h2 id="why-it-hurts">Why it hurts</h2>' in rendered.html
    assert rendered.headings == [
        {"id": "why-it-hurts", "title": "Why it hurts"},
        {"id": "what-helps-why", "title": "What helps & why"},
    ]


def test_a_number_in_brackets_links_to_that_reference():
    html = render_body("Most runners recover [2]. See [the NHS](https://www.nhs.uk).").html

    assert (
        '<sup id="cite-2-1">'
        '<a class="citation" href="#ref-2" rel="noopener noreferrer">[2]</a></sup>'
    ) in html
    assert '<a href="https://www.nhs.uk" rel="noopener noreferrer">the NHS</a>' in html


def test_citations_are_not_made_inside_code():
    html = render_body("Use `list[1]` in code.").html

    assert "citation" not in html


@pytest.mark.parametrize(("words", "minutes"), [(50, 1), (450, 2), (700, 3), (1150, 5)])
def test_reading_time(words, minutes):
    assert render_body(" ".join(["word"] * words)).reading_minutes == minutes


@pytest.mark.django_db
def test_a_450_word_article_shows_two_minutes(client):
    article = ArticleFactory(body=" ".join(["stretch"] * 450))

    response = client.get(article.get_absolute_url())

    assert "2 min read" in response.text


@pytest.mark.django_db
def test_references_are_rendered_in_the_clinics_harvard_style(client):
    reference = ReferenceFactory(position=1)

    response = client.get(reference.article.get_absolute_url())

    assert (
        "Bupa UK, 2023. Common Running Injuries and How to Prevent Them. [online] Available at: "
        '<a href="https://www.bupa.co.uk/health-information">'
        "https://www.bupa.co.uk/health-information</a> [Accessed 21 October 2024]."
    ) in response.text
    assert 'id="ref-1"' in response.text


@pytest.mark.django_db
def test_a_reference_with_a_publisher_names_it_after_online():
    reference = ReferenceFactory(
        author="NHS", year=2024, title="Back pain", publisher="nhs.uk",
        url="https://www.nhs.uk/conditions/back-pain/", accessed=datetime.date(2026, 9, 1),
    )  # fmt: skip

    assert str(reference.as_harvard()).startswith(
        "NHS, 2024. Back pain. [online] nhs.uk. Available"
    )
    assert str(reference.as_harvard()).endswith("[Accessed 1 September 2026].")


@pytest.mark.django_db
def test_body_html_is_stored_when_the_article_is_saved():
    article = ArticleFactory(body="## First\n\nHello <script>x()</script>")

    article.body = "## Second\n\nUpdated."
    article.save()
    article.refresh_from_db()

    assert '<h2 id="second">Second</h2>' in article.body_html
    assert "First" not in article.body_html


@pytest.mark.django_db
def test_long_articles_get_a_contents_list_short_ones_do_not(client):
    long_article = ArticleFactory(body="## One\n\na\n\n## Two\n\nb\n\n## Three\n\nc")
    short_article = ArticleFactory(body="## One\n\na")

    assert 'href="#three"' in client.get(long_article.get_absolute_url()).text
    assert "Contents" not in client.get(short_article.get_absolute_url()).text


@pytest.mark.django_db
def test_next_review_defaults_to_last_review_plus_the_period(settings):
    settings.ARTICLES_REVIEW_PERIOD_MONTHS = 12

    article = ArticleFactory(last_reviewed=datetime.date(2024, 2, 29))

    assert article.next_review_due == datetime.date(2025, 2, 28)
