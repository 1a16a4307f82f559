"""Receptionists ("Booking reviewers") keep the diary: each clinician's weekly hours and
exceptions, the clinic's closures and the booking policy (bookings/admin_schedule.py).

"Clinicians' hours" is a proxy of articles.Clinician with its own permissions, so the diary is
managed without the right to change clinicians' public profiles, which stays with editors.
"""

from django.db import migrations

GROUP_NAME = "Booking reviewers"
# model: [(action, the name Django gives the permission)]
PERMISSIONS = {
    "clinicianhours": [
        ("view", "Can view clinician's hours"),
        ("change", "Can change clinician's hours"),
    ],
    "weeklyhours": [
        ("view", "Can view weekly hours"),
        ("add", "Can add weekly hours"),
        ("change", "Can change weekly hours"),
        ("delete", "Can delete weekly hours"),
    ],
    "closure": [
        ("view", "Can view closure or extra session"),
        ("add", "Can add closure or extra session"),
        ("change", "Can change closure or extra session"),
        ("delete", "Can delete closure or extra session"),
    ],
    "bookingpolicy": [
        ("view", "Can view booking policy"),
        ("change", "Can change booking policy"),
    ],
}


def grant(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    Permission = apps.get_model("auth", "Permission")
    Group = apps.get_model("auth", "Group")
    # As in 0002: on a fresh database the permissions are made after migrating, so make them
    # here exactly as Django would; Django then finds and keeps them.
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


def revoke(apps, schema_editor):
    Permission = apps.get_model("auth", "Permission")
    Group = apps.get_model("auth", "Group")
    group = Group.objects.filter(name=GROUP_NAME).first()
    if group is None:
        return
    group.permissions.remove(
        *Permission.objects.filter(
            content_type__app_label="bookings",
            codename__in=[
                f"{action}_{model}"
                for model, actions in PERMISSIONS.items()
                for action, _ in actions
            ],
        )
    )


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0009_clinician_offers_free_consultations"),
        ("bookings", "0006_cancellation_sent_at"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [
        migrations.CreateModel(
            name="ClinicianHours",
            fields=[],
            options={
                "verbose_name": "clinician's hours",
                "verbose_name_plural": "clinicians' hours",
                "proxy": True,
                "indexes": [],
                "constraints": [],
            },
            bases=("articles.clinician",),
        ),
        migrations.RunPython(grant, revoke),
    ]
