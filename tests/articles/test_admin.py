import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from articles.models import Article
from tests.articles.factories import ArticleFactory, ClinicianFactory, ReferenceFactory

pytestmark = pytest.mark.django_db


def article_form_data(author, topic, **overrides):
    data = {
        "title": "Hamstring strains in sprinters",
        "slug": "hamstring-strains-in-sprinters",
        "summary": "How to recover from a pulled hamstring.",
        "body": "## Early days\n\nRest a little, then move [1].",
        "author": author.pk,
        "topics": [topic.pk],
        "status": "published",
        "published_at_0": "2026-01-05",
        "published_at_1": "09:00:00",
        "reviewed_by": author.pk,
        "last_reviewed": "2026-01-04",
        "next_review_due": "",
        "hero_alt": "",
        "references-TOTAL_FORMS": "2",
        "references-INITIAL_FORMS": "0",
        "references-MIN_NUM_FORMS": "0",
        "references-MAX_NUM_FORMS": "1000",
    }
    for index, author_name in enumerate(["NHS", "Bupa UK"]):
        data |= {
            f"references-{index}-position": str(index + 1),
            f"references-{index}-author": author_name,
            f"references-{index}-year": "2024",
            f"references-{index}-title": f"Guide {index + 1}",
            f"references-{index}-publisher": "",
            f"references-{index}-url": f"https://example.org/guide-{index + 1}",
            f"references-{index}-accessed": "2024-10-21",
        }
    return data | overrides


def test_editor_creates_an_article_with_references_in_admin(editor_client, topic):
    author = ClinicianFactory()

    response = editor_client.post(
        reverse("admin:articles_article_add"), article_form_data(author, topic)
    )

    assert response.status_code == 302, response.context["errors"]
    article = Article.objects.get(slug="hamstring-strains-in-sprinters")
    assert [r.author for r in article.references.all()] == ["NHS", "Bupa UK"]
    assert article.next_review_due == datetime.date(2027, 1, 4)
    assert 'href="#ref-1"' in article.body_html


def test_admin_form_explains_bad_input_and_keeps_nothing_half_saved(editor_client, topic):
    data = article_form_data(ClinicianFactory(), topic, **{"references-1-url": "not a url"})
    data["summary"] = "x" * 161

    response = editor_client.post(reverse("admin:articles_article_add"), data)

    assert response.status_code == 200
    assert "Ensure this value has at most 160 characters" in response.text
    assert "Enter a valid URL" in response.text
    assert not Article.objects.exists()


def test_changing_a_published_articles_slug_redirects_the_old_address(editor_client, client, topic):
    article = ArticleFactory(slug="old-address", topics=[topic])
    ReferenceFactory(article=article)
    change_url = reverse("admin:articles_article_change", args=[article.pk])
    data = article_form_data(article.author, topic, slug="new-address", title=article.title)
    data |= {"references-TOTAL_FORMS": "0"}

    response = editor_client.post(change_url, data)
    assert response.status_code == 302
    old = client.get("/articles/old-address/")

    assert old.status_code == 301
    assert old["Location"] == "/articles/new-address/"

    editor_client.post(change_url, data | {"slug": "newest-address"})
    assert client.get("/articles/old-address/")["Location"] == "/articles/newest-address/"
    assert client.get("/articles/new-address/")["Location"] == "/articles/newest-address/"


def test_publish_and_unpublish_actions(editor_client):
    draft = ArticleFactory(draft=True)
    live = ArticleFactory()
    changelist = reverse("admin:articles_article_changelist")

    editor_client.post(changelist, {"action": "publish", "_selected_action": [draft.pk]})
    editor_client.post(changelist, {"action": "unpublish", "_selected_action": [live.pk]})

    assert Article.objects.published().filter(pk=draft.pk).exists()
    assert not Article.objects.published().filter(pk=live.pk).exists()


def test_changelist_shows_status_and_filters_overdue_reviews(editor_client):
    overdue = ArticleFactory(
        title="Overdue one", last_reviewed=timezone.localdate() - datetime.timedelta(days=800)
    )
    current = ArticleFactory(title="Current one", last_reviewed=timezone.localdate())
    scheduled = ArticleFactory(title="Later one", scheduled=True)
    changelist = reverse("admin:articles_article_changelist")

    everything = editor_client.get(changelist).text
    only_overdue = editor_client.get(changelist, {"review": "overdue"}).text

    assert "Scheduled" in everything and scheduled.title in everything
    assert "(overdue)" in everything
    assert overdue.title in only_overdue
    assert current.title not in only_overdue


def test_view_on_site_links_to_the_article(editor_client, article):
    response = editor_client.get(reverse("admin:articles_article_change", args=[article.pk]))

    assert "View on site" in response.text
