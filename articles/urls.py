from django.urls import path

from . import feeds, views

app_name = "articles"

urlpatterns = [
    path("", views.HomeView.as_view(), name="home"),
    path("articles/", views.ArticleListView.as_view(), name="article_list"),
    path("articles/search/", views.SearchView.as_view(), name="search"),
    path("articles/feed/rss/", feeds.LatestArticlesFeed(), name="feed_rss"),
    path("articles/feed/atom/", feeds.LatestArticlesAtomFeed(), name="feed_atom"),
    path("articles/<slug:slug>/", views.ArticleDetailView.as_view(), name="article_detail"),
    path("topics/<slug:slug>/", views.TopicDetailView.as_view(), name="topic_detail"),
]
