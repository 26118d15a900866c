"""Screenshots of the five forms on a phone, for docs/: `python scripts/screenshots.py [URL]`.

Against a running site (`make run`, by default http://127.0.0.1:8000), in Debian's
Chromium; each form's first screens at 390 pixels wide go to docs/screenshots/forms/.
"""

import sys
from pathlib import Path

from playwright.sync_api import sync_playwright

BASE = sys.argv[1].rstrip("/") if len(sys.argv) > 1 else "http://127.0.0.1:8000"
FOLDER = Path(__file__).resolve().parent.parent / "docs" / "screenshots" / "forms"
FORMS = {
    "membership": "/apply-for-membership/",
    "supporter": "/fr/become-a-supporter/",
    "internship": "/es/apply-for-an-internship/",
    "donation": "/make-a-donation/",
    "newsletter": "/ar/newsletter/",
}
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"]  # fmt: skip


def main() -> None:
    FOLDER.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=ARGS)
        page = browser.new_page(viewport={"width": 390, "height": 1300}, device_scale_factor=1)
        for kind, path in FORMS.items():
            page.goto(BASE + path)
            target = FOLDER / f"{kind}.png"
            page.screenshot(path=str(target))
            print(target.relative_to(FOLDER.parent.parent.parent))
        browser.close()


if __name__ == "__main__":
    main()
