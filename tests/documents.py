"""Real documents for the worker's checks: PDFs written by pypdf, DOCX with or without pages."""

from __future__ import annotations

import io
import zipfile

from pypdf import PdfWriter


def real_pdf(pages: int = 1) -> bytes:
    writer = PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(width=595, height=842)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def real_docx(pages: int | None = None, words: int = 50) -> bytes:
    """A DOCX; `pages` writes docProps/app.xml as Word does, else only the words are there."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(
            "[Content_Types].xml",
            b'<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/'
            b'package/2006/content-types"><Override PartName="/word/document.xml" '
            b'ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.'
            b'document.main+xml"/></Types>',
        )
        text = " ".join(f"word{i}" for i in range(words)).encode()
        archive.writestr(
            "word/document.xml",
            b"<w:document><w:body><w:p><w:r><w:t>" + text + b"</w:t></w:r></w:p></w:body>"
            b"</w:document>",
        )
        if pages is not None:
            archive.writestr(
                "docProps/app.xml",
                f'<?xml version="1.0"?><Properties xmlns="http://schemas.openxmlformats.org/'
                f'officeDocument/2006/extended-properties"><Pages>{pages}</Pages>'
                f"</Properties>".encode(),
            )
    return buffer.getvalue()


def broken_pdf() -> bytes:
    """Passes the request's cheap check (header and %%EOF) but no parser can read it."""
    return b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << >>\n%%EOF\n"


def good_internship_files(sample: bytes | None = None) -> dict:
    return {
        "cover_letter": ("cover.pdf", real_pdf(1), "application/pdf"),
        "resume": ("resume.docx", real_docx(pages=2), "application/octet-stream"),
        "writing_sample": ("sample.pdf", sample or real_pdf(4), "application/pdf"),
    }
