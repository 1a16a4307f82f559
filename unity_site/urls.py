from django.conf import settings
from django.conf.urls.static import static
from django.contrib import admin
from django.contrib.sitemaps.views import sitemap
from django.urls import include, path
from django.views.generic import TemplateView

from articles.sitemaps import sitemaps
from unity_site.health import healthz
from unity_site.page_cache import cache_for_readers

# Unhandled errors: the branded 500 page, or the 503 page when the database is away.
handler500 = "unity_site.errors.server_error"

admin.site.site_header = "Unity clinic administration"
admin.site.site_title = "Unity admin"
admin.site.index_title = "Articles and consultation requests"

urlpatterns = [
    # For the load balancer: no session, never cached (unity_site/health.py).
    path("healthz", healthz, name="healthz"),
    path(settings.ADMIN_URL, admin.site.urls),
    path("", include("articles.urls")),
    path("", include("bookings.urls")),
    path(
        "privacy/",
        cache_for_readers(TemplateView.as_view(template_name="pages/privacy.html")),
        name="privacy",
    ),
    path(
        "robots.txt",
        cache_for_readers(
            TemplateView.as_view(template_name="robots.txt", content_type="text/plain")
        ),
        name="robots",
    ),
    path(
        "sitemap.xml",
        cache_for_readers(sitemap),
        {"sitemaps": sitemaps},
        name="django.contrib.sitemaps.views.sitemap",
    ),
]

if settings.DEBUG:
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
