"""The worker's file checks: true type, pages (PDF in a limited child, DOCX), and clamd."""

from __future__ import annotations

import shutil
import socket
import struct
import tempfile
import threading
from pathlib import Path

import pytest

from membership_forms.inspection import (
    ScanUnavailable,
    clamd_scan,
    count_docx_pages,
    count_pdf_pages,
    inspect_file,
)
from tests.documents import broken_pdf, real_docx, real_pdf

EICAR = b"X5O!P%@AP[4\\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*"


def test_pdf_pages_are_counted_in_a_child_process():
    assert count_pdf_pages(real_pdf(4)) == 4
    assert count_pdf_pages(broken_pdf()) is None


def test_pdf_parse_is_bounded_by_the_memory_limit(settings):
    settings.MEMBERSHIP_FORMS = {**settings.MEMBERSHIP_FORMS, "PDF_PARSE_MEMORY": 16 * 1024**2}
    # The interpreter cannot even start in 16 MB: the child dies, the worker does not.
    assert count_pdf_pages(real_pdf(1)) is None


def test_docx_pages_from_app_xml_or_estimated_from_words():
    assert count_docx_pages(real_docx(pages=7)) == (7, False)
    assert count_docx_pages(real_docx(words=1200)) == (3, True)
    assert count_docx_pages(b"not a zip") == (None, False)


def test_inspect_file_flags_what_the_rules_call_missing():
    assert inspect_file("resume", "r.pdf", real_pdf(2)).pages == 2
    assert inspect_file("resume", "r.pdf", b"").problem == "empty"
    assert inspect_file("resume", "r.pdf", None).problem == "missing"
    assert inspect_file("resume", "r.pdf", broken_pdf()).problem == "unreadable"
    assert inspect_file("resume", "r.txt", b"plain text").problem == "invalid_type"
    estimated = inspect_file("resume", "r.docx", real_docx(words=600))
    assert estimated.valid and estimated.pages == 2 and estimated.pages_estimated


class FakeClamd:
    """A clamd peer on a UNIX socket speaking INSTREAM: chunks in, one verdict out."""

    def __init__(self, path: str) -> None:
        self.path = path
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.sock.bind(path)
        self.sock.listen(4)
        self.received: list[bytes] = []
        self.thread = threading.Thread(target=self.serve, daemon=True)
        self.thread.start()

    def _read(self, conn, size: int) -> bytes:
        data = b""
        while len(data) < size:
            part = conn.recv(size - len(data))
            if not part:
                raise ConnectionError
            data += part
        return data

    def serve(self) -> None:
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            with conn:
                assert self._read(conn, 10) == b"zINSTREAM\0"
                data = b""
                while size := struct.unpack("!L", self._read(conn, 4))[0]:
                    data += self._read(conn, size)
                self.received.append(data)
                verdict = b"stream: Eicar-Signature FOUND\0" if EICAR in data else b"stream: OK\0"
                conn.sendall(verdict)

    def close(self) -> None:
        self.sock.close()


@pytest.fixture
def clamd():
    # A short directory: UNIX socket paths are limited to about 100 bytes.
    directory = Path(tempfile.mkdtemp(prefix="clamd-"))
    server = FakeClamd(str(directory / "clamd.sock"))
    yield server
    server.close()
    shutil.rmtree(directory)


def test_clamd_instream_client(clamd):
    clean = real_pdf(1) * 30  # several chunks
    assert clamd_scan(clean, clamd.path) is None
    assert clamd.received[-1] == clean
    assert clamd_scan(b"%PDF-1.4\n" + EICAR, clamd.path) == "Eicar-Signature"


def test_clamd_down_is_an_error_to_retry(tmp_path):
    with pytest.raises(ScanUnavailable):
        clamd_scan(b"data", str(tmp_path / "nobody.sock"))


def test_infected_file_is_unusable(clamd, settings):
    settings.MEMBERSHIP_FORMS = {**settings.MEMBERSHIP_FORMS, "CLAMD_SOCKET": clamd.path}
    infected = real_pdf(1).replace(b"%%EOF", EICAR + b"\n%%EOF")
    report = inspect_file("writing_sample", "s.pdf", infected)
    assert report.infected and not report.valid and report.signature == "Eicar-Signature"
    assert inspect_file("writing_sample", "s.pdf", real_pdf(1)).valid
