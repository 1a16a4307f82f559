from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.sitemaps import Sitemap
from django.urls import reverse

from .models import Article, Clinician, Topic


class SiteUrlSitemap(Sitemap):
    """Addresses built from SITE_URL rather than the sites framework's stored domain."""

    def get_domain(self, site=None):
        return urlsplit(settings.SITE_URL).netloc

    def get_protocol(self, protocol=None):
        return urlsplit(settings.SITE_URL).scheme


class ArticleSitemap(SiteUrlSitemap):
    changefreq = "monthly"
    priority = 0.8

    def items(self):
        return Article.objects.published().only("slug", "updated_at").order_by("-published_at")

    def lastmod(self, article):
        return article.updated_at


class TopicSitemap(SiteUrlSitemap):
    changefreq = "weekly"

    def items(self):
        return Topic.objects.with_published_articles()


class ClinicianSitemap(SiteUrlSitemap):
    changefreq = "monthly"

    def items(self):
        return Clinician.objects.only("slug")


class PageSitemap(SiteUrlSitemap):
    changefreq = "weekly"

    def items(self):
        return [
            "articles:home",
            "articles:article_list",
            "articles:clinician_list",
            "bookings:book",
            "bookings:visit",
            "privacy",
        ]

    def location(self, name):
        return reverse(name)


sitemaps = {
    "articles": ArticleSitemap,
    "topics": TopicSitemap,
    "team": ClinicianSitemap,
    "pages": PageSitemap,
}
