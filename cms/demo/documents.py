"""Regions in every language, and the library's documents as small generated PDFs."""

from django.core.files.base import ContentFile
from wagtail.models import Locale

from cms.models import LibraryDocument, Region

from .content import DEFAULT_LANGUAGE, default_content, load


def ensure_regions(languages: list[str]) -> dict[str, Region]:
    """The default-language regions (what articles and documents point at), translated."""
    default = Locale.objects.get(language_code=DEFAULT_LANGUAGE)
    regions = {}
    for slug, name in default_content()["regions"].items():
        region, _ = Region.objects.get_or_create(locale=default, slug=slug, defaults={"name": name})
        regions[slug] = region
    for language in languages:
        names = (load(language) or {}).get("regions", {})
        locale = Locale.objects.get(language_code=language)
        existing = set(Region.objects.filter(locale=locale).values_list("slug", flat=True))
        for slug, region in regions.items():
            if slug not in existing:
                translation = region.copy_for_translation(locale)
                translation.name = names.get(slug, region.name)
                translation.save()
    return regions


def pdf_bytes(title: str, text: str) -> bytes:
    """A one-page PDF with the title and description, valid enough for any viewer."""

    def escape(value: str) -> str:
        value = value.encode("latin-1", "replace").decode("latin-1")
        return value.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")

    words, lines, line = text.split(), [], ""
    for word in words:
        if len(line) + len(word) > 80:
            lines.append(line)
            line = ""
        line = f"{line} {word}".strip()
    lines.append(line)
    stream = [f"BT /F1 18 Tf 60 780 Td ({escape(title)}) Tj ET"]
    for number, text_line in enumerate(lines):
        stream.append(f"BT /F1 11 Tf 60 {740 - 16 * number} Td ({escape(text_line)}) Tj ET")
    content = "\n".join(stream).encode("latin-1")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] "
        b"/Resources << /Font << /F1 5 0 R >> >> /Contents 4 0 R >>",
        b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out, offsets = bytearray(b"%PDF-1.4\n"), []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for offset in offsets:
        out += b"%010d 00000 n \n" % offset
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return bytes(out)


def ensure_documents(regions: dict[str, Region]) -> None:
    for item in default_content()["documents"]:
        if LibraryDocument.objects.filter(title=item["title"]).exists():
            continue
        document = LibraryDocument(
            title=item["title"],
            description=item["description"],
            region=regions.get(item["region"]),
        )
        document.file.save(
            f"{item['slug']}.pdf",
            ContentFile(pdf_bytes(item["title"], item["description"])),
            save=False,
        )
        document.save()
