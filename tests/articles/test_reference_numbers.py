"""One number per reference in an article: admin numbers new references in order, refuses
two with the same number and lets editors renumber; the database refuses duplicates too."""

import re

import pytest
from django.contrib.auth.models import Group
from django.db import IntegrityError, connection
from django.db.migrations.executor import MigrationExecutor
from django.urls import reverse

from articles.models import Article, Reference
from tests.articles.factories import ArticleFactory, ClinicianFactory, ReferenceFactory
from tests.articles.test_admin import article_form_data


def post_article(editor_client, data, article=None):
    url = (
        reverse("admin:articles_article_change", args=[article.pk])
        if article
        else reverse("admin:articles_article_add")
    )
    return editor_client.post(url, data)


def existing_references_data(article, *rows):
    """The inline rows of an article's saved references, as admin posts them."""
    data = {
        "references-TOTAL_FORMS": str(len(rows)),
        "references-INITIAL_FORMS": str(article.references.count()),
    }
    for index, row in enumerate(rows):
        data |= {
            f"references-{index}-{name}": value
            for name, value in {
                "position": "",
                "author": "NHS",
                "year": "2024",
                "title": f"Guide {index}",
                "publisher": "",
                "url": f"https://example.org/{index}",
                "accessed": "2024-10-21",
            }.items()
        } | {f"references-{index}-{name}": value for name, value in row.items()}
    return data


def numbers_and_authors(article) -> list[tuple[int, str]]:
    """The article's references in order, as (number, author)."""
    return [(reference.position, reference.author) for reference in article.references.all()]


@pytest.mark.django_db
def test_two_references_with_the_same_number_are_refused_with_a_clear_error(editor_client, topic):
    data = article_form_data(ClinicianFactory(), topic, **{"references-1-position": "1"})

    response = post_article(editor_client, data)

    assert response.status_code == 200
    assert "More than one reference is numbered 1" in response.text
    assert "Another reference is also numbered 1." in response.text
    assert not Article.objects.exists()


@pytest.mark.django_db
def test_references_left_without_a_number_are_numbered_after_the_others(editor_client, topic):
    data = article_form_data(
        ClinicianFactory(),
        topic,
        **{"references-0-position": "", "references-1-position": "", "references-TOTAL_FORMS": "3"},
    )
    # A row added with "Add another" and left empty is no reference at all.
    data |= {f"references-2-{name}": "" for name in ("position", "author", "year", "title")}

    response = post_article(editor_client, data)
    assert response.status_code == 302, response.context["errors"]
    article = Article.objects.get()
    first, second = article.references.all()
    assert (first.position, second.position) == (1, 2)

    data = article_form_data(article.author, topic)
    data |= existing_references_data(
        article,
        {"id": str(first.pk), "position": "1"},
        {"id": str(second.pk), "position": "5"},
        {"position": "", "author": "Versus Arthritis"},
        {"position": "", "author": "CSP"},
    )
    response = post_article(editor_client, data, article)

    assert response.status_code == 302, response.context["errors"]
    assert numbers_and_authors(article) == [
        (1, "NHS"),
        (5, "NHS"),
        (6, "Versus Arthritis"),
        (7, "CSP"),
    ]


@pytest.mark.django_db
def test_the_empty_row_add_another_clones_has_no_number_to_repeat(editor_client, article):
    ReferenceFactory(article=article, position=1)

    response = editor_client.get(reverse("admin:articles_article_change", args=[article.pk]))

    empty_row = re.search(r'<input[^>]*name="references-__prefix__-position"[^>]*>', response.text)
    assert empty_row and 'value="' not in empty_row[0]
    assert "Leave it empty" in response.text


@pytest.mark.django_db
def test_editors_can_swap_two_references_numbers(editor_client, topic):
    article = ArticleFactory(topics=[topic])
    nhs = ReferenceFactory(article=article, position=1, author="NHS")
    bupa = ReferenceFactory(article=article, position=2, author="Bupa UK")
    gone = ReferenceFactory(article=article, position=3, author="Gone")
    data = article_form_data(article.author, topic)
    data |= existing_references_data(
        article,
        {"id": str(nhs.pk), "position": "2", "author": "NHS"},
        {"id": str(bupa.pk), "position": "3", "author": "Bupa UK"},
        {"id": str(gone.pk), "position": "1", "author": "Gone", "DELETE": "on"},
        {"position": "1", "author": "CSP"},
    )

    response = post_article(editor_client, data, article)

    assert response.status_code == 302, response.context["errors"]
    assert numbers_and_authors(article) == [(1, "CSP"), (2, "NHS"), (3, "Bupa UK")]


@pytest.mark.django_db
def test_a_clinical_review_leaves_the_references_numbers_alone(client, django_user_model):
    reviewer = django_user_model.objects.create_user(username="reviewer", is_staff=True)
    reviewer.groups.add(Group.objects.get(name="Clinical reviewers"))
    client.force_login(reviewer)
    article = ArticleFactory()
    references = ReferenceFactory.create_batch(2, article=article)
    data = {
        "reviewed_by": article.author.pk,
        "last_reviewed": "2026-11-20",
        "next_review_due": "",
        "references-TOTAL_FORMS": "2",
        "references-INITIAL_FORMS": "2",
    }
    # The references are shown read-only: only their ids come back.
    data |= {f"references-{i}-id": str(ref.pk) for i, ref in enumerate(references)}

    response = post_article(client, data, article)

    assert response.status_code == 302, response.context["errors"]
    assert [r.position for r in article.references.all()] == [1, 2]


@pytest.mark.django_db
@pytest.mark.parametrize("number", ["0", "1000"])
def test_a_number_no_citation_can_reach_is_refused(editor_client, topic, number):
    data = article_form_data(ClinicianFactory(), topic, **{"references-1-position": number})

    response = post_article(editor_client, data)

    assert response.status_code == 200
    assert not Article.objects.exists()


@pytest.mark.django_db
def test_the_database_refuses_two_references_with_the_same_number_in_one_article():
    reference = ReferenceFactory(position=1)
    ReferenceFactory(position=1)  # another article may have its own reference 1

    with pytest.raises(IntegrityError):
        ReferenceFactory(article=reference.article, position=1)


@pytest.mark.django_db
def test_the_factory_numbers_an_articles_references_in_order():
    article = ArticleFactory()

    ReferenceFactory.create_batch(3, article=article)

    assert [r.position for r in Reference.objects.filter(article=article)] == [1, 2, 3]


@pytest.mark.django_db(transaction=True)
def test_the_migration_renumbers_references_that_share_a_number_before_refusing_them():
    executor = MigrationExecutor(connection)
    before = [("articles", "0006_article_search_vector")]
    # Every app's latest: going back to 0006 unapplied the bookings migrations too, whose
    # tables the transactional tests after this one (the browser's) need.
    latest = executor.loader.graph.leaf_nodes()
    executor.migrate(before)
    old_apps = executor.loader.project_state(before).apps
    Clinician = old_apps.get_model("articles", "Clinician")
    OldArticle = old_apps.get_model("articles", "Article")
    OldReference = old_apps.get_model("articles", "Reference")
    author = Clinician.objects.create(name="Jo Hart", slug="jo-hart")
    clash, fine = (
        OldArticle.objects.create(title=slug, slug=slug, summary="s", body="b", author=author)
        for slug in ("clash", "fine")
    )
    for article, position, source in [
        (clash, 1, "NHS"),
        (clash, 2, "Bupa UK"),
        (clash, 1, "CSP"),
        (clash, 1, "Versus Arthritis"),
        (fine, 1, "NHS"),
    ]:
        OldReference.objects.create(
            article=article, position=position, author=source, year=2024, title="t",
            url="https://example.org", accessed="2024-10-21",
        )  # fmt: skip

    executor = MigrationExecutor(connection)
    executor.migrate(latest)

    assert list(
        Reference.objects.filter(article__slug="clash").values_list("position", "author")
    ) == [(1, "NHS"), (2, "Bupa UK"), (3, "CSP"), (4, "Versus Arthritis")]
    assert Reference.objects.get(article__slug="fine").position == 1
