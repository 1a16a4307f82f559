from django.apps import AppConfig


class ArticlesConfig(AppConfig):
    name = "articles"
    verbose_name = "Articles"

    def ready(self):
        from unity_site import page_cache

        from . import signals
        from .models import Article

        signals.connect()
        # A scheduled article goes live with no save to mark it: cached pages end then.
        page_cache.register_expiry(Article.objects.next_scheduled_publication)
