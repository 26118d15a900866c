"""Things visitors noticed: markup shown as text, headings out of order, names left in
English on the other languages' pages."""

import itertools
import re

import pytest

pytestmark = pytest.mark.django_db


def heading_levels(content: str) -> list[int]:
    return [int(level) for level in re.findall(r"<h([1-6])[\s>]", content)]


def test_join_page_lists_its_sections_without_markup_shown_as_text(client, demo_site):
    content = client.get("/join/").content.decode()
    assert "&lt;p&gt;" not in content and "&lt;/p&gt;" not in content
    assert "<p>Organisations that have joined the Coalition.</p>" in content


def test_headings_go_down_one_level_at_a_time(client, demo_site):
    for path in ("/news/", "/fr/news/", "/ar/news/?kind=statement", "/", "/events/", "/library/"):
        levels = heading_levels(client.get(path).content.decode())
        assert levels[0] == 1 and levels.count(1) == 1, (path, levels)
        for previous, level in itertools.pairwise(levels):
            assert level <= previous + 1, f"{path}: h{previous} then h{level} in {levels}"


def test_offices_and_tags_are_named_in_the_visitors_language(client, demo_site):
    french = client.get("/fr/").content.decode()
    assert "Bureau de New York" in french and "Bureau de La Haye" in french
    assert "New York office" not in french
    arabic = client.get("/ar/").content.decode()
    assert "New York office" not in arabic and "+31 70 363-4484" in arabic
    english = client.get("/").content.decode()
    # Still in the order editors gave them.
    assert english.index("New York office") < english.index("The Hague office")

    slug = "ngo-supporters-category-launched"
    for prefix, names, not_names in (
        ("/fr/", ["Adhésion", "ONG sympathisantes"], ["Membership"]),
        ("/es/", ["Membresía", "ONG simpatizantes"], ["Membership"]),
        ("/ar/", ["العضوية"], ["Membership"]),
        ("/", ["Membership", "NGO Supporters"], ["ngo-supporters<"]),
    ):
        content = client.get(f"{prefix}news/{slug}/").content.decode()
        tags = content[content.index('<ul class="tags">') :]
        tags = tags[: tags.index("</ul>")]
        for name in names:
            assert f">{name}</a>" in tags, (prefix, name)
        for name in not_names:
            assert name not in tags, (prefix, name)
        # The filter behind a tag is the same in every language.
        assert f'href="{prefix}news/?tag=membership"' in tags
        listing = client.get(f"{prefix}news/?tag=membership").content.decode()
        assert f'href="{prefix}news/{slug}/"' in listing


def test_a_tag_typed_by_an_editor_is_translated_like_a_snippet(client, editor_client, home):
    from wagtail.models import Locale
    from wagtail.test.utils.form_data import rich_text, streamfield

    from cms.models import ArticlePage, ArticleTopic, NewsIndexPage

    from .conftest import create_through_admin

    index = create_through_admin(
        editor_client, home, NewsIndexPage, {"title": "News", "slug": "news", "intro": ""}
    )
    article = create_through_admin(
        editor_client,
        index,
        ArticlePage,
        {
            "title": "Early warning in practice",
            "slug": "early-warning-in-practice",
            "intro": "",
            "kind": "news",
            "date": "2027-02-01",
            "region": "",
            "tags": '"Early warning"',
            "image": "",
            "body": streamfield([("paragraph", rich_text("<p>Text.</p>"))]),
        },
    )
    tag = ArticleTopic.objects.get()
    assert (tag.name, tag.slug, tag.locale) == ("Early warning", "early-warning", home.locale)

    # The plugin's form pages (built once per run) may have made the French locale already.
    french, _ = Locale.objects.get_or_create(language_code="fr")
    translated_tag = tag.copy_for_translation(french)
    translated_tag.name = "Alerte précoce"
    translated_tag.save()
    french_article = article.copy_for_translation(french, copy_parents=True)
    french_article.save_revision().publish()
    content = client.get(french_article.url).content.decode()
    assert ">Alerte précoce</a>" in content
    assert ">Early warning</a>" in client.get(article.url).content.decode()
