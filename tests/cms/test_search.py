"""Site search on PostgreSQL: each language stemmed by its own rules, the visitor's
language only, and the library's documents."""

import pytest
from django.core.files.base import ContentFile
from wagtail.test.utils.form_data import rich_text, streamfield

from cms.models import HomePage, LibraryDocument, Region, StandardPage

from .conftest import create_through_admin

pytestmark = pytest.mark.django_db


def add_page(editor_client, language: str, slug: str, title: str, text: str) -> StandardPage:
    home = HomePage.objects.get(locale__language_code=language)
    return create_through_admin(
        editor_client,
        home,
        StandardPage,
        {
            "title": title,
            "slug": slug,
            "intro": "",
            "image": "",
            "body": streamfield([("paragraph", rich_text(f"<p>{text}</p>"))]),
        },
    )


def found(client, path: str, url: str) -> bool:
    response = client.get(path)
    assert response.status_code == 200
    return f'href="{url}"' in response.content.decode()


def test_each_language_is_stemmed_by_its_own_rules(client, editor_client, demo_site):
    add_page(
        editor_client,
        "fr",
        "alerte",
        "Alerte précoce",
        "Les populations déplacées : prévenir le crime, protéger, avec les autorités nationales.",
    )
    add_page(
        editor_client,
        "es",
        "alerta",
        "Alerta temprana",
        "Vigilando a las personas desplazadas, con cada organización de la sociedad civil.",
    )
    add_page(editor_client, "ar", "indhar", "الإنذار المبكر", "منع جرائم الحرب وحماية السكان")

    # French: other forms of the words on the page (each query with a word only this
    # page has, so that it is among the first results).
    assert found(client, "/fr/search/?q=d%C3%A9placement+crimes", "/fr/alerte/")
    assert found(client, "/fr/search/?q=d%C3%A9placement+prot%C3%A9geant", "/fr/alerte/")
    assert found(client, "/fr/search/?q=d%C3%A9placement+nationaux", "/fr/alerte/")
    # Spanish.
    assert found(client, "/es/search/?q=vigilar+desplazamiento", "/es/alerta/")
    assert found(client, "/es/search/?q=vigilar+organizaciones", "/es/alerta/")
    # Arabic: at least the words themselves.
    assert found(client, "/ar/search/?q=%D8%A7%D9%84%D8%AD%D8%B1%D8%A8", "/ar/indhar/")  # الحرب

    # Results stay in the visitor's language.
    assert not found(client, "/es/search/?q=d%C3%A9plac%C3%A9es", "/fr/alerte/")
    assert not found(client, "/search/?q=d%C3%A9plac%C3%A9es", "/fr/alerte/")


def test_documents_are_found_with_their_region(client, editor_client, demo_site):
    africa = Region.objects.get(slug="africa", locale__language_code="en")
    document = LibraryDocument(
        title="Early warning toolkit for the Great Lakes",
        description="How community monitors report the first signs.",
        region=africa,
    )
    document.file.save("toolkit.pdf", ContentFile(b"%PDF-1.4 demo"), save=False)
    document.save()

    response = client.get("/search/?q=toolkits")
    content = response.content.decode()
    assert f'href="{document.url}"' in content
    assert "Early warning toolkit for the Great Lakes" in content
    assert "Africa" in content  # the region, in the visitor's language

    # The region's name in the visitor's language finds it too.
    french = client.get("/fr/search/?q=Afrique").content.decode()
    assert f'href="{document.url}"' in french
    assert "Afrique" in french

    # Renaming a region's translation reaches the index of its documents.
    french_africa = Region.objects.get(slug="africa", locale__language_code="fr")
    french_africa.name = "Afrique subsaharienne"
    french_africa.save()
    renamed = client.get("/fr/search/?q=subsaharienne").content.decode()
    assert f'href="{document.url}"' in renamed


def test_a_document_moved_to_another_region_is_found_under_its_new_one(
    client, editor_client, demo_site
):
    """An editor moves a document from Africa to Europe, then deletes the Europe region:
    the search follows each change in every language."""
    africa = Region.objects.get(slug="africa", locale__language_code="en")
    europe = Region.objects.get(slug="europe", locale__language_code="en")
    document = LibraryDocument(
        title="Monitoring report on the Great Lakes",
        description="What community monitors saw.",
        region=africa,
    )
    document.file.save("report.pdf", ContentFile(b"%PDF-1.4 demo"), save=False)
    document.save()
    assert found(client, "/fr/search/?q=Afrique", document.url)

    response = editor_client.post(
        f"/admin/documents/edit/{document.pk}/",
        {
            "title": document.title,
            "collection": document.collection_id,
            "region": europe.pk,
            "description": document.description,
            "tags": "",
        },
    )
    assert response.status_code == 302
    assert found(client, "/fr/search/?q=Europe", document.url)
    assert found(client, "/es/search/?q=Europa", document.url)
    assert not found(client, "/fr/search/?q=Afrique", document.url)

    # Deleting the region leaves the document without one, and its old names with it.
    Region.objects.filter(translation_key=europe.translation_key).delete()
    assert not found(client, "/es/search/?q=Europa", document.url)
    assert found(client, "/search/?q=Great+Lakes", document.url)
