import feedparser
import pytest
from django.urls import reverse

from tests.articles.factories import ArticleFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def hidden_articles(topic):
    return [
        ArticleFactory(title="Secret draft about backs", draft=True, topics=[topic]),
        ArticleFactory(title="Scheduled piece about backs", scheduled=True, topics=[topic]),
    ]


@pytest.fixture
def public_article(topic):
    return ArticleFactory(title="Public piece about backs", topics=[topic])


def pages_listing_articles(topic):
    return [
        reverse("articles:home"),
        reverse("articles:article_list"),
        topic.get_absolute_url(),
        reverse("articles:search") + "?q=backs",
        reverse("articles:feed_rss"),
        reverse("articles:feed_atom"),
        reverse("django.contrib.sitemaps.views.sitemap"),
    ]


def test_drafts_and_scheduled_articles_are_invisible_to_the_public(
    client, topic, hidden_articles, public_article
):
    for url in pages_listing_articles(topic):
        content = client.get(url).text
        assert public_article.slug in content, url
        for hidden in hidden_articles:
            assert hidden.slug not in content, url
            assert hidden.title not in content, url
    for hidden in hidden_articles:
        assert client.get(hidden.get_absolute_url()).status_code == 404


def test_staff_preview_drafts_and_scheduled_articles_at_their_real_address(
    editor_client, hidden_articles
):
    draft, scheduled = hidden_articles

    draft_page = editor_client.get(draft.get_absolute_url())
    scheduled_page = editor_client.get(scheduled.get_absolute_url())

    assert draft_page.status_code == 200
    assert "This article is a draft" in draft_page.text
    assert '<meta name="robots" content="noindex">' in draft_page.text
    assert "This article is scheduled" in scheduled_page.text


def test_staff_without_article_permissions_get_no_preview(
    client, django_user_model, hidden_articles
):
    staff = django_user_model.objects.create_user(username="reception", is_staff=True)
    client.force_login(staff)

    assert client.get(hidden_articles[0].get_absolute_url()).status_code == 404


def test_a_scheduled_article_goes_live_when_its_time_comes(client, hidden_articles, time_machine):
    scheduled = hidden_articles[1]

    time_machine.move_to(scheduled.published_at)

    assert client.get(scheduled.get_absolute_url()).status_code == 200
    assert scheduled.slug in client.get(reverse("articles:article_list")).text


def test_feeds_parse_and_list_only_published_articles(
    client, settings, hidden_articles, public_article
):
    for name in ["articles:feed_rss", "articles:feed_atom"]:
        feed = feedparser.parse(client.get(reverse(name)).content)

        assert not feed.bozo, feed.bozo_exception
        assert [entry.title for entry in feed.entries] == [public_article.title]
        assert feed.entries[0].link == settings.SITE_URL + public_article.get_absolute_url()
