"""The "Editors" and "Clinical reviewers" groups (the "Booking reviewers" group is the
bookings app's). Staff get what they may do by joining a group, never one by one.

- Editors: write and publish articles: every permission on articles, clinicians, topics and
  references.
- Clinical reviewers: review articles: view everything in articles, change articles (to record
  "reviewed by", "last reviewed" and "next review due"); they cannot add or delete anything.
"""

from django.db import migrations

MODELS = ("article", "clinician", "topic", "reference")
GROUPS = {
    "Editors": {model: ["add", "change", "delete", "view"] for model in MODELS},
    "Clinical reviewers": {
        "article": ["view", "change"],
        "clinician": ["view"],
        "topic": ["view"],
        "reference": ["view"],
    },
}


def create_groups(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    Permission = apps.get_model("auth", "Permission")
    Group = apps.get_model("auth", "Group")
    # On a fresh database the permissions do not exist yet (Django makes them after migrating),
    # so make them here exactly as Django would; Django then finds and keeps them.
    for group_name, grants in GROUPS.items():
        group, _ = Group.objects.get_or_create(name=group_name)
        for model, actions in grants.items():
            content_type, _ = ContentType.objects.get_or_create(app_label="articles", model=model)
            verbose_name = apps.get_model("articles", model)._meta.verbose_name
            for action in actions:
                permission, _ = Permission.objects.get_or_create(
                    content_type=content_type,
                    codename=f"{action}_{model}",
                    defaults={"name": f"Can {action} {verbose_name}"},
                )
                group.permissions.add(permission)


def remove_groups(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=GROUPS).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_groups, remove_groups)]
