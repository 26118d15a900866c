"""The demo content's text, one JSON file per language (same structure and slugs in each)."""

import json
from functools import cache
from pathlib import Path

CONTENT_DIR = Path(__file__).resolve().parent / "content"
DEFAULT_LANGUAGE = "en"


@cache
def load(language: str) -> dict | None:
    """The content for `language`, or None when that language has no file yet."""
    path = CONTENT_DIR / f"{language}.json"
    if not path.exists():
        return None
    return json.loads(path.read_text(encoding="utf-8"))


def default_content() -> dict:
    """The default language's content, which always exists."""
    content = load(DEFAULT_LANGUAGE)
    assert content is not None, f"{CONTENT_DIR}/{DEFAULT_LANGUAGE}.json is missing"
    return content


def by_slug(items: list[dict]) -> dict[str, dict]:
    return {item["slug"]: item for item in items}
