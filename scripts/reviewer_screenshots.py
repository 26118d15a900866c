"""The staff screens of docs/reviewers.md: `python scripts/reviewer_screenshots.py [URL]`.

Against a running demo (`make run`, by default http://127.0.0.1:8000) with its worker, in
Debian's Chromium. Sends a few applications through the public API as visitors would (in
Spanish, Arabic, French and English, an internship with its three files), waits for the
worker to screen them, then signs in as each demo reviewer (passwords from
var/demo-staff-passwords.json) and does their work: the pictures go to
docs/screenshots/reviewers/. It changes the demo's data (it declines one application and
opens a committee vote): run it on a demo, never on a real site.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

from playwright.sync_api import Page, expect, sync_playwright

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.documents import real_docx, real_pdf  # noqa: E402
from tests.payloads import valid_payload  # noqa: E402

BASE = sys.argv[1].rstrip("/") if len(sys.argv) > 1 else "http://127.0.0.1:8000"
FOLDER = ROOT / "docs" / "screenshots" / "reviewers"
PASSWORDS = json.loads((ROOT / "var" / "demo-staff-passwords.json").read_text())
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"]  # fmt: skip
WIDE = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}
TALL = {"width": 1280, "height": 2200}  # the admin scrolls inside its frame: a long page

SUPPORTERS = [
    ("es", "Centro de Estudios para la Paz", "KE", "Wanjiru Kamau", "wanjiru@cep.example.org"),
    ("ar", "مركز عمّان لدراسات حقوق الإنسان", "JO", "ليلى حداد", "layla@achrs.example.org"),
    ("en", "West Africa Civil Society Forum", "GH", "Kwame Mensah", "kwame@wacsof.example.org"),
]
MEMBERS = [
    ("fr", "Centre pour la paix et la justice", "SN", "Awa Ndiaye", "awa@cpj.example.org"),
    ("en", "Asia Pacific Protection Forum", "PH", "Maria Santos", "maria@appf.example.org"),
]


def form_ids(page: Page) -> dict[tuple[str, str], int]:
    items = page.request.get(f"{BASE}/api/v3/forms/").json()["items"]
    return {(item["kind"], item["locale"]): item["id"] for item in items}


def submit(page: Page, form: int, payload: dict, files: dict | None = None) -> str:
    url = f"{BASE}/api/v3/forms/{form}/submissions/"
    if files:
        fields = {
            key: ("true" if value else "false") if isinstance(value, bool) else value
            for key, value in payload.items()
            if not isinstance(value, list)
        }
        multipart = {**fields, **files}
        response = page.request.post(url, multipart=multipart)
    else:
        response = page.request.post(url, data=payload)
    assert response.status == 202, (response.status, response.text())
    return response.json()["reference"]


def send_applications(page: Page) -> dict[str, str]:
    ids, references = form_ids(page), {}
    for language, name, country, contact, email in SUPPORTERS:
        payload = {
            **valid_payload("supporter"),
            "organisation_name": name,
            "headquarters_country": country,
            "contact_name": contact,
            "contact_email": email,
        }
        references[f"supporter-{country}"] = submit(page, ids["supporter", language], payload)
    for language, name, country, contact, email in MEMBERS:
        payload = {
            **valid_payload("membership"),
            "organisation_name": name,
            "headquarters_country": country,
            "contact_name": contact,
            "contact_email": email,
        }
        references[f"membership-{country}"] = submit(page, ids["membership", language], payload)
    files = {
        "cover_letter": {"name": "cover.pdf", "mimeType": "application/pdf",
                         "buffer": real_pdf(1)},
        "resume": {"name": "resume.docx", "mimeType": "application/octet-stream",
                   "buffer": real_docx(pages=2)},
        "writing_sample": {"name": "sample.pdf", "mimeType": "application/pdf",
                           "buffer": real_pdf(4)},
    }  # fmt: skip
    internship = valid_payload("internship")
    references["internship"] = submit(page, ids["internship", "es"], internship, files)
    return references


def sign_in(page: Page, username: str, language: str = "en") -> None:
    page.context.clear_cookies()
    page.goto(f"{BASE}/admin/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORDS[username])
    page.click("button[type=submit]")
    page.wait_for_url(f"{BASE}/admin/")
    page.goto(f"{BASE}/admin/account/")
    select = page.locator("select[name='locale-preferred_language']")
    if select.input_value() != language:
        select.select_option(language)
        page.locator("main form button[type=submit]").last.click()
        page.wait_for_load_state()


def shot(page: Page, name: str, full_page: bool = True) -> None:
    target = FOLDER / f"{name}.png"
    page.screenshot(path=str(target), full_page=full_page)
    print(target.relative_to(ROOT))


def open_review(page: Page, queue: str, reference: str) -> None:
    page.goto(f"{BASE}/admin/membership-forms/reviews/{queue}/")
    page.locator("main table").get_by_role("link", name=reference).click()
    expect(page.locator("h1")).to_contain_text(reference)


def long_shot(page: Page, name: str) -> None:
    """The whole of a long admin page (its frame scrolls, not the window)."""
    page.set_viewport_size(TALL)
    shot(page, name, full_page=False)
    page.set_viewport_size(WIDE)


def wait_for_screening(page: Page, queue: str, references: list[str]) -> None:
    """Until the worker has put every reference in the queue (a minute at most)."""
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        page.goto(f"{BASE}/admin/membership-forms/reviews/{queue}/")
        content = page.locator("main").inner_text()
        if all(reference in content for reference in references):
            return
        page.wait_for_timeout(1000)
    raise SystemExit(f"the worker did not screen {references} within a minute: is it running?")


def secretariat(page: Page, references: dict[str, str]) -> None:
    sign_in(page, "secretariat")
    wait_for_screening(
        page, "supporter", [references[f"supporter-{c}"] for c in ["KE", "JO", "GH"]]
    )
    wait_for_screening(page, "membership", [references["membership-SN"]])
    page.goto(f"{BASE}/admin/")
    shot(page, "dashboard")
    page.goto(f"{BASE}/admin/membership-forms/reviews/supporter/")
    shot(page, "queue")
    page.goto(f"{BASE}/admin/")
    integrity = page.get_by_role("link", name="Integrity checks")
    if integrity.count():
        integrity.first.click()
        page.wait_for_load_state()
        shot(page, "integrity")
    page.goto(f"{BASE}/admin/snippets/membership_forms/declinereason/?locale=en")
    shot(page, "decline-reasons")

    # The same queue in French, filtered by country from the side panel.
    sign_in(page, "secretariat", "fr")
    page.goto(f"{BASE}/admin/membership-forms/reviews/supporter/")
    page.get_by_role("button", name="Afficher les filtres").click()
    page.get_by_role("button", name="Pays", exact=True).click()
    page.locator("#drilldown-id_country select").select_option(label="Kenya")
    expect(page.locator("main")).to_contain_text("Pays : Kenya")
    shot(page, "queue-filtered-fr")

    # An application, a decline with a reason, its confirmation and the message after.
    sign_in(page, "secretariat")
    open_review(page, "supporter", references["supporter-KE"])
    long_shot(page, "review")
    main = page.locator("main")
    main.get_by_role("button", name="Assign to me").click()
    expect(main.get_by_role("button", name="Undo this assignment")).to_be_visible()
    shot(page, "assigned", full_page=False)
    main.get_by_label("Reason").select_option(index=1)
    main.get_by_role("button", name="Decline", exact=True).click()
    expect(page.locator("main")).to_contain_text("cannot")
    shot(page, "confirm-decline")
    main.get_by_role("button", name="Decline", exact=True).click()
    expect(page.locator(".messages")).to_be_visible()
    shot(page, "declined", full_page=False)

    # The two other supporters declined together, from the queue's bulk actions.
    page.goto(f"{BASE}/admin/membership-forms/reviews/supporter/")
    for country in ("JO", "GH"):
        row = page.locator("main table tbody tr", has_text=references[f"supporter-{country}"])
        row.locator("input[data-bulk-action-checkbox]").check(force=True)
    shot(page, "bulk-ticked", full_page=False)
    page.get_by_role("link", name="Decline the selected applications, with a reason").click()
    expect(page.locator("main select")).to_be_visible()
    page.locator("main select").select_option(index=1)
    shot(page, "bulk-reason", full_page=False)
    page.get_by_role("button", name="Continue").click()
    confirm = page.get_by_role("button", name="Decline and email 2 applicants")
    expect(confirm).to_be_visible()
    shot(page, "bulk-confirm", full_page=False)
    confirm.click()
    expect(page.locator(".messages")).to_be_visible()

    # A membership application sent to the Steering Committee's vote.
    open_review(page, "membership", references["membership-SN"])
    send = main.get_by_role("button", name="Approve and send to the committee vote")
    send.click()
    send.click()
    expect(page.locator(".messages")).to_be_visible()

    # The Arabic queue on a phone.
    sign_in(page, "secretariat", "ar")
    page.set_viewport_size(PHONE)
    page.goto(f"{BASE}/admin/membership-forms/reviews/supporter/")
    shot(page, "queue-ar-phone")
    page.set_viewport_size(WIDE)
    sign_in(page, "secretariat", "en")


def committee(page: Page, references: dict[str, str]) -> None:
    sign_in(page, "committee1")
    page.goto(f"{BASE}/admin/")
    shot(page, "committee-dashboard")
    open_review(page, "membership", references["membership-SN"])
    long_shot(page, "committee-vote")


def internships(page: Page, references: dict[str, str]) -> None:
    sign_in(page, "internships")
    wait_for_screening(page, "internship", [references["internship"]])
    shot(page, "internship-queue")
    open_review(page, "internship", references["internship"])
    page.get_by_text("Show it here").first.click()
    page.wait_for_timeout(1500)  # the browser's PDF viewer draws the page
    long_shot(page, "internship-review")


def main() -> None:
    FOLDER.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=ARGS)
        page = browser.new_page(viewport=WIDE, device_scale_factor=1)
        references = send_applications(page)
        secretariat(page, references)
        committee(page, references)
        internships(page, references)
        browser.close()


if __name__ == "__main__":
    main()
