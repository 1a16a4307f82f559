"""Readers get cached pages; edits, publications and scheduled articles still show at once."""

import datetime
import gzip
import re
import time

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from articles.models import Article
from bookings.models import ConsultationRequest
from tests.articles.factories import ArticleFactory, ReferenceFactory

pytestmark = pytest.mark.django_db


def hidden_value(html, name):
    return re.search(rf'name="{name}" value="([^"]*)"', html)[1]


def test_a_second_reader_is_served_without_touching_the_database(client, article):
    client.get(article.get_absolute_url())

    with CaptureQueriesContext(connection) as queries:
        response = Client().get(article.get_absolute_url())

    assert response.status_code == 200
    assert article.title in response.text
    assert len(queries) == 0


def test_each_reader_gets_their_own_form_tokens_from_a_cached_page(article):
    first, second = Client(), Client()

    first_page = first.get(article.get_absolute_url()).text
    second_page = second.get(
        article.get_absolute_url(), HTTP_REFERER="https://search.example/"
    ).text

    assert hidden_value(first_page, "csrfmiddlewaretoken") != hidden_value(
        second_page, "csrfmiddlewaretoken"
    )
    assert hidden_value(second_page, "referrer") == "https://search.example/"
    assert "\x00" not in second_page
    assert second.cookies["csrftoken"].value


def test_a_request_sent_from_a_cached_page_is_accepted(article, settings):
    settings.BOOKINGS_MIN_FILL_SECONDS = 0
    Client().get(article.get_absolute_url())
    reader = Client(enforce_csrf_checks=True)
    page = reader.get(article.get_absolute_url()).text

    response = reader.post(
        reverse("bookings:book"),
        {
            "csrfmiddlewaretoken": hidden_value(page, "csrfmiddlewaretoken"),
            "form_shown_at": hidden_value(page, "form_shown_at"),
            "article": article.slug,
            "name": "Ada Reader",
            "email": "ada@example.org",
            "help_with": "Low back pain",
            "contact_method": "email",
            "consent": "on",
        },
    )

    assert response.status_code == 302
    assert ConsultationRequest.objects.get().status == ConsultationRequest.Status.NEW


def test_an_unchanged_page_answers_304_to_a_conditional_get(client, article):
    first = client.get(article.get_absolute_url())

    again = client.get(article.get_absolute_url(), HTTP_IF_NONE_MATCH=first["ETag"])

    assert again.status_code == 304
    assert first["ETag"].startswith('W/"')
    assert "no-cache" in first["Cache-Control"] and "private" in first["Cache-Control"]


def test_an_edited_page_has_a_new_etag(client, article):
    first = client.get(article.get_absolute_url())
    article.title = "A better title"
    article.save()

    again = client.get(article.get_absolute_url(), HTTP_IF_NONE_MATCH=first["ETag"])

    assert again.status_code == 200
    assert "A better title" in again.text


def test_publishing_editing_and_unpublishing_show_at_once(client, admin_client, topic):
    draft = ArticleFactory(title="Brand new advice", draft=True, topics=[topic])
    list_url = reverse("articles:article_list")
    changelist = reverse("admin:articles_article_changelist")
    assert "Brand new advice" not in client.get(list_url).text

    admin_client.post(changelist, {"action": "publish", "_selected_action": [draft.pk]})
    assert "Brand new advice" in client.get(list_url).text
    assert "Brand new advice" in client.get(topic.get_absolute_url()).text

    draft.refresh_from_db()
    draft.title = "Brand new advice, revised"
    draft.save()
    assert "Brand new advice, revised" in client.get(draft.get_absolute_url()).text

    admin_client.post(changelist, {"action": "unpublish", "_selected_action": [draft.pk]})
    assert "Brand new advice" not in client.get(list_url).text
    assert client.get(draft.get_absolute_url()).status_code == 404


def test_changes_to_references_authors_and_topics_show_at_once(client, article, topic):
    client.get(article.get_absolute_url())

    ReferenceFactory(article=article, author="Versus Arthritis")
    article.author.name = "Renamed Clinician"
    article.author.save()
    topic.name = "Lower back pain"
    topic.save()
    html = client.get(article.get_absolute_url()).text

    assert "Versus Arthritis" in html
    assert "Renamed Clinician" in html
    assert "Lower back pain" in html


def test_a_scheduled_article_appears_when_its_time_comes_despite_the_cache(
    client, topic, time_machine
):
    ArticleFactory(topics=[topic])
    scheduled = ArticleFactory(
        title="Coming next week",
        topics=[topic],
        published_at=timezone.now() + datetime.timedelta(minutes=5),
    )
    list_url = reverse("articles:article_list")
    assert scheduled.title not in client.get(list_url).text

    time_machine.move_to(timezone.now() + datetime.timedelta(minutes=6))

    assert scheduled.title in client.get(list_url).text


def test_staff_are_never_served_the_readers_copy(editor_client, article):
    reader = Client()
    reader.get(article.get_absolute_url())

    staff_page = editor_client.get(article.get_absolute_url())

    assert f'href="/admin/articles/article/{article.pk}/change/"' in staff_page.text
    assert "/admin/" not in reader.get(article.get_absolute_url()).text


def test_campaign_links_fill_the_form_even_when_the_page_was_cached(client, article):
    client.get(article.get_absolute_url())

    html = Client().get(article.get_absolute_url() + "?utm_source=newsletter").text

    assert hidden_value(html, "utm_source") == "newsletter"


def test_pages_are_compressed_for_browsers_that_accept_it(client, article):
    response = client.get(article.get_absolute_url(), HTTP_ACCEPT_ENCODING="gzip")

    assert response["Content-Encoding"] == "gzip"


def test_a_cached_page_expires_after_the_configured_time(client, article, settings, time_machine):
    settings.PAGE_CACHE_SECONDS = 60
    client.get(article.get_absolute_url())
    Article.objects.filter(pk=article.pk).update(title="Changed behind the cache's back")

    assert "Changed behind" not in client.get(article.get_absolute_url()).text
    time_machine.move_to(timezone.now() + datetime.timedelta(seconds=61))
    time.sleep(0)

    assert "Changed behind" in client.get(article.get_absolute_url()).text


def test_the_sitemap_is_cached_and_refreshed_when_an_article_is_published(client, article):
    sitemap_url = reverse("django.contrib.sitemaps.views.sitemap")
    client.get(sitemap_url)
    with CaptureQueriesContext(connection) as queries:
        client.get(sitemap_url)
    draft = ArticleFactory(draft=True)

    draft.status = Article.Status.PUBLISHED
    draft.save()

    assert len(queries) == 0
    assert draft.get_absolute_url() in client.get(sitemap_url).text


def test_a_page_the_same_for_every_reader_is_compressed_once_and_served_as_is(article):
    list_url = reverse("articles:article_list")
    first = Client().get(list_url, HTTP_ACCEPT_ENCODING="gzip")

    again = Client().get(list_url, HTTP_ACCEPT_ENCODING="gzip")
    plain = Client().get(list_url)

    assert again["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in again["Vary"]
    assert gzip.decompress(again.content) == gzip.decompress(first.content)
    assert not plain.has_header("Content-Encoding")
    assert article.title in plain.text


def test_a_parameter_whose_value_looks_like_a_query_string_gets_its_own_page(article):
    book = reverse("bookings:book")
    Client().get(book, {"article": article.slug, "page": "1"})

    odd = Client().get(book, {"article": f"{article.slug}&page=1"})

    assert f'name="article" value="{article.slug}"' not in odd.text
