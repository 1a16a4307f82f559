import xml.etree.ElementTree as ET

import pytest
from django.urls import reverse

from tests.articles.factories import ArticleFactory

pytestmark = pytest.mark.django_db
SITEMAP_NS = {"sm": "http://www.sitemaps.org/schemas/sitemap/0.9"}


def test_sitemap_is_valid_xml_listing_published_articles_with_lastmod(client, settings, topic):
    public = ArticleFactory(topics=[topic])
    draft = ArticleFactory(draft=True)

    response = client.get(reverse("django.contrib.sitemaps.views.sitemap"))
    root = ET.fromstring(response.content)
    entries = {
        url.find("sm:loc", SITEMAP_NS).text: url.find("sm:lastmod", SITEMAP_NS)
        for url in root.findall("sm:url", SITEMAP_NS)
    }

    assert settings.SITE_URL + public.get_absolute_url() in entries
    assert entries[settings.SITE_URL + public.get_absolute_url()] is not None
    assert settings.SITE_URL + topic.get_absolute_url() in entries
    assert settings.SITE_URL + draft.get_absolute_url() not in entries


def test_rss_items_carry_summary_author_and_topics(client, article):
    import feedparser

    feed = feedparser.parse(client.get(reverse("articles:feed_rss")).content)

    entry = feed.entries[0]
    assert entry.summary == article.summary
    assert [tag.term for tag in entry.tags] == ["Low back pain"]
    assert article.author.name in entry.author
