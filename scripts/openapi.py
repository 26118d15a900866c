"""The API's OpenAPI document, its committed snapshot, and which changes break clients.

    python scripts/openapi.py write   # refresh docs/api/openapi.json (make openapi)
    python scripts/openapi.py check   # compare the live document with the snapshot

The snapshot is the site's own document (cms.settings.dev: the kinds the site
registers), pretty-printed with sorted keys so that a change reads as a small diff.
`check` fails on any difference; a breaking one (below) must also be announced under
`### Breaking` in CHANGELOG.md's [Unreleased] section, in an entry that names, each in
backticks, the path (or the component) and the field, parameter, enum value or method.
`write` refuses to record a breaking change that is not announced yet.

Breaking, for a client generated from the snapshot (docs/api.md):

- a path, or an operation (a method on a path), removed;
- a parameter that becomes required, or a required one added;
- a request body, a request property, that becomes required; a request content type removed;
- a response property removed; a type changed (a request accepting fewer types, a
  response answering with more);
- an enum value removed;
- security added to an operation that anyone could call.

Anything else (a new path, an optional field, a new enum value, a description) is not
breaking, but still needs `make openapi`.
"""

from __future__ import annotations

import json
import os
import re
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
SNAPSHOT = ROOT / "docs" / "api" / "openapi.json"
CHANGELOG = ROOT / "CHANGELOG.md"
METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")
REFRESH = "Refresh the snapshot with `make openapi` and commit docs/api/openapi.json."


@dataclass(frozen=True)
class Change:
    """One breaking change: where it is (`path`, and the component it was found in, if
    any), what it is about (`subject`: a field, parameter, enum value, method or the
    path itself) and what happened."""

    path: str
    subject: str
    what: str
    component: str | None = None

    def __str__(self) -> str:
        inside = f" (in {self.component})" if self.component else ""
        return f"{self.path}: `{self.subject}`{inside}: {self.what}"

    def announced_in(self, entries: list[str]) -> bool:
        for entry in entries:
            named = set(re.findall(r"`([^`]+)`", entry))
            if self.subject in named and (self.path in named or self.component in named):
                return True
        return False


# The live document and the snapshot -------------------------------------------------


def live_document() -> dict[str, Any]:
    """The site's document, as `/api/v3/openapi.json` serves it (no database needed)."""
    os.environ["DJANGO_SETTINGS_MODULE"] = "cms.settings.dev"
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.test import Client

    return Client().get("/api/v3/openapi.json", HTTP_HOST="localhost").json()


def dumps(document: dict[str, Any]) -> str:
    return json.dumps(document, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


# CHANGELOG.md ----------------------------------------------------------------------


def breaking_entries(changelog: str) -> list[str]:
    """The entries under `### Breaking` in the [Unreleased] section, one string each."""
    unreleased = re.search(r"^## \[Unreleased\]\n(.*?)(?=^## |\Z)", changelog, re.M | re.S)
    entries: list[str] = []
    if unreleased is None:
        return entries
    for section in re.findall(
        r"^### Breaking\n(.*?)(?=^### |\Z)", unreleased.group(1), re.M | re.S
    ):
        entries += [item.strip() for item in re.split(r"^- ", section, flags=re.M) if item.strip()]
    return entries


# The classifier ----------------------------------------------------------------------


class _Walk:
    """Compare two versions of the document, collecting the breaking changes."""

    def __init__(self, old: dict[str, Any], new: dict[str, Any]):
        self.old, self.new = old, new
        self.changes: list[Change] = []
        self._seen: set[tuple[int, int, bool, str]] = set()

    def breaking(self, path: str, subject: str, what: str, component: str | None = None):
        change = Change(path, subject, what, component)
        if change not in self.changes:
            self.changes.append(change)

    def paths(self) -> None:
        new_paths = self.new.get("paths", {})
        for path, old_item in self.old.get("paths", {}).items():
            new_item = new_paths.get(path)
            if new_item is None:
                self.breaking(path, path, "path removed")
                continue
            for method in METHODS:
                if method not in old_item:
                    continue
                if method not in new_item:
                    self.breaking(path, method.upper(), "operation removed")
                    continue
                self.operation(path, method, old_item[method], new_item[method])

    def operation(self, path: str, method: str, old: dict, new: dict) -> None:
        old_parameters = {(p["in"], p["name"]): p for p in old.get("parameters", [])}
        for parameter in new.get("parameters", []):
            before = old_parameters.get((parameter["in"], parameter["name"]))
            if parameter.get("required") and not (before and before.get("required")):
                self.breaking(path, parameter["name"], "parameter newly required")
            if before:
                self.schema(
                    path,
                    before.get("schema", {}),
                    new_schema=parameter.get("schema", {}),
                    request=True,
                    field=parameter["name"],
                )
        if self._anyone(old) and not self._anyone(new):
            self.breaking(path, method.upper(), "security added")
        old_body, new_body = old.get("requestBody"), new.get("requestBody")
        if new_body and new_body.get("required") and not (old_body and old_body.get("required")):
            self.breaking(path, method.upper(), "request body newly required")
        if old_body and new_body:
            for content_type, media in old_body.get("content", {}).items():
                new_media = new_body.get("content", {}).get(content_type)
                if new_media is None:
                    self.breaking(path, content_type, "request content type removed")
                    continue
                self.schema(path, media.get("schema", {}), new_media.get("schema", {}), True)
        new_responses = new.get("responses", {})
        for status, response in old.get("responses", {}).items():
            for content_type, media in response.get("content", {}).items():
                new_media = new_responses.get(status, {}).get("content", {}).get(content_type)
                if new_media is not None:
                    self.schema(path, media.get("schema", {}), new_media.get("schema", {}), False)

    def _anyone(self, operation: dict) -> bool:
        security = operation.get("security", self.old.get("security"))
        return not security or {} in security

    @staticmethod
    def _resolve(document: dict, schema: dict) -> tuple[dict, str | None]:
        ref = schema.get("$ref", "")
        if not ref.startswith("#/components/schemas/"):
            return schema, None
        name = ref.rsplit("/", 1)[-1]
        return document["components"]["schemas"].get(name, {}), name

    def _members(self, document: dict, schema: dict) -> list[dict]:
        """The schema itself, or its anyOf/oneOf alternatives, resolved."""
        for key in ("anyOf", "oneOf"):
            if key in schema:
                return [self._resolve(document, member)[0] for member in schema[key]]
        return [schema]

    def _types(self, document: dict, schema: dict) -> set[str]:
        found: set[str] = set()
        for member in self._members(document, schema):
            kind = member.get("type", "object" if "properties" in member else None)
            found |= set(kind) if isinstance(kind, list) else {kind} if kind else set()
        return found

    def _enum(self, document: dict, schema: dict) -> list | None:
        values = [m["enum"] for m in self._members(document, schema) if "enum" in m]
        return [value for enum in values for value in enum] if values else None

    def schema(
        self,
        path: str,
        old: dict,
        new_schema: dict,
        request: bool,
        field: str = "",
        component: str | None = None,
    ) -> None:
        old, old_name = self._resolve(self.old, old)
        new, new_name = self._resolve(self.new, new_schema)
        component = new_name or old_name or component
        key = (id(old), id(new), request, path)
        if key in self._seen:
            return
        self._seen.add(key)
        old_types, new_types = self._types(self.old, old), self._types(self.new, new)
        if old_types and new_types:
            lost = old_types - new_types if request else new_types - old_types
            if lost:
                what = f"type changed from {sorted(old_types)} to {sorted(new_types)}"
                self.breaking(path, field or "body", what, component)
        old_enum, new_enum = self._enum(self.old, old), self._enum(self.new, new)
        if old_enum is not None and new_enum is not None:
            for value in old_enum:
                if value not in new_enum:
                    self.breaking(path, str(value), f"enum value of {field!r} removed", component)
        old_properties, new_properties = old.get("properties", {}), new.get("properties", {})
        if request:
            for name in set(new.get("required", [])) - set(old.get("required", [])):
                self.breaking(path, name, "request property newly required", component)
        else:
            for name in old_properties:
                if name not in new_properties:
                    self.breaking(path, name, "response property removed", component)
        for name, old_property in old_properties.items():
            if name in new_properties:
                self.schema(path, old_property, new_properties[name], request, name, component)
        if isinstance(old.get("items"), dict) and isinstance(new.get("items"), dict):
            self.schema(path, old["items"], new["items"], request, field, component)
        old_extra, new_extra = old.get("additionalProperties"), new.get("additionalProperties")
        if isinstance(old_extra, dict) and isinstance(new_extra, dict):
            self.schema(path, old_extra, new_extra, request, "additionalProperties", component)
        for key in ("anyOf", "oneOf"):
            if len(old.get(key, [])) == len(new.get(key, [])):
                for pair in zip(old.get(key, []), new.get(key, []), strict=True):
                    self.schema(path, *pair, request, field, component)


def breaking_changes(old: dict[str, Any], new: dict[str, Any]) -> list[Change]:
    """The changes from `old` to `new` that break a client generated from `old`."""
    walk = _Walk(old, new)
    walk.paths()
    return walk.changes


def unannounced(old: dict[str, Any], new: dict[str, Any], changelog: str) -> list[Change]:
    entries = breaking_entries(changelog)
    return [change for change in breaking_changes(old, new) if not change.announced_in(entries)]


def problems(snapshot: str, live: dict[str, Any], changelog: str) -> list[str]:
    """What stands between the live document and its snapshot, in words; empty: none."""
    if dumps(live) == snapshot:
        return []
    missing = unannounced(json.loads(snapshot), live, changelog)
    if missing:
        return [
            "The API changed in ways that break generated clients. Announce each under "
            "`### Breaking` in CHANGELOG.md's [Unreleased] section, naming the path (or "
            "component) and the field in backticks (docs/api.md), then refresh the snapshot:",
            *(f"  {change}" for change in missing),
        ]
    return [f"The OpenAPI document differs from docs/api/openapi.json. {REFRESH}"]


def main(command: str) -> int:
    live = live_document()
    snapshot = SNAPSHOT.read_text() if SNAPSHOT.exists() else dumps({})
    changelog = CHANGELOG.read_text()
    if command == "check":
        found = problems(snapshot, live, changelog)
        print("\n".join(found) or "The OpenAPI document matches its snapshot.")
        return 1 if found else 0
    if command == "write":
        missing = unannounced(json.loads(snapshot), live, changelog) if SNAPSHOT.exists() else []
        if missing:
            print("Not written: announce these breaking changes in CHANGELOG.md first:")
            print("\n".join(f"  {change}" for change in missing))
            return 1
        SNAPSHOT.parent.mkdir(parents=True, exist_ok=True)
        SNAPSHOT.write_text(dumps(live))
        print(f"Wrote {SNAPSHOT.relative_to(ROOT)}")
        return 0
    print(__doc__)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1] if len(sys.argv) > 1 else ""))
