import datetime

import factory
from django.db.models import Max
from django.utils import timezone
from django.utils.text import slugify

from articles.models import Article, Clinician, Reference, Topic


class ClinicianFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Clinician
        django_get_or_create = ["name"]

    name = factory.Sequence(lambda n: f"Clinician {n}")
    slug = factory.Sequence(lambda n: f"clinician-{n}")
    role = "Physiotherapist"
    credentials = "MCSP"


class TopicFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Topic
        django_get_or_create = ["name"]

    name = factory.Sequence(lambda n: f"Topic {n}")
    slug = factory.LazyAttribute(lambda topic: slugify(topic.name))


class ArticleFactory(factory.django.DjangoModelFactory):
    """A published article, live since yesterday."""

    class Meta:
        model = Article
        skip_postgeneration_save = True

    title = factory.Sequence(lambda n: f"Article number {n} about backs")
    slug = factory.Sequence(lambda n: f"article-{n}")
    summary = "A short summary of the article for readers and search engines."
    body = "## What helps\n\nKeep moving gently.\n\n## When to get help\n\nIf it does not settle."
    author = factory.SubFactory(ClinicianFactory)
    status = Article.Status.PUBLISHED
    published_at = factory.LazyFunction(lambda: timezone.now() - datetime.timedelta(days=1))

    class Params:
        draft = factory.Trait(status=Article.Status.DRAFT)
        scheduled = factory.Trait(
            published_at=factory.LazyFunction(lambda: timezone.now() + datetime.timedelta(days=7))
        )

    @factory.post_generation
    def topics(self, create, extracted, **kwargs):
        if create and extracted:
            self.topics.set(extracted)


class ReferenceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Reference

    article = factory.SubFactory(ArticleFactory)
    # The next number in its article, as an editor would number it.
    position = factory.LazyAttribute(
        lambda reference: (
            Reference.objects.filter(article=reference.article).aggregate(
                highest=Max("position", default=0)
            )["highest"]
            + 1
        )
    )
    author = "Bupa UK"
    year = 2023
    title = "Common Running Injuries and How to Prevent Them"
    url = "https://www.bupa.co.uk/health-information"
    accessed = datetime.date(2024, 10, 21)
