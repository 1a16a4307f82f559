from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector
from django.core.validators import slug_re
from django.db import connection, models
from django.db.models import Case, F, Min, Q, When
from django.utils import timezone

SEARCH_CONFIG = "english"
# What full-text search looks at, weighted: title first, then summary, then body.
SEARCH_VECTOR = (
    SearchVector("title", weight="A", config=SEARCH_CONFIG)
    + SearchVector("summary", weight="B", config=SEARCH_CONFIG)
    + SearchVector("body", weight="C", config=SEARCH_CONFIG)
)


class ArticleQuerySet(models.QuerySet):
    def published(self):
        """What readers may see: published, and the publication time has come.

        Filtering at query time is what makes scheduling work without a timer job.
        """
        return self.filter(status=self.model.Status.PUBLISHED, published_at__lte=timezone.now())

    def published_by_slug(self, slug: str):
        """The published article at this address, or None. Anything that is not a well-formed
        slug (too long, a NUL byte that PostgreSQL refuses) is None without a query."""
        too_long = len(slug) > self.model._meta.get_field("slug").max_length
        if not slug or too_long or not slug_re.fullmatch(slug):
            return None
        return self.published().filter(slug=slug).first()

    def next_scheduled_publication(self):
        """When the next scheduled article goes live, or None."""
        scheduled = self.filter(status=self.model.Status.PUBLISHED, published_at__gt=timezone.now())
        return scheduled.aggregate(next=Min("published_at"))["next"]

    def visible_to(self, user):
        """Staff preview drafts and scheduled articles at their real address."""
        if user.is_active and user.is_staff and user.has_perm("articles.view_article"):
            return self.all()
        return self.published()

    def review_overdue(self):
        return self.filter(next_review_due__lt=timezone.localdate())

    def unreviewed(self):
        return self.filter(last_reviewed__isnull=True)

    def for_listing(self):
        return (
            self.select_related("author")
            .prefetch_related("topics")
            .defer("body", "body_html", "search_vector")
        )

    def search(self, terms: str):
        if connection.vendor == "postgresql":
            # Ranked on the stored vector (Article.search_vector): computing it for every
            # match would take a second at 10,000 articles.
            query = SearchQuery(terms, config=SEARCH_CONFIG, search_type="websearch")
            return (
                self.filter(search_vector=query)
                .annotate(rank=SearchRank(F("search_vector"), query))
                .order_by("-rank", "-published_at")
            )
        # SQLite: every word must appear somewhere; matches in the title rank first.
        matches, in_title, in_summary = Q(), Q(), Q()
        for word in terms.split():
            matches &= (
                Q(title__icontains=word) | Q(summary__icontains=word) | Q(body__icontains=word)
            )
            in_title &= Q(title__icontains=word)
            in_summary &= Q(summary__icontains=word)
        rank = Case(When(in_title, then=3), When(in_summary, then=2), default=1)
        return self.filter(matches).annotate(rank=rank).order_by("-rank", "-published_at")


class TopicQuerySet(models.QuerySet):
    def with_published_articles(self):
        articles = self.model._meta.get_field("articles").related_model.objects.published()
        return self.filter(articles__in=articles).distinct()
