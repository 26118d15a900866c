"""The groups whose people reach member-only pages and documents (docs/members.md).

Wagtail's page privacy and private collections name them; the task
`tasks.members.sync_member_groups` keeps their people in step with each organisation.
"""

from django.db import migrations

GROUPS = ["Members", "NGO Supporters"]


def create_groups(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    for name in GROUPS:
        Group.objects.get_or_create(name=name)


def remove_groups(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=GROUPS).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("membership_forms", "0029_listing_changes"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [migrations.RunPython(create_groups, remove_groups)]
