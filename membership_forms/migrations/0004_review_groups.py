"""The reviewers' groups and their permissions (see docs/reviewers.md)."""

from django.db import migrations

GROUPS = {
    "Secretariat": [
        ("membership_forms", "review_membership"),
        ("membership_forms", "review_supporter"),
        ("membership_forms", "review_donation"),
        ("membership_forms", "download_submissionfile"),
        ("membership_forms", "change_committeerules"),
        ("membership_forms", "add_declinereason"),
        ("membership_forms", "change_declinereason"),
        ("membership_forms", "delete_declinereason"),
        ("membership_forms", "view_declinereason"),
    ],
    "Steering Committee": [
        ("membership_forms", "vote_membership"),
        ("membership_forms", "download_submissionfile"),
    ],
    "Internship coordinator": [
        ("membership_forms", "review_internship"),
        ("membership_forms", "download_submissionfile"),
    ],
}


def create_groups(apps, schema_editor):
    from django.contrib.auth.management import create_permissions

    # Permissions are normally created after all migrations; these groups need them now.
    app_config = apps.get_app_config("membership_forms")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    admin = Permission.objects.get(content_type__app_label="wagtailadmin", codename="access_admin")
    for name, codenames in GROUPS.items():
        group, _ = Group.objects.get_or_create(name=name)
        group.permissions.add(admin)
        for app_label, codename in codenames:
            group.permissions.add(
                Permission.objects.get(content_type__app_label=app_label, codename=codename)
            )


def remove_groups(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=GROUPS).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("membership_forms", "0003_reviews"),
        ("wagtailadmin", "0001_create_admin_access_permissions"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_groups, remove_groups)]
