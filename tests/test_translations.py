"""The interface speaks French, Spanish and Arabic completely, and stays that way.

Three checks, so that the gap cannot come back: every string the code and templates use is
in the catalogues (they are up to date with the source), every entry is translated and
none is fuzzy, and the compiled catalogues the site loads say what the sources say.
"""

from __future__ import annotations

import gettext
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
LANGUAGES = ("fr", "es", "ar")
# The site's catalogue and the plugin's, each extracted from its own part of the tree.
CATALOGUES = {"site": ROOT / "locale", "plugin": ROOT / "membership_forms" / "locale"}
# With the app the test settings install (a form kind declared outside the plugin).
SOURCES = (
    "cms",
    "membership_forms",
    "tasks",
    "templates",
    "manage.py",
    "tests/sample_kind",
    "tests/__init__.py",
)
SITE_IGNORES = ["tests", "var", "static_collected", "membership_forms", "bench"]


def po_path(catalogue: str, language: str) -> Path:
    return CATALOGUES[catalogue] / language / "LC_MESSAGES" / "django.po"


def parse_po(path: Path) -> dict[tuple[str, str], dict]:
    """{(msgctxt, msgid): {"msgstr": [...], "fuzzy": bool}} for every live entry."""
    entries: dict[tuple[str, str], dict] = {}

    escapes = {"n": "\n", "t": "\t", '"': '"', "\\": "\\"}

    def unquote(line: str) -> str:
        inner = line[line.index('"') + 1 : line.rindex('"')]
        return re.sub(r"\\(.)", lambda m: escapes.get(m.group(1), m.group(1)), inner)

    for block in path.read_text(encoding="utf-8").split("\n\n"):
        lines = [line for line in block.splitlines() if not line.startswith("#~")]
        if not any(line.startswith("msgid ") for line in lines):
            continue
        fuzzy = any(line.startswith("#,") and "fuzzy" in line for line in lines)
        fields: dict[str, str] = {}
        current = None
        for line in lines:
            match = re.match(r"^(msgctxt|msgid|msgid_plural|msgstr(?:\[\d\])?) ", line)
            if match:
                current = match.group(1)
                fields[current] = unquote(line)
            elif line.startswith('"') and current:
                fields[current] += unquote(line)
        if not fields.get("msgid"):
            continue  # the header
        strings = [value for key, value in fields.items() if key.startswith("msgstr")]
        entries[(fields.get("msgctxt", ""), fields["msgid"])] = {
            "msgstr": strings,
            "fuzzy": fuzzy,
        }
    return entries


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("catalogue", CATALOGUES)
def test_every_entry_is_translated_and_none_is_fuzzy(catalogue: str, language: str) -> None:
    entries = parse_po(po_path(catalogue, language))
    untranslated = [msgid for (_ctx, msgid), e in entries.items() if not all(e["msgstr"])]
    fuzzy = [msgid for (_ctx, msgid), e in entries.items() if e["fuzzy"]]
    assert not untranslated, f"{len(untranslated)} untranslated in {language}: {untranslated[:10]}"
    assert not fuzzy, f"{len(fuzzy)} fuzzy in {language}: {fuzzy[:10]}"


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("catalogue", CATALOGUES)
def test_compiled_catalogues_match_their_sources(
    catalogue: str, language: str, tmp_path: Path
) -> None:
    """The .mo the site loads holds exactly what the .po says (`make messages` was run)."""
    po = po_path(catalogue, language)
    fresh = tmp_path / "fresh.mo"
    subprocess.run(["msgfmt", "--check", "-o", str(fresh), str(po)], check=True)
    with fresh.open("rb") as expected, po.with_suffix(".mo").open("rb") as committed:
        assert gettext.GNUTranslations(committed)._catalog == (  # type: ignore[attr-defined]
            gettext.GNUTranslations(expected)._catalog  # type: ignore[attr-defined]
        )


@pytest.fixture(scope="module")
def extracted(tmp_path_factory) -> Path:
    """A copy of the source tree with freshly extracted catalogues (French only)."""
    copy = tmp_path_factory.mktemp("source")
    for name in SOURCES:
        source = ROOT / name
        if source.is_dir():
            shutil.copytree(source, copy / name, ignore=shutil.ignore_patterns("*.pyc"))
        else:
            shutil.copy(source, copy / name)
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "cms.settings.test", "PYTHONPATH": str(copy)}
    manage = [sys.executable, str(copy / "manage.py"), "makemessages", "-l", "fr"]
    ignores = [f"--ignore={name}" for name in SITE_IGNORES]
    subprocess.run([*manage, *ignores], cwd=copy, env=env, check=True, capture_output=True)
    subprocess.run(manage, cwd=copy / "membership_forms", env=env, check=True, capture_output=True)
    return copy


@pytest.mark.parametrize("catalogue", CATALOGUES)
def test_catalogues_hold_every_string_of_the_source(extracted: Path, catalogue: str) -> None:
    relative = po_path(catalogue, "fr").relative_to(ROOT)
    wanted = set(parse_po(extracted / relative))
    present = set(parse_po(po_path(catalogue, "fr")))
    missing = sorted(msgid for _ctx, msgid in wanted - present)
    assert not missing, f"run `make messages` and translate: {missing[:10]}"
