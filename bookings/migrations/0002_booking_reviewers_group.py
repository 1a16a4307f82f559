"""The "Booking reviewers" group: staff in it can see and work consultation requests."""

from django.db import migrations

GROUP_NAME = "Booking reviewers"
PERMISSIONS = {
    "consultationrequest": [
        ("view", "Can view consultation request"),
        ("change", "Can change consultation request"),
    ],
    "statuschange": [("view", "Can view status change")],
}


def create_group(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    Permission = apps.get_model("auth", "Permission")
    Group = apps.get_model("auth", "Group")
    # On a fresh database the permissions do not exist yet (they are made after migrating),
    # so make them here exactly as Django would; Django then finds and keeps them.
    group, _ = Group.objects.get_or_create(name=GROUP_NAME)
    for model, actions in PERMISSIONS.items():
        content_type, _ = ContentType.objects.get_or_create(app_label="bookings", model=model)
        for action, name in actions:
            permission, _ = Permission.objects.get_or_create(
                content_type=content_type,
                codename=f"{action}_{model}",
                defaults={"name": name},
            )
            group.permissions.add(permission)


def remove_group(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name=GROUP_NAME).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("bookings", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_group, remove_group)]
