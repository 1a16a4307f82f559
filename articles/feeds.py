from django.conf import settings
from django.contrib.syndication.views import Feed
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed

from .models import Article


class LatestArticlesFeed(Feed):
    description = "Advice on pain, injury and recovery from the clinicians at Unity."

    def title(self):
        return f"{settings.CLINIC['name']}: articles"

    def link(self):
        return settings.SITE_URL + reverse("articles:article_list")

    def feed_url(self):
        return settings.SITE_URL + reverse("articles:feed_rss")

    def items(self):
        return Article.objects.published().for_listing()[:20]

    def item_title(self, item):
        return item.title

    def item_description(self, item):
        return item.summary

    def item_link(self, item):
        return settings.SITE_URL + item.get_absolute_url()

    def item_author_name(self, item):
        return str(item.author)

    def item_pubdate(self, item):
        return item.published_at

    def item_updateddate(self, item):
        return item.updated_at

    def item_categories(self, item):
        return [topic.name for topic in item.topics.all()]


class LatestArticlesAtomFeed(LatestArticlesFeed):
    feed_type = Atom1Feed
    subtitle = LatestArticlesFeed.description

    def feed_url(self):
        return settings.SITE_URL + reverse("articles:feed_atom")
