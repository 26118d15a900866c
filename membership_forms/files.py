"""What an uploaded file really is, decided by its content, never by its name or declared type.

Only cheap checks run in the request: the PDF's header and trailer, the DOCX's ZIP directory
(with limits on entries and unpacked size, so a zip bomb is refused unopened). Parsing a
whole document is the worker's job, under time and memory limits.
"""

from __future__ import annotations

import hashlib
import zipfile
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

PDF = "application/pdf"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
EXTENSIONS = {PDF: "pdf", DOCX: "docx"}

MAX_ZIP_ENTRIES = 1000
MAX_UNPACKED_BYTES = 100 * 1024 * 1024
MAX_RATIO = 200  # deflate reaches about 1000:1 on zeros; real Word parts stay far below this
MAX_CONTENT_TYPES_BYTES = 1024 * 1024


class FileRejected(Exception):
    def __init__(self, message, code: str):
        super().__init__(str(message))
        self.message = message
        self.code = code


@dataclass(frozen=True)
class FileInfo:
    content_type: str
    size: int
    sha256: str


def sha256_of(upload) -> str:
    digest = hashlib.sha256()
    upload.seek(0)
    for chunk in iter(lambda: upload.read(64 * 1024), b""):
        digest.update(chunk)
    upload.seek(0)
    return digest.hexdigest()


def _check_pdf(upload, size: int) -> None:
    upload.seek(max(0, size - 2048))
    tail = upload.read()
    upload.seek(0)
    if b"%%EOF" not in tail:
        raise FileRejected(_("This PDF is incomplete or damaged."), "damaged_pdf")


def _check_docx(upload) -> None:
    try:
        with zipfile.ZipFile(upload) as archive:
            entries = archive.infolist()
            if len(entries) > MAX_ZIP_ENTRIES:
                raise FileRejected(_("This document has too many parts."), "zip_bomb")
            unpacked = sum(entry.file_size for entry in entries)
            packed = sum(entry.compress_size for entry in entries) or 1
            if unpacked > MAX_UNPACKED_BYTES or unpacked / packed > MAX_RATIO:
                raise FileRejected(_("This document unpacks to an unsafe size."), "zip_bomb")
            names = {entry.filename for entry in entries}
            if "[Content_Types].xml" not in names or "word/document.xml" not in names:
                raise FileRejected(_("This is not a Word (DOCX) document."), "invalid_type")
            if any(name.lower().endswith("vbaproject.bin") for name in names):
                raise FileRejected(_("Documents with macros are not accepted."), "macro")
            info = archive.getinfo("[Content_Types].xml")
            if info.file_size > MAX_CONTENT_TYPES_BYTES:
                raise FileRejected(_("This document unpacks to an unsafe size."), "zip_bomb")
            with archive.open(info) as handle:
                content_types = handle.read(MAX_CONTENT_TYPES_BYTES + 1).lower()
            if b"macroenabled" in content_types or b"vbaproject" in content_types:
                raise FileRejected(_("Documents with macros are not accepted."), "macro")
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, NotImplementedError) as error:
        raise FileRejected(_("This document is damaged."), "damaged_docx") from error
    finally:
        upload.seek(0)


def inspect_upload(upload, max_bytes: int) -> FileInfo:
    """The file's true type, size and SHA-256, or FileRejected saying why not."""
    size = upload.size
    if size == 0:
        raise FileRejected(_("The file is empty."), "empty")
    if size > max_bytes:
        raise FileRejected(
            _("The file is larger than %(mb)s MB.") % {"mb": max_bytes // (1024 * 1024)},
            "too_large",
        )
    upload.seek(0)
    head = upload.read(8)
    upload.seek(0)
    if head.startswith(b"%PDF-"):
        _check_pdf(upload, size)
        content_type = PDF
    elif head.startswith(b"PK\x03\x04"):
        _check_docx(upload)
        content_type = DOCX
    else:
        raise FileRejected(_("Only PDF and DOCX files are accepted."), "invalid_type")
    return FileInfo(content_type=content_type, size=size, sha256=sha256_of(upload))
