"""Reading articles from Markdown files with YAML front matter (`manage.py import_articles`).

Every file is checked before anything is written, so a run with one bad file imports nothing.
"""

import datetime
from dataclasses import dataclass, field
from pathlib import Path

import yaml
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.utils import timezone
from django.utils.text import slugify

from .models import Article, Clinician, Reference

FRONT_MATTER_FENCE = "---"


def _max_length(model, field_name: str) -> int:
    return model._meta.get_field(field_name).max_length


LIMITS = {
    "title": _max_length(Article, "title"),
    "summary": _max_length(Article, "summary"),
    "slug": _max_length(Article, "slug"),
    "author": _max_length(Clinician, "name"),
    "reviewed_by": _max_length(Clinician, "name"),
}
REFERENCE_LIMITS = {
    field_name: _max_length(Reference, field_name)
    for field_name in ("author", "title", "publisher", "url")
}


class ArticleFileError(Exception):
    def __init__(self, path: Path, field_name: str, message: str):
        super().__init__(f"{path}: {field_name}: {message}")
        self.path, self.field_name = path, field_name


@dataclass
class ArticleDocument:
    title: str
    slug: str
    summary: str
    author: str
    published_at: datetime.datetime
    body: str
    status: str = "published"
    topics: list[str] = field(default_factory=list)
    reviewed_by: str = ""
    last_reviewed: datetime.date | None = None
    references: list[dict] = field(default_factory=list)


def split_front_matter(path: Path, text: str) -> tuple[dict, str]:
    lines = text.lstrip("\ufeff").splitlines(keepends=True)
    if not lines or lines[0].strip() != FRONT_MATTER_FENCE:
        raise ArticleFileError(path, "front matter", "the file must start with a line of ---")
    for index, line in enumerate(lines[1:], start=1):
        if line.strip() == FRONT_MATTER_FENCE:
            try:
                meta = yaml.safe_load("".join(lines[1:index])) or {}
            except yaml.YAMLError as error:
                raise ArticleFileError(path, "front matter", f"not valid YAML ({error})") from None
            if not isinstance(meta, dict):
                raise ArticleFileError(path, "front matter", "must be a list of key: value lines")
            return meta, "".join(lines[index + 1 :])
    raise ArticleFileError(path, "front matter", "no closing --- line")


def _text(path, meta, key, *, required=True, limit=None, container="") -> str:
    value = meta.get(key)
    name = f"{container}{key}"
    if value is None or (isinstance(value, str) and not value.strip()):
        if required:
            raise ArticleFileError(path, name, "is required")
        return ""
    if not isinstance(value, str | int | float):
        raise ArticleFileError(path, name, "must be text")
    value = str(value).strip()
    if limit and len(value) > limit:
        raise ArticleFileError(path, name, f"has {len(value)} characters; the limit is {limit}")
    return value


def _date(path, name, value) -> datetime.date:
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    try:
        return datetime.date.fromisoformat(str(value))
    except ValueError:
        raise ArticleFileError(path, name, f"{value!r} is not a date like 2024-10-21") from None


def _datetime(path, name, value) -> datetime.datetime:
    if isinstance(value, datetime.datetime):
        moment = value
    elif isinstance(value, datetime.date):
        moment = datetime.datetime.combine(value, datetime.time(9, 0))
    else:
        try:
            moment = datetime.datetime.fromisoformat(str(value))
        except ValueError:
            raise ArticleFileError(
                path, name, f"{value!r} is not a date or date-time like 2024-08-05 09:00"
            ) from None
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment)
    return moment


def _reference(path, index, entry) -> dict:
    container = f"references[{index}]."
    if not isinstance(entry, dict):
        raise ArticleFileError(path, f"references[{index}]", "must be a set of key: value lines")
    reference = {
        key: _text(path, entry, key, limit=limit, container=container, required=key != "publisher")
        for key, limit in REFERENCE_LIMITS.items()
    }
    try:
        URLValidator(schemes=["http", "https"])(reference["url"])
    except ValidationError:
        raise ArticleFileError(path, f"{container}url", "is not a web address") from None
    year = entry.get("year")
    if not isinstance(year, int) or not 1800 <= year <= 2100:
        raise ArticleFileError(path, f"{container}year", f"{year!r} is not a year")
    reference["year"] = year
    if entry.get("accessed") is None:
        raise ArticleFileError(path, f"{container}accessed", "is required")
    reference["accessed"] = _date(path, f"{container}accessed", entry["accessed"])
    return reference


def read_article_file(path: Path) -> ArticleDocument:
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise ArticleFileError(path, "file", f"cannot be read ({error})") from None
    meta, body = split_front_matter(path, text)
    if not body.strip():
        raise ArticleFileError(path, "body", "the article has no text after the front matter")

    title = _text(path, meta, "title", limit=LIMITS["title"])
    slug = _text(path, meta, "slug", required=False, limit=LIMITS["slug"]) or slugify(title)
    if slug != slugify(slug) or not slug:
        raise ArticleFileError(path, "slug", "use lower-case letters, numbers and hyphens")
    if meta.get("published") is None:
        raise ArticleFileError(path, "published", "is required")

    status = _text(path, meta, "status", required=False) or "published"
    if status not in {"published", "draft"}:
        raise ArticleFileError(path, "status", "must be published or draft")

    topics = meta.get("topics") or []
    if not isinstance(topics, list) or not all(isinstance(t, str) and t.strip() for t in topics):
        raise ArticleFileError(path, "topics", "must be a list of topic names")

    references = meta.get("references") or []
    if not isinstance(references, list):
        raise ArticleFileError(path, "references", "must be a list")

    last_reviewed = meta.get("last_reviewed")
    return ArticleDocument(
        title=title,
        slug=slug,
        summary=_text(path, meta, "summary", limit=LIMITS["summary"]),
        author=_text(path, meta, "author", limit=LIMITS["author"]),
        published_at=_datetime(path, "published", meta["published"]),
        body=body.strip() + "\n",
        status=status,
        topics=[topic.strip() for topic in topics],
        reviewed_by=_text(path, meta, "reviewed_by", required=False, limit=LIMITS["reviewed_by"]),
        last_reviewed=_date(path, "last_reviewed", last_reviewed) if last_reviewed else None,
        references=[_reference(path, i, entry) for i, entry in enumerate(references, start=1)],
    )


def read_article_files(paths: list[Path]) -> tuple[list[ArticleDocument], list[ArticleFileError]]:
    documents, errors, seen_slugs = [], [], {}
    for path in paths:
        try:
            document = read_article_file(path)
        except ArticleFileError as error:
            errors.append(error)
            continue
        if document.slug in seen_slugs:
            errors.append(
                ArticleFileError(
                    path, "slug", f"{document.slug!r} is also used by {seen_slugs[document.slug]}"
                )
            )
            continue
        seen_slugs[document.slug] = path
        documents.append(document)
    return documents, errors
