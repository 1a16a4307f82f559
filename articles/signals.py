"""Readers' cached pages go stale whenever anything they show is saved or deleted.

Only cache invalidation lives here: no business rules.
"""

from django.db.models.signals import m2m_changed, post_delete, post_save

from unity_site.page_cache import bump_content_version

from .models import Article, Clinician, Reference, Topic


def content_changed(sender, **kwargs):
    bump_content_version()


def connect():
    for model in (Article, Reference, Clinician, Topic):
        post_save.connect(content_changed, sender=model, dispatch_uid=f"page-cache-save-{model}")
        post_delete.connect(
            content_changed, sender=model, dispatch_uid=f"page-cache-delete-{model}"
        )
    m2m_changed.connect(
        content_changed, sender=Article.topics.through, dispatch_uid="page-cache-topics"
    )
