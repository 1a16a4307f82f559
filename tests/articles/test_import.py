import datetime
import textwrap

import pytest
from django.core.management import CommandError, call_command

from articles.models import Article, Clinician, Topic

pytestmark = pytest.mark.django_db

FULL_ARTICLE = """\
---
title: "Heel Pain in the Morning? Start Here"
slug: heel-pain-in-the-morning
author: Jo Hart
published: 2024-08-05 09:30
summary: Heel pain that is worst with your first steps is often plantar fasciitis.
topics: [Foot pain, Running injuries]
reviewed_by: Sam Lee
last_reviewed: 2024-08-01
references:
  - author: NHS
    year: 2023
    title: Plantar fasciitis
    publisher: nhs.uk
    url: https://www.nhs.uk/conditions/plantar-fasciitis/
    accessed: 2024-10-21
  - author: Bupa UK
    year: 2023
    title: Common Running Injuries and How to Prevent Them
    url: https://www.bupa.co.uk/health-information
    accessed: 2024-10-21
---
## Why it hurts

The tissue under your foot is sensitive [1].
"""


def write(tmp_path, name, text):
    path = tmp_path / name
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def test_imports_a_full_article(tmp_path):
    call_command("import_articles", write(tmp_path, "heel.md", FULL_ARTICLE))

    article = Article.objects.get(slug="heel-pain-in-the-morning")
    assert article.title == "Heel Pain in the Morning? Start Here"
    assert article.author.name == "Jo Hart"
    assert article.reviewed_by.name == "Sam Lee"
    assert article.last_reviewed == datetime.date(2024, 8, 1)
    assert article.is_public
    assert article.published_at.date() == datetime.date(2024, 8, 5)
    assert sorted(t.name for t in article.topics.all()) == ["Foot pain", "Running injuries"]
    assert [r.author for r in article.references.all()] == ["NHS", "Bupa UK"]
    assert article.references.first().publisher == "nhs.uk"
    assert 'href="#ref-1"' in article.body_html


def test_reimporting_updates_instead_of_duplicating(tmp_path):
    path = write(tmp_path, "heel.md", FULL_ARTICLE)
    call_command("import_articles", path)

    path.write_text(FULL_ARTICLE.replace("Start Here", "Start Here Instead"), encoding="utf-8")
    call_command("import_articles", path)

    assert Article.objects.count() == 1
    assert Article.objects.get().title == "Heel Pain in the Morning? Start Here Instead"
    assert Clinician.objects.filter(name="Jo Hart").count() == 1
    assert Topic.objects.count() == 2
    assert Article.objects.get().references.count() == 2


def broken(old, new):
    return FULL_ARTICLE.replace(old, new, 1)


@pytest.mark.parametrize(
    ("broken_text", "field"),
    [
        (broken("title: ", "tittle: "), "title"),
        (broken("published: 2024-08-05 09:30", "published: last summer"), "published"),
        (
            broken("https://www.nhs.uk/conditions/plantar-fasciitis/", "not a url"),
            "references[1].url",
        ),
        (broken("year: 2023", "year: soon"), "references[1].year"),
        (broken("summary: Heel", "summary: " + "x" * 200), "summary"),
        (broken("topics: [Foot pain, Running injuries]", "topics: Foot pain"), "topics"),
        (broken("---\n", ""), "front matter"),
    ],
)
def test_a_run_with_one_bad_file_imports_nothing_and_names_file_and_field(
    tmp_path, broken_text, field
):
    good = write(tmp_path, "good.md", FULL_ARTICLE.replace("heel-pain-in-the-morning", "good-one"))
    bad = write(tmp_path, "bad.md", broken_text)

    with pytest.raises(CommandError) as error:
        call_command("import_articles", good, bad)

    assert f"{bad}: {field}:" in str(error.value)
    assert "Nothing was imported" in str(error.value)
    assert not Article.objects.exists()
    assert not Clinician.objects.exists()


def test_a_missing_file_is_reported_not_crashed_on(tmp_path):
    with pytest.raises(CommandError, match="missing.md: file: cannot be read"):
        call_command("import_articles", tmp_path / "missing.md")


def test_demo_content_loads_twice_without_duplicates(settings):
    settings.DEBUG = True
    call_command("load_demo_content")
    counts = (Article.objects.count(), Topic.objects.count(), Clinician.objects.count())

    call_command("load_demo_content")

    assert (Article.objects.count(), Topic.objects.count(), Clinician.objects.count()) == counts
    assert Article.objects.published().count() >= 4
    assert Article.objects.filter(status=Article.Status.DRAFT).exists()
    assert (
        Article.objects.filter(status="published")
        .exclude(pk__in=Article.objects.published())
        .exists()
    )
    assert Topic.objects.filter(articles__in=Article.objects.published()).distinct().count() >= 3


def test_demo_content_refuses_to_run_in_production(settings):
    settings.DEBUG = False

    with pytest.raises(CommandError, match="development only"):
        call_command("load_demo_content")
