"""Phones first and Korean first, measured in Chromium.

At 360 × 740 (a common phone), the first result of a filtered list is on the first screen after
a filter is applied, and the timeline's year axis is legible at 320 and 360 px: no two labels'
boxes overlap, none is clipped, and no gridline crosses a label. A Korean browser lands on the
Korean site, and its reader's switch to English is remembered.
"""

import re

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import ROOT

pytestmark = pytest.mark.e2e

PHONE = {
    "viewport": {"width": 360, "height": 740},
    "is_mobile": True,
    "has_touch": True,
    "device_scale_factor": 2,
}
SCREEN_HEIGHT = PHONE["viewport"]["height"]

# The boxes of the visible axis labels, of the axis gridlines (each labelled column's left
# border) and of the rows' SVG gridlines, and the box labels must stay inside.
AXIS_GEOMETRY = """(figure) => {
  const box = (r) => ({left: r.left, right: r.right, top: r.top, bottom: r.bottom});
  const axis = figure.querySelector(".gantt-axis");
  const labels = [];
  const gridlines = [];
  for (const item of axis.children) {
    const style = getComputedStyle(item);
    const r = item.getBoundingClientRect();
    const width = parseFloat(style.borderLeftWidth);
    const color = style.borderLeftColor;
    const transparent = color === "transparent" || /rgba\\(.*,\\s*0\\)$/.test(color);
    if (width > 0 && !transparent) {
      gridlines.push({left: r.left, right: r.left + width, top: r.top, bottom: r.bottom});
    }
    const span = item.querySelector("span");
    if (getComputedStyle(span).visibility === "visible") {
      labels.push({text: span.textContent, ...box(span.getBoundingClientRect())});
    }
  }
  // Each row's year lines are one path (M0 0V1M1 0V1…): a line at every whole year unit.
  for (const svg of figure.querySelectorAll(".gantt-bars")) {
    if (!svg.querySelector("path.grid")) continue;
    const r = svg.getBoundingClientRect();
    const years = svg.viewBox.baseVal.width;
    for (let year = 0; year < years; year++) {
      const x = r.left + (year * r.width) / years;
      gridlines.push({left: x, right: x + 1, top: r.top, bottom: r.bottom});
    }
  }
  return {
    labels, gridlines,
    frame: box(figure.getBoundingClientRect()),
    viewport: document.documentElement.clientWidth,
  };
}"""


def overlaps(a: dict, b: dict) -> bool:
    return (
        a["left"] < b["right"]
        and b["left"] < a["right"]
        and (a["top"] < b["bottom"] and b["top"] < a["bottom"])
    )


@pytest.mark.browser_context_args(**PHONE)
def test_on_a_phone_the_first_result_is_on_the_first_screen_before_and_after_filtering(page):
    page.goto("/projects/?sector=it")
    first = page.locator("main .card").first
    top = first.evaluate("card => card.getBoundingClientRect().top + window.scrollY")
    assert top < SCREEN_HEIGHT, f"first result starts {top:.0f} px down"

    page.locator(".filter-panel > summary").click()
    page.get_by_label("Year").select_option("2015")
    page.get_by_role("button", name="Apply filters").click()
    page.wait_for_url(re.compile(r"year=2015.*#results$"))

    box = page.locator("main .card").first.bounding_box()  # relative to the screen
    assert box is not None
    assert box["y"] >= 0 and box["y"] + min(box["height"], 120) <= SCREEN_HEIGHT, box
    expect(page.locator(".filter-panel")).not_to_have_attribute("open", "")


def axis_problems(geometry: dict) -> list:
    """What makes an axis illegible: overlapping, clipped or crossed labels."""
    labels = geometry["labels"]
    problems = [] if len(labels) >= 2 else ["fewer than two labels"]
    neighbours = zip(labels, labels[1:], strict=False)
    problems += [(one, other) for one, other in neighbours if overlaps(one, other)]
    for label in labels:
        if (
            label["left"] < geometry["frame"]["left"] - 0.5
            or label["right"] > min(geometry["frame"]["right"], geometry["viewport"]) + 0.5
        ):
            problems.append(("clipped", label))
        problems += [
            ("crossed", label, line)
            for line in geometry["gridlines"]
            if label["left"] + 0.5 < line["left"] < label["right"] - 0.5
            and line["top"] < label["bottom"]
            and label["top"] < line["bottom"]
        ]
    return problems


# (viewport, width of the chart's column): phones, the single column up to 56rem, and the
# narrowest column beside the filters.
CHART_WIDTHS = [(320, 288), (360, 328), (414, 382), (639, 607), (640, 608), (896, 552)]


@pytest.mark.parametrize(("viewport", "column"), CHART_WIDTHS)
def test_the_axis_stays_legible_for_any_number_of_years(page, viewport, column):
    """The site's stylesheet on axes of 2 to 44 years: the fixtures show only a few lengths."""
    css = (ROOT / "static" / "css" / "site.css").read_text()
    page.set_viewport_size({"width": viewport, "height": SCREEN_HEIGHT})
    failures = {}
    for count in range(2, 45):
        years = "".join(f"<li><span>{2000 + i}</span></li>" for i in range(count))
        grid = "".join(f"M{i} 0V1" for i in range(count))
        lines = f'<path class="grid" d="{grid}"/>'
        page.set_content(
            f"<!DOCTYPE html><html><head><style>{css}</style></head><body>"
            f'<div style="width: {column}px"><figure class="gantt"><ol class="gantt-axis">'
            f'{years}</ol><ul class="gantt-rows"><li class="gantt-row"><svg class="gantt-bars"'
            f' viewBox="0 0 {count} 1" preserveAspectRatio="none">{lines}</svg></li></ul>'
            "</figure></div></body></html>"
        )
        if problems := axis_problems(page.locator("figure").evaluate(AXIS_GEOMETRY)):
            failures[count] = problems[:2]
    assert failures == {}


@pytest.mark.parametrize("language", ["en", "ko"])
@pytest.mark.parametrize("width", [320, 360])
@pytest.mark.parametrize(
    "path", ["/timeline/", "/timeline/?sector=it", "/projects/export-research-reactor/"]
)
def test_the_timeline_axis_is_legible_on_a_phone(page, path, width, language):
    page.set_viewport_size({"width": width, "height": SCREEN_HEIGHT})
    page.goto(path if language == "en" else "/ko" + path)
    figures = page.locator("figure.gantt")
    assert figures.count() >= 1

    for index in range(figures.count()):
        geometry = figures.nth(index).evaluate(AXIS_GEOMETRY)
        assert axis_problems(geometry) == [], geometry
        first_label = geometry["labels"][0]["text"]
        assert first_label == figures.nth(index).locator(".gantt-axis li").first.inner_text()


@pytest.mark.browser_context_args(locale="ko-KR")
def test_a_korean_browser_lands_on_korean_and_a_switch_to_english_is_remembered(page):
    page.goto("/")
    expect(page).to_have_url(re.compile(r"/ko/$"))
    assert page.locator("html").get_attribute("lang") == "ko"

    page.get_by_role("button", name="English").click()
    expect(page).to_have_url(re.compile(r"://[^/]+/$"))
    assert page.locator("html").get_attribute("lang") == "en"

    page.goto("/")
    assert page.locator("html").get_attribute("lang") == "en"
    expect(page).to_have_url(re.compile(r"://[^/]+/$"))


@pytest.mark.browser_context_args(locale="en-US")
def test_an_english_browser_stays_on_english_until_it_switches_to_korean(page):
    page.goto("/")
    assert page.locator("html").get_attribute("lang") == "en"
    page.get_by_role("button", name="한국어").click()
    expect(page).to_have_url(re.compile(r"/ko/$"))
    page.goto("/")
    expect(page).to_have_url(re.compile(r"/ko/$"))
