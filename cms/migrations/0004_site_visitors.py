"""Social images, event time zones, and translatable offices and tags.

Offices move from the Organisation setting to a translatable snippet, and article
tags to a translatable tag model: existing rows become the default language's.
"""

import uuid

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models
from wagtail.models.i18n import BootstrapTranslatableModel

import cms.models.events
import cms.models.news

SOCIAL_IMAGE_PAGES = [
    "articlepage",
    "documentlibrarypage",
    "eventindexpage",
    "eventpage",
    "homepage",
    "newsindexpage",
    "searchpage",
    "standardpage",
]


def social_image():
    return models.ForeignKey(
        blank=True,
        help_text="Shown when the page is shared on social media; else the page's own image. Best at 1200 by 630 pixels.",
        null=True,
        on_delete=django.db.models.deletion.SET_NULL,
        related_name="+",
        to="wagtailimages.image",
        verbose_name="social image",
    )


def tags_to_topics(apps, schema_editor):
    """Each taggit tag used on articles becomes a default-language ArticleTopic."""
    ArticleTag = apps.get_model("cms", "ArticleTag")
    ArticleTopic = apps.get_model("cms", "ArticleTopic")
    Locale = apps.get_model("wagtailcore", "Locale")
    topics = {}
    for tagged in ArticleTag.objects.select_related("tag"):
        if tagged.tag_id not in topics:
            topics[tagged.tag_id] = ArticleTopic.objects.create(
                name=tagged.tag.name,
                slug=tagged.tag.slug,
                locale=Locale.objects.get(language_code=settings.LANGUAGE_CODE),
                translation_key=uuid.uuid4(),
            )
        tagged.topic = topics[tagged.tag_id]
        tagged.save(update_fields=["topic"])


class Migration(migrations.Migration):
    dependencies = [
        ("cms", "0003_task_runs"),
        ("wagtailcore", "0098_apitoken"),
        ("wagtailimages", "0027_image_description"),
    ]

    operations = [
        *(
            migrations.AddField(model_name=name, name="social_image", field=social_image())
            for name in SOCIAL_IMAGE_PAGES
        ),
        migrations.AddField(
            model_name="eventpage",
            name="time_zone",
            field=models.CharField(
                blank=True,
                choices=cms.models.events.time_zone_choices,
                help_text="Where the event takes place: start and end are that place's local time. Leave blank for the site's time zone (Settings, Organisation).",
                max_length=64,
                verbose_name="time zone",
            ),
        ),
        migrations.AddField(
            model_name="organisationsettings",
            name="time_zone",
            field=models.CharField(
                choices=cms.models.events.time_zone_choices,
                default="UTC",
                help_text="For events that name no time zone of their own.",
                max_length=64,
                verbose_name="time zone of events",
            ),
        ),
        # Offices: a translatable snippet, no longer part of the Organisation setting.
        migrations.AddField(
            model_name="office",
            name="translation_key",
            field=models.UUIDField(null=True, editable=False),
        ),
        migrations.AddField(
            model_name="office",
            name="locale",
            field=models.ForeignKey(
                null=True,
                editable=False,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="wagtailcore.locale",
                verbose_name="locale",
            ),
        ),
        BootstrapTranslatableModel("cms.Office"),
        migrations.AlterField(
            model_name="office",
            name="translation_key",
            field=models.UUIDField(default=uuid.uuid4, editable=False),
        ),
        migrations.AlterField(
            model_name="office",
            name="locale",
            field=models.ForeignKey(
                editable=False,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="wagtailcore.locale",
                verbose_name="locale",
            ),
        ),
        migrations.RemoveField(model_name="office", name="settings"),
        migrations.AlterModelOptions(
            name="office",
            options={
                "ordering": ["sort_order"],
                "verbose_name": "office",
                "verbose_name_plural": "offices",
            },
        ),
        migrations.AlterUniqueTogether(name="office", unique_together={("translation_key", "locale")}),
        # Tags: translatable, articles in every language point at the default language's.
        migrations.CreateModel(
            name="ArticleTopic",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("translation_key", models.UUIDField(default=uuid.uuid4, editable=False)),
                ("name", models.CharField(max_length=100, verbose_name="name")),
                ("slug", models.SlugField(allow_unicode=True, max_length=100, verbose_name="slug")),
                (
                    "locale",
                    models.ForeignKey(
                        editable=False,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="wagtailcore.locale",
                        verbose_name="locale",
                    ),
                ),
            ],
            options={
                "verbose_name": "tag",
                "verbose_name_plural": "tags",
                "ordering": ["name"],
                "abstract": False,
                "unique_together": {("translation_key", "locale"), ("slug", "locale")},
            },
        ),
        migrations.AddField(
            model_name="articletag",
            name="topic",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="+",
                to="cms.articletopic",
            ),
        ),
        migrations.RunPython(tags_to_topics, migrations.RunPython.noop),
        migrations.RemoveField(model_name="articletag", name="tag"),
        migrations.RenameField(model_name="articletag", old_name="topic", new_name="tag"),
        migrations.AlterField(
            model_name="articletag",
            name="tag",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.CASCADE,
                related_name="tagged_articles",
                to="cms.articletopic",
            ),
        ),
        migrations.AlterField(
            model_name="articlepage",
            name="tags",
            field=cms.models.news.ArticleTagsField(
                blank=True,
                help_text="A comma-separated list of tags.",
                through="cms.ArticleTag",
                to="cms.ArticleTopic",
                verbose_name="Tags",
            ),
        ),
    ]
