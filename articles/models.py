import calendar
import datetime

from django.conf import settings
from django.contrib.postgres.search import SearchVectorField
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import connection, models
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.text import slugify

from .querysets import SEARCH_VECTOR, ArticleQuerySet, TopicQuerySet
from .rendering import HIGHEST_REFERENCE_NUMBER, citation_ids, render_body


def add_months(day: datetime.date, months: int) -> datetime.date:
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return day.replace(
        year=year, month=month, day=min(day.day, calendar.monthrange(year, month)[1])
    )


# The Health and Care Professions Council's registration numbers of physiotherapists: "PH" and
# digits, as the public register shows them (https://www.hcpc-uk.org/check-the-register/).
HCPC_NUMBER_VALIDATOR = RegexValidator(
    r"\APH[0-9]{1,10}\Z",
    message="Enter the number as the HCPC register shows it: “PH” then digits, e.g. PH123456.",
)


class Clinician(models.Model):
    name = models.CharField(max_length=120, unique=True)
    slug = models.SlugField(max_length=140, unique=True)
    role = models.CharField(
        max_length=120, blank=True, help_text="As readers should see it, e.g. “Physiotherapist”."
    )
    credentials = models.CharField(
        max_length=120,
        blank=True,
        help_text="Post-nominals shown after the name, e.g. “BSc (Hons) MCSP”.",
    )
    bio = models.TextField(
        blank=True, max_length=600, help_text="Two or three sentences shown under each article."
    )
    photo = models.ImageField(upload_to="clinicians/", blank=True)
    hcpc_number = models.CharField(
        "HCPC registration number",
        max_length=12,
        blank=True,
        validators=[HCPC_NUMBER_VALIDATOR],
        help_text="Their number on the Health and Care Professions Council's public register, "
        "e.g. “PH123456”: shown on their profile, so patients can check it. Leave it empty "
        "for anyone who is not registered.",
    )
    offers_free_consultations = models.BooleanField(
        default=False,
        help_text="Readers can book a free consultation with them at the times set under "
        "“Consultation requests › Clinicians' hours”.",
    )

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return f"{self.name}, {self.credentials}" if self.credentials else self.name

    def get_absolute_url(self):
        return reverse("articles:clinician_detail", kwargs={"slug": self.slug})


class Topic(models.Model):
    name = models.CharField(max_length=80, unique=True)
    slug = models.SlugField(max_length=100, unique=True)
    description = models.TextField(
        blank=True, max_length=300, help_text="One or two sentences shown on the topic's page."
    )

    objects = TopicQuerySet.as_manager()

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("articles:topic_detail", kwargs={"slug": self.slug})


class Article(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        PUBLISHED = "published", "Published"

    title = models.CharField(max_length=140)
    slug = models.SlugField(
        max_length=160,
        unique=True,
        help_text="The article's address. Changing it on a published article is safe: "
        "the old address redirects to the new one.",
    )
    summary = models.CharField(
        max_length=160,
        help_text="One or two sentences (at most 160 characters): shown under the title, "
        "in search engine results and in the feeds.",
    )
    body = models.TextField(
        help_text="Markdown. Start sections with “## ”, sub-sections with “### ”. "
        "Cite a reference by its number in square brackets, e.g. [1]. "
        "Scripts, frames and other unsafe HTML are removed."
    )
    body_html = models.TextField(editable=False, default="")
    headings = models.JSONField(editable=False, default=list)
    reading_minutes = models.PositiveSmallIntegerField(editable=False, default=1)
    # PostgreSQL's full-text search vector of title, summary and body, kept up to date on save.
    search_vector = SearchVectorField(null=True, editable=False)

    author = models.ForeignKey(Clinician, on_delete=models.PROTECT, related_name="articles")
    topics = models.ManyToManyField(Topic, related_name="articles", blank=True)

    status = models.CharField(
        max_length=10,
        choices=Status,
        default=Status.DRAFT,
        help_text="Only published articles whose publication time has come are shown to readers.",
    )
    published_at = models.DateTimeField(
        "publication date",
        default=timezone.now,
        help_text="A time in the future schedules the article: it goes live at that moment.",
    )

    hero_image = models.ImageField(
        upload_to="articles/", blank=True, help_text="Optional picture shown under the title."
    )
    hero_alt = models.CharField(
        "hero image description",
        max_length=200,
        blank=True,
        help_text="What the picture shows, for readers who cannot see it. Required with a picture.",
    )
    hero_renditions = models.JSONField(editable=False, default=list)

    reviewed_by = models.ForeignKey(
        Clinician,
        on_delete=models.PROTECT,
        related_name="reviewed_articles",
        null=True,
        blank=True,
        help_text="The clinician who checked the article is clinically accurate.",
    )
    last_reviewed = models.DateField(null=True, blank=True)
    next_review_due = models.DateField(
        null=True,
        blank=True,
        help_text="Left empty, it is set to the last review plus the clinic's review period.",
    )

    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ArticleQuerySet.as_manager()

    class Meta:
        ordering = ["-published_at"]
        indexes = [models.Index(fields=["status", "-published_at"], name="article_listing")]
        permissions = [("review_article", "Can record an article's clinical review")]

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        # Derived fields are computed here so every way of saving keeps them true.
        if not self.slug:
            self.slug = slugify(self.title)[:160]
        rendered = render_body(self.body)
        self.body_html = rendered.html
        self.headings = rendered.headings
        self.reading_minutes = rendered.reading_minutes
        if self.last_reviewed and not self.next_review_due:
            self.next_review_due = add_months(
                self.last_reviewed, settings.ARTICLES_REVIEW_PERIOD_MONTHS
            )
        if kwargs.get("update_fields") is not None:
            kwargs["update_fields"] = {
                *kwargs["update_fields"],
                "body_html",
                "headings",
                "reading_minutes",
                "next_review_due",
            }
        super().save(*args, **kwargs)
        if connection.vendor == "postgresql":
            Article.objects.filter(pk=self.pk).update(search_vector=SEARCH_VECTOR)

    def get_absolute_url(self):
        return reverse("articles:article_detail", kwargs={"slug": self.slug})

    @property
    def is_public(self) -> bool:
        return self.status == self.Status.PUBLISHED and self.published_at <= timezone.now()

    @property
    def is_scheduled(self) -> bool:
        return self.status == self.Status.PUBLISHED and self.published_at > timezone.now()

    @property
    def hero_srcset(self) -> str:
        return ", ".join(
            f"{default_storage.url(rendition['name'])} {rendition['width']}w"
            for rendition in self.hero_renditions
        )

    @property
    def hero_size(self) -> dict | None:
        return self.hero_renditions[-1] if self.hero_renditions else None

    def clean(self):
        if self.hero_image and not self.hero_alt.strip():
            raise ValidationError(
                {"hero_alt": "Describe the picture for readers who cannot see it."}
            )
        if (
            self.next_review_due
            and self.last_reviewed
            and self.next_review_due < self.last_reviewed
        ):
            raise ValidationError(
                {"next_review_due": "The next review cannot come before the last."}
            )

    @property
    def review_overdue(self) -> bool:
        return bool(self.next_review_due and self.next_review_due < timezone.localdate())


class Reference(models.Model):
    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="references")
    position = models.PositiveSmallIntegerField(
        "number",
        validators=[MinValueValidator(1), MaxValueValidator(HIGHEST_REFERENCE_NUMBER)],
        help_text="Its number in the list; the body cites it as [number].",
    )
    author = models.CharField("author or organisation", max_length=200, help_text="e.g. “Bupa UK”.")
    year = models.PositiveSmallIntegerField()
    title = models.CharField(max_length=300)
    publisher = models.CharField(
        "publisher or site", max_length=200, blank=True, help_text="Optional."
    )
    url = models.URLField("URL", max_length=500)
    accessed = models.DateField(help_text="The day you last checked the page said this.")

    class Meta:
        ordering = ["position", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["article", "position"], name="reference_number_unique_in_article"
            )
        ]

    def __str__(self):
        return f"{self.author}, {self.year}. {self.title}."

    def as_harvard(self) -> str:
        """The clinic's Harvard style: Author, Year. Title. [online] Publisher. Available at:
        URL [Accessed 21 October 2024]."""
        publisher = format_html(" {}.", self.publisher) if self.publisher else ""
        return format_html(
            '{}, {}. {}. [online]{} Available at: <a href="{}">{}</a> [Accessed {} {}].',
            self.author,
            self.year,
            self.title.rstrip("."),
            publisher,
            self.url,
            self.url,
            self.accessed.day,
            self.accessed.strftime("%B %Y"),
        )

    @property
    def back_links(self) -> list[dict]:
        """Links from the references list back to each citation of this reference in the body,
        lettered a, b, … when there are several (article.body_html holds the ids)."""
        ids = citation_ids(self.article.body_html, self.position)
        if len(ids) == 1:
            return [{"id": ids[0], "label": ""}]
        return [{"id": id_, "label": _letter(index)} for index, id_ in enumerate(ids)]


def _letter(index: int) -> str:
    """a, b, … z, then aa, bb, …"""
    return chr(ord("a") + index % 26) * (index // 26 + 1)
