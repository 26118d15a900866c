"""Decline reasons belong to one review queue.

Until now every queue offered every reason. So that no queue loses a reason it offered,
each existing reason stays with the membership queue and is copied, with its
translations, to each other queue; staff delete the copies a queue does not need.
"""

import uuid

from django.db import migrations, models

OTHER_QUEUES = ("supporter", "internship", "donation")


def copy_shared_reasons(apps, schema_editor):
    DeclineReason = apps.get_model("membership_forms", "DeclineReason")
    keys = set(DeclineReason.objects.values_list("translation_key", flat=True))
    for key in keys:
        translations = list(DeclineReason.objects.filter(translation_key=key))
        for queue in OTHER_QUEUES:
            new_key = uuid.uuid4()
            DeclineReason.objects.bulk_create(
                DeclineReason(
                    translation_key=new_key,
                    locale_id=reason.locale_id,
                    queue=queue,
                    code=reason.code,
                    title=reason.title,
                    text=reason.text,
                )
                for reason in translations
            )


def remove_copies(apps, schema_editor):
    apps.get_model("membership_forms", "DeclineReason").objects.filter(
        queue__in=OTHER_QUEUES
    ).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("membership_forms", "0022_contact_form_page"),
    ]

    operations = [
        migrations.AddField(
            model_name="declinereason",
            name="queue",
            field=models.CharField(
                choices=[
                    ("membership", "Membership"),
                    ("supporter", "NGO Supporters"),
                    ("internship", "Internships"),
                    ("donation", "Donations"),
                ],
                default="membership",
                help_text="The review queue whose reviewers may choose this reason.",
                max_length=20,
                verbose_name="queue",
            ),
            preserve_default=False,
        ),
        migrations.AlterModelOptions(
            name="declinereason",
            options={
                "abstract": False,
                "ordering": ["queue", "title"],
                "verbose_name": "decline reason",
                "verbose_name_plural": "decline reasons",
            },
        ),
        migrations.RunPython(copy_shared_reasons, remove_copies),
    ]
