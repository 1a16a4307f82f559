import datetime
import json
import re

import pytest
from django.urls import reverse
from django.views.defaults import server_error

from tests.articles.factories import (
    ArticleFactory,
    ClinicianFactory,
    ReferenceFactory,
    TopicFactory,
)

pytestmark = pytest.mark.django_db


def test_home_shows_latest_articles_topics_and_the_consultation_offer(client, article, topic):
    response = client.get(reverse("articles:home"))

    assert article.title in response.text
    assert f'href="{topic.get_absolute_url()}"' in response.text
    assert f'href="{reverse("bookings:book")}"' in response.text


def test_article_list_is_paginated_newest_first(client):
    articles = ArticleFactory.create_batch(12)
    newest_first = sorted(articles, key=lambda a: a.published_at, reverse=True)

    first_page = client.get(reverse("articles:article_list"))
    second_page = client.get(reverse("articles:article_list") + "?page=2")

    assert first_page.text.index(newest_first[0].title) < first_page.text.index(
        newest_first[1].title
    )
    assert newest_first[10].title not in first_page.text
    assert newest_first[10].title in second_page.text
    assert "Page 2 of 2" in second_page.text
    assert client.get(reverse("articles:article_list") + "?page=99").status_code == 404
    assert client.get(reverse("articles:article_list") + "?page=abc").status_code == 404


def test_topic_page_lists_only_its_articles(client, topic, article):
    other = ArticleFactory(topics=[TopicFactory(name="Knee pain")])

    response = client.get(topic.get_absolute_url())

    assert "<h1>Low back pain</h1>" in response.text
    assert article.title in response.text
    assert other.title not in response.text
    assert client.get(reverse("articles:topic_detail", args=["no-such-topic"])).status_code == 404


def test_search_finds_words_in_title_summary_and_body(client):
    by_title = ArticleFactory(title="Plantar fasciitis explained")
    by_summary = ArticleFactory(summary="Why plantar fasciitis hurts most in the morning.")
    by_body = ArticleFactory(body="Heel pain is often plantar fasciitis.")
    unrelated = ArticleFactory(title="Neck pain", body="Turn your head gently.")

    response = client.get(reverse("articles:search"), {"q": "plantar fasciitis"})

    for found in (by_title, by_summary, by_body):
        assert found.title in response.text
    assert unrelated.title not in response.text
    assert "3 results" in response.text
    assert response.text.index(by_title.title) < response.text.index(by_body.title)


def test_search_finds_an_article_by_the_words_of_its_latest_edit(client):
    article = ArticleFactory(title="Shoulder advice", body="Rest it for a day.")
    article.body = "Try pendulum swings."
    article.save()

    found = client.get(reverse("articles:search"), {"q": "pendulum"})

    assert article.title in found.text


def test_search_with_overlong_or_odd_input_explains_instead_of_failing(client):
    too_long = client.get(reverse("articles:search"), {"q": "x" * 500})
    odd = client.get(reverse("articles:search"), {"q": "back & (pain | ! :*"})

    assert too_long.status_code == 200
    assert "at most 200 characters" in too_long.text
    assert odd.status_code == 200


def test_article_page_carries_everything_a_reader_needs(client, topic):
    article = ArticleFactory(
        title="Low back pain while running",
        body="## Why\n\nText [1].",
        topics=[topic],
        last_reviewed=datetime.date(2026, 1, 10),
        reviewed_by=ClinicianFactory(name="Dr Review"),
    )
    article.refresh_from_db()
    ReferenceFactory(article=article, position=1)
    related = ArticleFactory(topics=[topic])

    response = client.get(article.get_absolute_url())
    html = response.text

    assert "<h1" in html and html.count("<h1") == 1
    assert (
        f'By <a href="{article.author.get_absolute_url()}" rel="author">{article.author.name}</a>'
        f" {article.author.credentials}"
    ) in html
    assert "1 min read" in html
    assert "Page last reviewed: " in html and "10 January 2026" in html
    assert "Next review due: " in html and "10 January 2027" in html
    assert related.title in html
    assert 'id="book-heading"' in html and "<form" in html


def test_every_page_describes_itself_to_search_engines_and_social_sites(client, article, settings):
    html = client.get(article.get_absolute_url()).text

    canonical = settings.SITE_URL + article.get_absolute_url()
    assert f"<title>{article.title} | " in html
    assert f'<meta name="description" content="{article.summary}">' in html
    assert f'<link rel="canonical" href="{canonical}">' in html
    assert '<meta property="og:type" content="article">' in html
    assert f'<meta property="og:title" content="{article.title}">' in html
    assert '<meta name="twitter:card"' in html


def test_article_page_has_schema_org_structured_data(client, topic):
    article = ArticleFactory(
        topics=[topic],
        last_reviewed=datetime.date(2026, 3, 1),
        reviewed_by=ClinicianFactory(name="Rev"),
    )
    ReferenceFactory(article=article)

    html = client.get(article.get_absolute_url()).text
    data = json.loads(
        re.search(r'<script type="application/ld\+json"[^>]*>(.*?)</script>', html, re.S)[1]
    )

    assert data["@type"] == "MedicalWebPage"
    assert data["headline"] == article.title
    assert data["author"]["name"] == article.author.name
    assert data["lastReviewed"] == "2026-03-01"
    assert data["reviewedBy"]["name"] == "Rev"
    assert data["citation"][0]["url"] == "https://www.bupa.co.uk/health-information"
    assert {"datePublished", "dateModified"} <= data.keys()


def test_structured_data_cannot_break_out_of_its_script_element(client):
    article = ArticleFactory(title="Pain </script><script>alert(1)</script>")

    html = client.get(article.get_absolute_url()).text

    assert "</script><script>alert(1)" not in html


def test_unknown_pages_get_the_branded_404(client):
    response = client.get("/no-such-page/")

    assert response.status_code == 404
    assert "We can’t find that page" in response.text


def test_robots_txt_names_the_sitemap(client, settings):
    response = client.get("/robots.txt")

    assert response["Content-Type"].startswith("text/plain")
    assert f"Sitemap: {settings.SITE_URL}/sitemap.xml" in response.text


def test_privacy_page_is_published(client):
    response = client.get(reverse("privacy"))

    assert response.status_code == 200
    assert "<h1" in response.text


def test_server_errors_get_the_branded_500_page(rf):
    response = server_error(rf.get("/articles/"))

    assert response.status_code == 500
    assert "Sorry, something went wrong" in response.content.decode()
    assert "css/unity.css" in response.content.decode()


def test_search_results_page_on_without_losing_the_search(client):
    ArticleFactory.create_batch(11, title="Back & hip pain")

    first = client.get(reverse("articles:search"), {"q": "back & hip"})
    second = client.get(reverse("articles:search"), {"q": "back & hip", "page": "2"})

    assert 'href="?q=back+%26+hip&amp;page=2"' in first.text
    assert "Page 2 of 2" in second.text
