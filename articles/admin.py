from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db.models import F
from django.forms.models import BaseInlineFormSet
from django.urls import reverse
from django.utils.html import format_html

from unity_site.admin_filters import QuerySetMethodFilter

from .models import Article, Clinician, Reference, Topic
from .rendering import HIGHEST_REFERENCE_NUMBER
from .services import article_hero_renditions_refresh, article_slug_change_redirect


class ClinicalReviewFilter(QuerySetMethodFilter):
    title = "clinical review"
    parameter_name = "review"
    options = [("overdue", "Overdue", "review_overdue"), ("never", "Never reviewed", "unreviewed")]


class ReferenceForm(forms.ModelForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        number = self.fields["position"]
        number.required = False
        number.help_text += " Leave it empty to number the reference after the others."

    def validate_constraints(self):
        # ReferenceFormSet checks the numbers of all the rows together; checking one row
        # against the saved ones would refuse swapping two references' numbers.
        try:
            self.instance.validate_constraints(
                exclude=self._get_validation_exclusions() | {"position"}
            )
        except ValidationError as error:
            self._update_errors(error)


class ReferenceFormSet(BaseInlineFormSet):
    """One number per reference; rows left without a number get the next ones, in order.

    The empty row that "Add another" copies has no number, so rows added with it and left
    empty are numbered on save rather than all given the same default.
    """

    def clean(self):
        numbered, unnumbered = {}, []
        for form in self.forms:
            if (form.empty_permitted and not form.has_changed()) or "position" in form.errors:
                continue
            if self.can_delete and self._should_delete_form(form):
                continue
            number = form.cleaned_data.get("position")
            if number is None:
                unnumbered.append(form)
            else:
                numbered.setdefault(number, []).append(form)
        repeated = sorted(number for number, forms in numbered.items() if len(forms) > 1)
        if repeated:
            for number in repeated:
                for form in numbered[number]:
                    form.add_error("position", f"Another reference is also numbered {number}.")
            raise ValidationError(
                [
                    f"More than one reference is numbered {number}: "
                    "give each reference its own number."
                    for number in repeated
                ]
            )
        next_number = max(numbered, default=0) + 1
        for form in unnumbered:
            form.cleaned_data["position"] = form.instance.position = next_number
            next_number += 1
        super().clean()

    def save_existing_objects(self, commit=True):
        if commit:
            # Saved references that are renumbered or deleted first step above the highest
            # number, so swapping two numbers never has two rows holding one on the way.
            moving = [
                form.instance.pk
                for form in self.initial_forms
                if form in self.deleted_forms
                or (form.has_changed() and "position" in form.changed_data)
            ]
            Reference.objects.filter(pk__in=moving).update(
                position=F("position") + HIGHEST_REFERENCE_NUMBER
            )
        return super().save_existing_objects(commit)


class ReferenceInline(admin.StackedInline):
    model = Reference
    form = ReferenceForm
    formset = ReferenceFormSet
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
    list_display = ["name", "role", "credentials", "hcpc_number"]
    search_fields = ["name", "role", "hcpc_number"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Topic)
class TopicAdmin(admin.ModelAdmin):
    list_display = ["name", "slug"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}
