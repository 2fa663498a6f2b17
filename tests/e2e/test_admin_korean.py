"""The admin as a Korean official meets it in Chromium: in Korean, accessible, fitting the screen.

The browser says ``Accept-Language: ko`` (a Korean Chromium). The sign-in page, the admin index
and a project's change page (with its phases, budgets and quantities) must be in Korean, pass
axe-core's WCAG 2.x A/AA rules at 1,280 px, and the change page must not scroll sideways at
1,280 or 1,024 px: every field an official comes to change is on the screen.
"""

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from tests.e2e.conftest import ADMIN_PASSWORD, ADMIN_USERNAME

pytestmark = pytest.mark.e2e

WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
AXE = Axe()
# How Chromium and the page's listener (tests/e2e/conftest.py) report a blocked inline style.
AXE_STYLE_REPORTS = ("Applying inline style violates", "CSP violation: style-src")
KOREAN_HEADER = "부산광역시 전략산업 포털 관리"
# A project of the document with phases, a budget-free one with several phases.
PROJECT_TITLE = "Nuclear facility demolition technology research center"
WIDTHS = [1280, 1024]


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    return {
        **browser_context_args,
        "locale": "ko-KR",
        "extra_http_headers": {"Accept-Language": "ko"},
        "viewport": {"width": 1280, "height": 800},
    }


def violations(page, console_problems) -> list[str]:
    """axe-core's WCAG violations on the page. axe's own probes set inline styles on admin
    pages (the select2 widgets), which the Content-Security-Policy rightly blocks; those
    reports, made while axe runs, are not the page's and are dropped."""
    before = len(console_problems)
    results = AXE.run(page, options={"runOnly": {"type": "tag", "values": WCAG_TAGS}})
    console_problems[before:] = [
        problem
        for problem in console_problems[before:]
        if not problem.text.startswith(AXE_STYLE_REPORTS)
    ]
    return [
        f"{violation['id']}: {violation['help']} at "
        f"{' '.join(node['target'][0] for node in violation['nodes'] if node['target'])}"
        for violation in results.response["violations"]
    ]


def sign_in(page):
    page.goto("/admin/login/")
    page.locator("#id_username").fill(ADMIN_USERNAME)
    page.locator("#id_password").fill(ADMIN_PASSWORD)
    page.locator("#login-form input[type='submit']").click()
    expect(page.locator("#site-name")).to_have_text(KOREAN_HEADER)


def open_project(page):
    page.goto("/admin/projects/project/?q=demolition")
    page.get_by_role("link", name=PROJECT_TITLE).click()
    expect(page.locator("#phases-group")).to_be_visible()


def widths(page) -> dict:
    return page.evaluate(
        """() => ({
          scroll: document.documentElement.scrollWidth,
          client: document.documentElement.clientWidth,
          window: window.innerWidth,
        })"""
    )


def test_the_sign_in_page_is_in_korean_with_a_password_reset_link(page, console_problems):
    page.goto("/admin/login/")
    assert page.locator("html").get_attribute("lang") == "ko"
    expect(page.locator("#site-name")).to_have_text(KOREAN_HEADER)
    expect(page.locator("#login-form input[type='submit']")).to_have_value("로그인")
    expect(page.locator(".password-reset-link a")).to_be_visible()
    expect(page.locator(".language-switch label")).to_have_text("언어")
    assert violations(page, console_problems) == []


def test_the_index_is_in_korean(page, console_problems):
    sign_in(page)
    page.goto("/admin/")
    assert page.locator("html").get_attribute("lang") == "ko"
    expect(page.locator("#content h1")).to_have_text("사업 포트폴리오와 계정")
    expect(page.locator("#content")).to_contain_text("사업")
    assert violations(page, console_problems) == []


def test_the_project_change_page_is_in_korean_and_accessible(page, console_problems):
    sign_in(page)
    open_project(page)
    assert page.locator("html").get_attribute("lang") == "ko"
    content = page.locator("#content")
    expect(content.locator("h1")).to_contain_text("변경")
    expect(content).to_contain_text("시민용 요약")  # "Summary for citizens"
    assert "Summary for citizens" not in content.inner_text()
    assert violations(page, console_problems) == []


@pytest.mark.parametrize("width", WIDTHS)
def test_the_project_change_page_fits_the_screen(page, width):
    page.set_viewport_size({"width": width, "height": 800})
    sign_in(page)
    open_project(page)
    measured = widths(page)
    assert measured["scroll"] == measured["client"], measured
    assert measured["client"] <= measured["window"], measured
    # The fields an official comes to change, the last phase's end year and Delete included.
    for selector in ("input[name$='-0-end_year']", "input[name$='-0-DELETE']"):
        box = page.locator(f"#phases-group {selector}").first.bounding_box()
        assert box is not None and box["x"] + box["width"] <= width, (selector, box)


def test_the_language_switch_turns_the_admin_to_english(page):
    sign_in(page)
    page.locator("#admin-language").select_option("en")
    page.locator(".language-switch button").click()
    expect(page.locator("#site-name")).to_have_text(
        "Busan strategic projects portal: administration"
    )
    assert page.locator("html").get_attribute("lang") == "en"


def test_the_progress_report_form_is_in_korean_accessible_and_fits(page, console_problems):
    sign_in(page)
    page.goto("/admin/projects/progressupdate/add/")
    assert page.locator("html").get_attribute("lang") == "ko"
    expect(page.locator("#content h1")).to_contain_text("추가")
    assert violations(page, console_problems) == []
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 800})
        measured = widths(page)
        assert measured["scroll"] == measured["client"], (width, measured)
