from django.contrib import admin, messages
from django.urls import reverse
from django.utils.html import format_html

from unity_site.admin_filters import QuerySetMethodFilter

from .models import Article, Clinician, Reference, Topic
from .services import article_hero_renditions_refresh, article_slug_change_redirect


class ClinicalReviewFilter(QuerySetMethodFilter):
    title = "clinical review"
    parameter_name = "review"
    options = [("overdue", "Overdue", "review_overdue"), ("never", "Never reviewed", "unreviewed")]


class ReferenceInline(admin.StackedInline):
    model = Reference
    extra = 0
    fields = [("position", "year", "accessed"), "author", "title", "publisher", "url"]


@admin.register(Article)
class ArticleAdmin(admin.ModelAdmin):
    list_display = ["title", "status_label", "published_at", "author", "topic_names", "review_due"]
    list_filter = ["status", "topics", "author", ClinicalReviewFilter]
    list_select_related = ["author"]
    search_fields = ["title", "summary", "body"]
    date_hierarchy = "published_at"
    prepopulated_fields = {"slug": ["title"]}
    filter_horizontal = ["topics"]
    readonly_fields = ["reading_minutes", "updated_at"]
    inlines = [ReferenceInline]
    actions = ["publish", "unpublish"]
    review_fields = ["reviewed_by", "last_reviewed", "next_review_due"]
    fieldsets = [
        (None, {"fields": ["title", "slug", "summary", "body", "reading_minutes"]}),
        ("Author and topics", {"fields": ["author", "topics"]}),
        ("Publication", {"fields": ["status", "published_at", "updated_at"]}),
        ("Picture", {"fields": ["hero_image", "hero_alt"]}),
        ("Clinical review", {"fields": ["reviewed_by", "last_reviewed", "next_review_due"]}),
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("topics")

    def has_change_permission(self, request, obj=None):
        # Clinical reviewers may open an article to record its review, and change nothing else.
        return super().has_change_permission(request, obj) or request.user.has_perm(
            "articles.review_article"
        )

    def has_publish_permission(self, request):
        return super().has_change_permission(request)

    def get_prepopulated_fields(self, request, obj=None):
        if super().has_change_permission(request, obj):
            return self.prepopulated_fields
        return {}

    def get_readonly_fields(self, request, obj=None):
        if super().has_change_permission(request, obj):
            return self.readonly_fields
        return [
            name
            for _, options in self.fieldsets
            for row in options["fields"]
            for name in ([row] if isinstance(row, str) else row)
            if name not in self.review_fields
        ]

    @admin.display(description="status", ordering="status")
    def status_label(self, article):
        if article.is_scheduled:
            return "Scheduled"
        return article.get_status_display()

    @admin.display(description="topics")
    def topic_names(self, article):
        return ", ".join(topic.name for topic in article.topics.all())

    @admin.display(description="review due", ordering="next_review_due")
    def review_due(self, article):
        if article.review_overdue:
            return format_html("<strong>{} (overdue)</strong>", article.next_review_due)
        return article.next_review_due or "—"

    def save_model(self, request, obj, form, change):
        slug_moved_while_public = (
            change
            and "slug" in form.changed_data
            and Article.objects.published().filter(pk=obj.pk).exists()
        )
        super().save_model(request, obj, form, change)
        if slug_moved_while_public:
            old_path = reverse("articles:article_detail", kwargs={"slug": form.initial["slug"]})
            article_slug_change_redirect(article=obj, old_path=old_path)
        if "hero_image" in form.changed_data:
            article_hero_renditions_refresh(article=obj)

    @admin.action(description="Publish selected articles", permissions=["publish"])
    def publish(self, request, queryset):
        count = self._set_status(queryset, Article.Status.PUBLISHED)
        self.message_user(
            request,
            f"{count} article(s) published. Any with a future publication date go live then.",
            messages.SUCCESS,
        )

    @admin.action(
        description="Unpublish selected articles (back to draft)", permissions=["publish"]
    )
    def unpublish(self, request, queryset):
        count = self._set_status(queryset, Article.Status.DRAFT)
        self.message_user(request, f"{count} article(s) returned to draft.", messages.SUCCESS)

    @staticmethod
    def _set_status(queryset, status) -> int:
        # Saved one by one, not with update(), so readers' cached pages are refreshed.
        articles = list(queryset)
        for article in articles:
            article.status = status
            article.save(update_fields=["status", "updated_at"])
        return len(articles)


@admin.register(Clinician)
class ClinicianAdmin(admin.ModelAdmin):
    list_display = ["name", "role", "credentials"]
    search_fields = ["name", "role"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Topic)
class TopicAdmin(admin.ModelAdmin):
    list_display = ["name", "slug"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}
