"""Actions on articles that touch more than one model."""

from django.conf import settings
from django.contrib.redirects.models import Redirect
from django.db import transaction
from django.utils.text import slugify

from .images import delete_renditions, make_renditions
from .importing import ArticleDocument
from .models import Article, Clinician, Reference, Topic


@transaction.atomic
def article_slug_change_redirect(*, article: Article, old_path: str) -> None:
    """Keeps an old address working after a published article's slug changes.

    Earlier redirects to the old address are pointed at the new one, so there are no chains.
    """
    new_path = article.get_absolute_url()
    if old_path == new_path:
        return
    Redirect.objects.filter(site_id=settings.SITE_ID, new_path=old_path).update(new_path=new_path)
    Redirect.objects.filter(site_id=settings.SITE_ID, old_path=new_path).delete()
    Redirect.objects.update_or_create(
        site_id=settings.SITE_ID, old_path=old_path, defaults={"new_path": new_path}
    )


def article_hero_renditions_refresh(*, article: Article) -> None:
    old_renditions = article.hero_renditions
    article.hero_renditions = make_renditions(article.hero_image) if article.hero_image else []
    article.save(update_fields=["hero_renditions"])
    delete_renditions(old_renditions)


def _unique_slug(model, name: str) -> str:
    base = slugify(name)[:90] or "untitled"
    slug, suffix = base, 2
    while model.objects.filter(slug=slug).exists():
        slug, suffix = f"{base}-{suffix}", suffix + 1
    return slug


def _clinician(name: str) -> Clinician:
    clinician = Clinician.objects.filter(name=name).first()
    if clinician is None:
        clinician = Clinician.objects.create(name=name, slug=_unique_slug(Clinician, name))
    return clinician


def _topic(name: str) -> Topic:
    topic = Topic.objects.filter(name__iexact=name).first()
    if topic is None:
        topic = Topic.objects.create(name=name, slug=_unique_slug(Topic, name))
    return topic


@transaction.atomic
def article_import(*, documents: list[ArticleDocument]) -> list[Article]:
    """Creates or updates (matched by slug) one article per document, all or none."""
    articles = []
    for document in documents:
        article = Article.objects.filter(slug=document.slug).first() or Article(slug=document.slug)
        article.title = document.title
        article.summary = document.summary
        article.body = document.body
        article.status = document.status
        article.published_at = document.published_at
        article.author = _clinician(document.author)
        article.reviewed_by = _clinician(document.reviewed_by) if document.reviewed_by else None
        article.last_reviewed = document.last_reviewed
        article.next_review_due = None  # recomputed from last_reviewed on save
        article.save()
        article.topics.set([_topic(name) for name in document.topics])
        article.references.all().delete()
        Reference.objects.bulk_create(
            Reference(article=article, position=position, **reference)
            for position, reference in enumerate(document.references, start=1)
        )
        articles.append(article)
    return articles
