"""The import-circle check finds a circle when there is one, and the plugin has none."""

import importlib.util
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
spec = importlib.util.spec_from_file_location("import_cycles", ROOT / "scripts/import_cycles.py")
assert spec and spec.loader
import_cycles = importlib.util.module_from_spec(spec)
spec.loader.exec_module(import_cycles)


def write(root: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return root


def test_a_circle_through_a_subpackage_is_found(tmp_path, capsys):
    package = write(
        tmp_path / "pkg",
        {
            "__init__.py": "",
            "models/__init__.py": "from .pages import Page\n",
            "models/pages.py": "from ..views import serve\nclass Page: ...\n",
            "views.py": "from .models import Page\ndef serve(): ...\n",
        },
    )
    assert import_cycles.main(str(package)) == 1
    assert "pkg.models -> pkg.models.pages -> pkg.views" in capsys.readouterr().out


def test_late_and_type_checking_imports_are_not_circles(tmp_path):
    package = write(
        tmp_path / "pkg",
        {
            "__init__.py": "from . import a\n",
            "a.py": "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from .b import B\n",
            "b.py": "from . import a\ndef late():\n    from . import c\n",
            "c.py": "from .b import late\n",
        },
    )
    assert import_cycles.main(str(package)) == 0


def test_the_plugin_tasks_and_site_have_no_circle():
    for package in ("membership_forms", "tasks", "cms"):
        assert import_cycles.main(str(ROOT / package)) == 0, package
