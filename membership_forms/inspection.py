"""What the worker sees on opening a stored file: true type, pages, and (optionally) viruses.

Runs in the worker only, never in the request. PDFs are parsed by pypdf in a child process
of their own with a memory and CPU limit and a wall-clock timeout: pypdf has had
denial-of-service bugs, and a hostile PDF must cost one killed child, not a worker.
DOCX pages come from docProps/app.xml when Word wrote them there, else from the word count
(marked as an estimate).
"""

from __future__ import annotations

import math
import re
import socket
import struct
import subprocess
import sys
import zipfile
from dataclasses import asdict, dataclass
from io import BytesIO

from django.core.files.base import ContentFile

from .conf import get_setting
from .files import DOCX, PDF, FileRejected, inspect_upload

# Run as `python -I -c PDF_SCRIPT` with the PDF on stdin; prints the page count.
PDF_SCRIPT = """
import io, sys
from pypdf import PdfReader
reader = PdfReader(io.BytesIO(sys.stdin.buffer.read()), strict=False)
print(len(reader.pages))
"""


class ScanUnavailable(Exception):
    """clamd did not answer: the task retries rather than pass an unscanned file."""


@dataclass(frozen=True)
class FileReport:
    field: str
    name: str
    content_type: str
    valid: bool
    pages: int | None = None
    pages_estimated: bool = False
    problem: str = ""
    infected: bool = False
    signature: str = ""

    def as_dict(self) -> dict:
        return asdict(self)


def _limit_child(memory: int, seconds: int):
    def apply() -> None:
        import resource

        resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
        resource.setrlimit(resource.RLIMIT_CPU, (seconds, seconds))

    return apply


def count_pdf_pages(data: bytes) -> int | None:
    """Pages of a PDF, or None when pypdf cannot read it within the limits."""
    timeout = get_setting("PDF_PARSE_TIMEOUT")
    try:
        done = subprocess.run(  # noqa: S603 (our own interpreter and script)
            [sys.executable, "-I", "-c", PDF_SCRIPT],
            input=data,
            capture_output=True,
            timeout=timeout,
            preexec_fn=_limit_child(get_setting("PDF_PARSE_MEMORY"), timeout),
            check=False,
        )
    except subprocess.TimeoutExpired:
        return None
    if done.returncode != 0:
        return None
    try:
        return int(done.stdout.strip())
    except ValueError:
        return None


_PAGES_RE = re.compile(rb"<(?:\w+:)?Pages>\s*(\d+)\s*</(?:\w+:)?Pages>")
_TAG_RE = re.compile(rb"<[^>]+>")


def count_docx_pages(data: bytes) -> tuple[int | None, bool]:
    """(pages, estimated): Word's own count when saved, else words / WORDS_PER_PAGE."""
    try:
        with zipfile.ZipFile(BytesIO(data)) as archive:
            names = set(archive.namelist())
            if "docProps/app.xml" in names:
                match = _PAGES_RE.search(archive.read("docProps/app.xml"))
                if match and int(match[1]) > 0:
                    return int(match[1]), False
            text = _TAG_RE.sub(b" ", archive.read("word/document.xml"))
    except (zipfile.BadZipFile, KeyError, EOFError, NotImplementedError, ValueError):
        return None, False
    words = len(text.split())
    if words == 0:
        return 0, True
    return max(1, math.ceil(words / get_setting("WORDS_PER_PAGE"))), True


def clamd_scan(data: bytes, socket_path: str, timeout: float = 30.0) -> str | None:
    """Scan through clamd's INSTREAM command; the signature name when infected, else None."""
    try:
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as sock:
            sock.settimeout(timeout)
            sock.connect(socket_path)
            sock.sendall(b"zINSTREAM\0")
            for start in range(0, len(data), 64 * 1024):
                chunk = data[start : start + 64 * 1024]
                sock.sendall(struct.pack("!L", len(chunk)) + chunk)
            sock.sendall(struct.pack("!L", 0))
            reply = b""
            while not reply.endswith(b"\0"):
                part = sock.recv(4096)
                if not part:
                    break
                reply += part
    except OSError as error:
        raise ScanUnavailable(str(error)) from error
    answer = reply.rstrip(b"\0").decode("utf-8", "replace").strip()
    if answer.endswith("FOUND"):
        return answer.removeprefix("stream:").removesuffix("FOUND").strip()
    if answer.endswith("OK"):
        return None
    raise ScanUnavailable(answer or "no answer")


def inspect_file(field: str, name: str, data: bytes | None) -> FileReport:
    """Check one stored file again by content; `data` None means it could not be read."""
    if not data:
        return FileReport(
            field, name, "", valid=False, problem="missing" if data is None else "empty"
        )
    try:
        info = inspect_upload(ContentFile(data), max_bytes=get_setting("MAX_FILE_BYTES"))
    except FileRejected as rejected:
        return FileReport(field, name, "", valid=False, problem=rejected.code)
    socket_path = get_setting("CLAMD_SOCKET")
    if socket_path and (signature := clamd_scan(data, socket_path)):
        return FileReport(
            field,
            name,
            info.content_type,
            valid=False,
            problem="infected",
            infected=True,
            signature=signature,
        )
    if info.content_type == PDF:
        pages, estimated = count_pdf_pages(data), False
    elif info.content_type == DOCX:
        pages, estimated = count_docx_pages(data)
    else:  # inspect_upload admits nothing else
        pages, estimated = None, False
    if not pages:
        return FileReport(field, name, info.content_type, valid=False, problem="unreadable")
    return FileReport(
        field, name, info.content_type, valid=True, pages=pages, pages_estimated=estimated
    )
