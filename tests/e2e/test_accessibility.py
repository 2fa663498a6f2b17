"""WCAG 2.2 AA in a real browser: axe-core on every public page type, both languages, two widths.

axe-core is the copy bundled with axe-playwright-python (no network). It runs the rules tagged
for WCAG 2.0, 2.1 and 2.2 at levels A and AA, after the page has loaded with its real CSS, so
colour contrast, focusable names and landmarks are judged as a visitor meets them. At 320 px
(WCAG 1.4.10 Reflow) the page must not scroll sideways. The ``page`` fixture fails the test on
any console error or Content-Security-Policy violation.
"""

import pytest
from axe_playwright_python.sync_playwright import Axe

from tests.e2e.site_pages import LANGUAGES, PUBLIC_PAGES

pytestmark = pytest.mark.e2e

WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
VIEWPORTS = {"desktop": {"width": 1280, "height": 900}, "narrow": {"width": 320, "height": 640}}
AXE = Axe()


def describe(violations: list[dict]) -> list[str]:
    """One line per violating element: rule, impact and where, for a readable failure."""
    return [
        f"{violation['id']} ({violation['impact']}): {violation['help']} at "
        f"{' '.join(node['target'][0] if node['target'] else '?' for node in violation['nodes'])}"
        for violation in violations
    ]


@pytest.fixture(params=list(VIEWPORTS), ids=list(VIEWPORTS))
def viewport(request, page):
    page.set_viewport_size(VIEWPORTS[request.param])
    return request.param


def open_page(page, console_problems, public_page, language):
    """Go to the page, check its status and language, and forgive the 404 page its own 404."""
    path = public_page.path_in(language)
    response = page.goto(path)
    assert response.status == public_page.status, path
    assert page.locator("html").get_attribute("lang") == language
    if public_page.status == 404:
        # Chromium logs the document's own 404 as "Failed to load resource"; that is the answer
        # under test here, not a broken sub-resource.
        console_problems[:] = [
            problem
            for problem in console_problems
            if not (problem.url == response.url and "404" in problem.text)
        ]
    return path


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("public_page", PUBLIC_PAGES, ids=lambda public_page: public_page.name)
def test_axe_finds_no_wcag_violations(page, console_problems, viewport, public_page, language):
    open_page(page, console_problems, public_page, language)

    results = AXE.run(page, options={"runOnly": {"type": "tag", "values": WCAG_TAGS}})

    assert describe(results.response["violations"]) == []


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("public_page", PUBLIC_PAGES, ids=lambda public_page: public_page.name)
def test_page_does_not_scroll_sideways_at_320px(page, console_problems, public_page, language):
    page.set_viewport_size(VIEWPORTS["narrow"])
    open_page(page, console_problems, public_page, language)

    # With every disclosure open too: a visitor at 320 px opens "Show the chart as a table".
    widths = page.evaluate(
        """() => {
          const root = document.documentElement;
          const closed = root.scrollWidth;
          document.querySelectorAll("details").forEach((details) => { details.open = true; });
          return {closed: closed, opened: root.scrollWidth, viewport: root.clientWidth};
        }"""
    )

    assert max(widths["closed"], widths["opened"]) <= widths["viewport"], widths
