from urllib.parse import urlencode

from django import forms
from django.shortcuts import get_object_or_404
from django.views.generic import DetailView, ListView

from unity_site.page_cache import mark_canonical_query, mark_not_worth_storing

from .models import Article, Topic
from .structured_data import article_json_ld


class PublishedArticlesMixin:
    """Lists of articles readers may see, newest first, ten to a page."""

    paginate_by = 10

    def get_queryset(self):
        return Article.objects.published().for_listing()

    def canonical_query(self, context) -> dict:
        """The query string of this page as the page cache stores it: page 1 is the bare
        address, `?page=01` or `?page=last` is another spelling of a stored page."""
        page = context.get("page_obj")
        return {"page": page.number if page is not None and page.number > 1 else None}

    def render_to_response(self, context, **response_kwargs):
        response = super().render_to_response(context, **response_kwargs)
        return mark_canonical_query(response, **self.canonical_query(context))


class HomeView(PublishedArticlesMixin, ListView):
    template_name = "articles/home.html"
    paginate_by = None

    def get_queryset(self):
        return super().get_queryset()[:6]

    def get_context_data(self, **kwargs):
        topics = Topic.objects.with_published_articles()
        return super().get_context_data(topics=topics, **kwargs)


class ArticleListView(PublishedArticlesMixin, ListView):
    pass


class TopicDetailView(PublishedArticlesMixin, ListView):
    template_name = "articles/topic_detail.html"

    def get_queryset(self):
        self.topic = get_object_or_404(Topic, slug=self.kwargs["slug"])
        return super().get_queryset().filter(topics=self.topic)

    def get_context_data(self, **kwargs):
        return super().get_context_data(topic=self.topic, **kwargs)


class SearchForm(forms.Form):
    q = forms.CharField(label="Search articles", max_length=200, required=False)


class SearchView(PublishedArticlesMixin, ListView):
    template_name = "articles/search.html"

    def get_queryset(self):
        self.form = SearchForm(self.request.GET)
        self.terms = self.form.cleaned_data["q"].strip() if self.form.is_valid() else ""
        if not self.terms:
            return Article.objects.none()
        return super().get_queryset().search(self.terms)

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            form=self.form, terms=self.terms, query_string=urlencode({"q": self.terms}), **kwargs
        )

    def render_to_response(self, context, **response_kwargs):
        response = super().render_to_response(context, **response_kwargs)
        if self.terms and not context["paginator"].count:
            # Made-up words find nothing: each would otherwise be a page of its own in the cache.
            return mark_not_worth_storing(response)
        return response

    def canonical_query(self, context) -> dict:
        # Words as typed (the page shows them), spaced once: " knee  pain" is "knee pain".
        return {**super().canonical_query(context), "q": " ".join(self.terms.split()) or None}


class ArticleDetailView(DetailView):
    def get_queryset(self):
        return (
            Article.objects.visible_to(self.request.user)
            .defer("search_vector")
            .select_related("author", "reviewed_by")
            .prefetch_related("topics", "references")
        )

    def get_context_data(self, **kwargs):
        article = self.object
        related = (
            Article.objects.published()
            .filter(topics__in=article.topics.all())
            .exclude(pk=article.pk)
            .distinct()
            .for_listing()[:3]
        )
        return super().get_context_data(
            related_articles=related,
            json_ld=article_json_ld(article),
            **kwargs,
        )
