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
    assert "New York office" not in arabic and "+31 70 363 4484" in arabic
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

    french = Locale.objects.get_or_create(language_code="fr")[0]
    translated_tag = tag.copy_for_translation(french)
    translated_tag.name = "Alerte précoce"
    translated_tag.save()
    french_article = article.copy_for_translation(french, copy_parents=True)
    french_article.save_revision().publish()
    content = client.get(french_article.url).content.decode()
    assert ">Alerte précoce</a>" in content
    assert ">Early warning</a>" in client.get(article.url).content.decode()


def test_contact_page_lists_the_offices_in_the_visitors_language(client, demo_site):
    contact = client.get("/es/contact/").content.decode()
    offices = contact[contact.index('class="offices-block"') :]
    offices = offices[: offices.index("</section>")]
    assert "Oficina de Nueva York" in offices and "Estados Unidos" in offices
    assert 'href="tel:+12125991320"' in offices and "+1 212 599 1320" in offices
    assert "Oficina de La Haya" in offices and "Países Bajos" in offices


def test_library_offers_the_regions_that_have_documents_and_says_their_language(client, demo_site):
    library = client.get("/fr/library/").content.decode()
    regions = library[library.index('class="region-filter"') :]
    regions = regions[: regions.index("</nav>")]
    assert 'Afrique <span class="count">(1)</span>' in regions
    assert "?region=americas" not in regions  # no document there yet
    # The documents are in English: said on the French page, and marked for readers.
    assert "PDF · en anglais · Afrique" in client.get("/fr/library/?region=africa").content.decode()
    assert 'lang="en" dir="ltr">A Toolkit on the Responsibility to Protect<' in library
    arabic = client.get("/ar/library/").content.decode()
    assert "باللغة " in arabic
    assert "in English" not in client.get("/library/").content.decode()
    # An empty region someone links to still answers, and says so.
    empty = client.get("/fr/library/?region=americas").content.decode()
    assert "Aucun document" in empty or "Pas encore de document" in empty


def test_the_missing_page_offers_a_search_box(client, demo_site):
    response = client.get("/ar/no-such-page/")
    assert response.status_code == 404
    content = response.content.decode()
    assert 'id="not-found-q" name="q"' in content and 'action="/ar/search/"' in content
