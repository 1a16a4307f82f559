"""Clinical reviewers record reviews (the review_article permission) instead of changing whole
articles; editors may record reviews too."""

from django.db import migrations

GRANTS = {"Clinical reviewers": "review_article", "Editors": "review_article"}


def grant_review_permission(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    Permission = apps.get_model("auth", "Permission")
    Group = apps.get_model("auth", "Group")
    content_type, _ = ContentType.objects.get_or_create(app_label="articles", model="article")
    review, _ = Permission.objects.get_or_create(
        content_type=content_type,
        codename="review_article",
        defaults={"name": "Can record an article's clinical review"},
    )
    change = Permission.objects.filter(content_type=content_type, codename="change_article")
    for group in Group.objects.filter(name__in=GRANTS):
        group.permissions.add(review)
    for group in Group.objects.filter(name="Clinical reviewers"):
        group.permissions.remove(*change)


def restore_change_permission(apps, schema_editor):
    Permission = apps.get_model("auth", "Permission")
    Group = apps.get_model("auth", "Group")
    change = Permission.objects.filter(
        content_type__app_label="articles", codename="change_article"
    )
    for group in Group.objects.filter(name="Clinical reviewers"):
        group.permissions.add(*change)


class Migration(migrations.Migration):
    dependencies = [("articles", "0003_article_review_permission")]

    operations = [migrations.RunPython(grant_review_permission, restore_change_permission)]
