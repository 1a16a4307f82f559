import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from articles.models import Article
from tests.articles.factories import ArticleFactory, ReferenceFactory, TopicFactory

pytestmark = pytest.mark.django_db


def queries_for(client, url):
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_article_page_runs_the_same_queries_however_many_references_and_topics(client):
    small = ArticleFactory(topics=TopicFactory.create_batch(1))
    ReferenceFactory(article=small)
    ArticleFactory(topics=list(small.topics.all()))
    large = ArticleFactory(topics=TopicFactory.create_batch(6))
    ReferenceFactory.create_batch(12, article=large)
    ArticleFactory.create_batch(4, topics=list(large.topics.all()))

    assert queries_for(client, large.get_absolute_url()) == queries_for(
        client, small.get_absolute_url()
    )


def test_article_page_query_budget(client, django_assert_max_num_queries):
    article = ArticleFactory(topics=TopicFactory.create_batch(3))
    ReferenceFactory.create_batch(8, article=article)

    with django_assert_max_num_queries(8):
        client.get(article.get_absolute_url())


def test_listing_pages_do_not_query_per_article(client, topic):
    ArticleFactory.create_batch(3, topics=[topic])
    few = queries_for(client, reverse("articles:article_list"))
    ArticleFactory.create_batch(7, topics=[topic])

    assert queries_for(client, reverse("articles:article_list")) == few
    assert queries_for(client, reverse("articles:home")) <= few + 1


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="full-text search index is PostgreSQL's"
)
def test_search_uses_the_full_text_index_on_postgresql():
    ArticleFactory.create_batch(3)
    # Without the publication filter, only the search index can stand in for a table scan.
    queryset = Article.objects.search("plantar fasciitis")

    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        plan = queryset.explain()

    assert "article_search_vector" in plan
