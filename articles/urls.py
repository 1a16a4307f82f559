from django.urls import path

from unity_site.page_cache import cache_for_readers

from . import feeds, team, views

app_name = "articles"

urlpatterns = [
    path("", cache_for_readers(views.HomeView.as_view()), name="home"),
    path("articles/", cache_for_readers(views.ArticleListView.as_view()), name="article_list"),
    path("articles/search/", cache_for_readers(views.SearchView.as_view()), name="search"),
    path("articles/feed/rss/", cache_for_readers(feeds.LatestArticlesFeed()), name="feed_rss"),
    path(
        "articles/feed/atom/", cache_for_readers(feeds.LatestArticlesAtomFeed()), name="feed_atom"
    ),
    path(
        "articles/<slug:slug>/",
        cache_for_readers(views.ArticleDetailView.as_view()),
        name="article_detail",
    ),
    path("team/", cache_for_readers(team.TeamView.as_view()), name="clinician_list"),
    path(
        "team/<slug:slug>/",
        cache_for_readers(team.ClinicianDetailView.as_view()),
        name="clinician_detail",
    ),
    path(
        "topics/<slug:slug>/",
        cache_for_readers(views.TopicDetailView.as_view()),
        name="topic_detail",
    ),
]
