"""An official public website: the KRDS banner, the city's identity, the footer from settings,
the privacy policy and accessibility statement, and what search engines and link previews read
(robots.txt, sitemap.xml, canonical links, Open Graph and Twitter tags)."""

import re
from xml.etree import ElementTree

import pytest

pytestmark = pytest.mark.django_db

SITEMAP_NS = {
    "sm": "http://www.sitemaps.org/schemas/sitemap/0.9",
    "xhtml": "http://www.w3.org/1999/xhtml",
}
PAGES = ["/", "/projects/", "/projects/offshore-wind-farm/", "/sectors/it/", "/timeline/"]


def body_of(client, path):
    response = client.get(path)
    assert response.status_code == 200, path
    return response.content.decode()


def meta(body: str, key: str) -> str | None:
    """The content of <meta property|name="key">, or None."""
    match = re.search(rf'<meta (?:property|name)="{re.escape(key)}" content="([^"]*)">', body)
    return match.group(1) if match else None


def canonical(body: str) -> list[str]:
    return re.findall(r'<link rel="canonical" href="([^"]+)">', body)


# --- Banner, identity, footer ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("prefix", "banner", "owner"),
    [
        ("", "This is an official website of the Republic of Korea", "Busan Metropolitan City"),
        ("/ko", "이 누리집은 대한민국 공식 전자정부 누리집입니다.", "부산광역시"),
    ],
)
@pytest.mark.parametrize("path", PAGES)
def test_every_page_carries_the_official_banner_and_the_citys_name(
    client, path, prefix, banner, owner
):
    body = body_of(client, prefix + path)
    header = body.split('<header class="site-header">', 1)[1].split("</header>", 1)[0]
    assert f'<div class="masthead" id="krds-masthead"><div class="wrap"><p>{banner}</p>' in header
    assert f'<span class="site-owner">{owner}</span>' in header
    assert body.index('id="krds-masthead"') < body.index('class="site-name"')


def test_the_footer_shows_the_department_and_contact_from_settings(client, settings):
    settings.SITE_DEPARTMENT = {"en": "Future Industry Division", "ko": "미래산업과"}
    settings.SITE_CONTACT_EMAIL = "future@busan.example"
    settings.SITE_CONTACT_PHONE = "051 888 0000"

    english = body_of(client, "/").split('<footer class="site-footer">', 1)[1]
    korean = body_of(client, "/ko/").split('<footer class="site-footer">', 1)[1]

    assert "<strong>Busan Metropolitan City</strong> · Future Industry Division" in english
    assert "<strong>부산광역시</strong> · 미래산업과" in korean
    assert '<a href="mailto:future@busan.example">future@busan.example</a>' in english
    assert '<a href="tel:0518880000">051 888 0000</a>' in english


def test_a_korean_department_falls_back_to_english_when_only_english_is_set(client, settings):
    settings.SITE_DEPARTMENT = {"en": "Future Industry Division", "ko": ""}
    korean = body_of(client, "/ko/").split('<footer class="site-footer">', 1)[1]
    assert "<strong>부산광역시</strong> · Future Industry Division" in korean


def test_the_footer_invents_nothing_when_nothing_is_set(client, settings):
    settings.SITE_DEPARTMENT = {"en": "", "ko": ""}
    settings.SITE_CONTACT_EMAIL = ""
    settings.SITE_CONTACT_PHONE = ""

    footer = body_of(client, "/").split('<footer class="site-footer">', 1)[1]

    assert '<p class="footer-owner"><strong>Busan Metropolitan City</strong></p>' in footer
    assert "footer-contact" not in footer
    assert "mailto:" not in footer and "tel:" not in footer


def test_the_settings_read_the_environment(monkeypatch):
    import importlib

    from busanportal import settings as site_settings

    monkeypatch.setenv("DJANGO_SITE_DEPARTMENT_EN", " Future Industry Division ")
    monkeypatch.setenv("DJANGO_SITE_DEPARTMENT_KO", "미래산업과")
    monkeypatch.setenv("DJANGO_SITE_CONTACT_EMAIL", "future@busan.example")
    monkeypatch.setenv("DJANGO_SITE_CONTACT_PHONE", "051-888-0000")
    try:
        reloaded = importlib.reload(site_settings)
        assert reloaded.SITE_DEPARTMENT == {"en": "Future Industry Division", "ko": "미래산업과"}
        assert reloaded.SITE_CONTACT_EMAIL == "future@busan.example"
        assert reloaded.SITE_CONTACT_PHONE == "051-888-0000"
    finally:
        monkeypatch.undo()
        importlib.reload(site_settings)
    assert site_settings.SITE_CONTACT_EMAIL == ""


@pytest.mark.parametrize(
    ("prefix", "notice", "privacy", "accessibility"),
    [
        ("", "Korea Open Government License Type 1", "Privacy policy", "Accessibility statement"),
        ("/ko", "공공누리 제1유형", "개인정보처리방침", "웹 접근성 정책"),
    ],
)
def test_the_footer_has_the_kogl_notice_and_links_to_privacy_and_accessibility(
    client, prefix, notice, privacy, accessibility
):
    footer = body_of(client, prefix + "/projects/").split('<footer class="site-footer">', 1)[1]
    assert notice in footer
    assert f'<a class="privacy-link" href="{prefix}/privacy/">{privacy}</a>' in footer
    assert f'<a href="{prefix}/accessibility/">{accessibility}</a>' in footer


def test_not_stated_is_explained_once_on_every_page(client):
    body = body_of(client, "/projects/")
    assert body.count("<dfn") == 1
    assert '<dfn class="not-stated">Not stated</dfn>' in body


# --- Privacy policy and accessibility statement ----------------------------------------------


@pytest.mark.parametrize(
    ("path", "heading", "facts"),
    [
        (
            "/privacy/",
            "Privacy policy",
            ["Officials' accounts", "Network (IP) addresses", "Reports of errors", "Your rights"],
        ),
        (
            "/ko/privacy/",
            "개인정보처리방침",
            ["공무원 계정", "IP 주소", "오류 신고", "정보주체의 권리"],
        ),
        (
            "/accessibility/",
            "Accessibility statement",
            ["WCAG) 2.2", "KWCAG) 2.2", "axe-core", "Nu HTML Checker", "Known limits"],
        ),
        (
            "/ko/accessibility/",
            "웹 접근성 정책",
            ["WCAG) 2.2", "KWCAG) 2.2", "axe-core", "Nu HTML Checker", "알려진 한계"],
        ),
    ],
)
def test_the_policy_pages_answer_in_both_languages(client, path, heading, facts):
    body = body_of(client, path)
    assert f"<h1>{heading}</h1>" in body
    for fact in facts:
        assert fact in body, fact


@pytest.mark.parametrize("path", ["/privacy/", "/ko/accessibility/"])
def test_the_policy_pages_need_no_database(client, path, django_assert_num_queries):
    with django_assert_num_queries(0):
        assert client.get(path).status_code == 200


def test_the_privacy_policy_states_the_configured_retention(client, settings):
    settings.PRIVACY_RETENTION_DAYS = 30
    body = body_of(client, "/privacy/")
    assert body.count("after 30 days") == 1
    assert "at most 30 days" in body


def test_the_policy_pages_show_the_contact_or_say_there_is_none(client, settings):
    settings.SITE_CONTACT_EMAIL = ""
    settings.SITE_CONTACT_PHONE = ""
    assert "has not yet published a contact" in body_of(client, "/accessibility/")
    settings.SITE_CONTACT_EMAIL = "a11y@busan.example"
    body = body_of(client, "/accessibility/")
    assert '<a href="mailto:a11y@busan.example">a11y@busan.example</a>' in body
    assert "has not yet published a contact" not in body


# --- robots.txt and sitemap.xml --------------------------------------------------------------


def test_robots_txt_allows_the_site_keeps_out_the_admin_and_names_the_sitemap(client):
    response = client.get("/robots.txt")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    lines = response.content.decode().splitlines()
    assert lines[0] == "User-agent: *"
    assert "Disallow: /admin/" in lines
    assert "Disallow: /i18n/" in lines
    assert "Sitemap: http://testserver/sitemap.xml" in lines


def sitemap_entries(client) -> dict[str, dict[str, str]]:
    """{location: {hreflang: alternate location}} from sitemap.xml."""
    response = client.get("/sitemap.xml")
    assert response.status_code == 200
    root = ElementTree.fromstring(response.content)  # noqa: S314 (our own response)
    return {
        url.find("sm:loc", SITEMAP_NS).text: {
            link.get("hreflang"): link.get("href") for link in url.findall("xhtml:link", SITEMAP_NS)
        }
        for url in root.findall("sm:url", SITEMAP_NS)
    }


def test_the_sitemap_lists_every_public_page_in_both_languages_with_alternates(client):
    from projects.models import Project
    from sectors.models import Sector

    entries = sitemap_entries(client)

    paths = ["/", "/projects/", "/timeline/", "/sectors/", "/data/", "/privacy/"]
    paths += ["/accessibility/"]
    published = Project.objects.published().values_list("slug", flat=True)
    paths += [f"/projects/{slug}/" for slug in published]
    paths += [f"/sectors/{slug}/" for slug in Sector.objects.values_list("slug", flat=True)]
    expected = {f"http://testserver{path}" for path in paths}
    expected |= {f"http://testserver/ko{path}" for path in paths}
    assert set(entries) == expected
    assert entries["http://testserver/ko/projects/offshore-wind-farm/"] == {
        "en": "http://testserver/projects/offshore-wind-farm/",
        "ko": "http://testserver/ko/projects/offshore-wind-farm/",
        "x-default": "http://testserver/projects/offshore-wind-farm/",
    }


def test_the_sitemap_leaves_out_unpublished_projects(client):
    from projects.models import Project

    Project.objects.filter(slug="offshore-wind-farm").update(is_published=False)
    entries = sitemap_entries(client)
    assert not [loc for loc in entries if "offshore-wind-farm" in loc]


def test_the_sitemap_costs_a_fixed_number_of_queries(client, django_assert_max_num_queries):
    with django_assert_max_num_queries(4):
        client.get("/sitemap.xml")


# --- Canonical links, noindex, link previews -------------------------------------------------


@pytest.mark.parametrize("path", [*PAGES, "/sectors/", "/data/", "/privacy/", "/accessibility/"])
@pytest.mark.parametrize("prefix", ["", "/ko"])
def test_every_page_has_one_canonical_link_to_itself(client, path, prefix):
    body = body_of(client, prefix + path)
    assert canonical(body) == [f"http://testserver{prefix}{path}"]
    assert 'name="robots"' not in body


@pytest.mark.parametrize(
    "query", ["?sector=it", "?sector=it&year=2015", "?sort=title", "?q=wind", "?sector=it&page=1"]
)
@pytest.mark.parametrize("path", ["/projects/", "/timeline/"])
def test_a_filtered_or_sorted_list_points_to_the_plain_list_and_is_not_indexed(client, path, query):
    body = body_of(client, path + query)
    assert canonical(body) == [f"http://testserver{path}"]
    assert '<meta name="robots" content="noindex, follow">' in body


def test_a_later_page_of_the_plain_list_is_its_own_canonical(client, many_projects):
    body = body_of(client, "/projects/?page=2")
    assert canonical(body) == ["http://testserver/projects/?page=2"]
    assert 'name="robots"' not in body


def test_a_project_reached_from_a_filtered_list_points_to_its_permalink(client):
    body = body_of(client, "/ko/projects/offshore-wind-farm/?sector=green-energy")
    assert canonical(body) == ["http://testserver/ko/projects/offshore-wind-farm/"]


@pytest.mark.parametrize(
    ("prefix", "locale", "alternate"), [("", "en_US", "ko_KR"), ("/ko", "ko_KR", "en_US")]
)
def test_link_previews_have_title_description_and_locale(client, prefix, locale, alternate):
    body = body_of(client, prefix + "/projects/export-research-reactor/")
    title = re.search(r"<title>(.*?) – ", body).group(1)
    description = re.search(r'<meta name="description" content="([^"]*)">', body).group(1)

    assert meta(body, "og:title") == title == meta(body, "twitter:title")
    assert meta(body, "og:description") == description == meta(body, "twitter:description")
    assert description
    assert meta(body, "og:type") == "website"
    assert meta(body, "og:url") == f"http://testserver{prefix}/projects/export-research-reactor/"
    assert meta(body, "og:locale") == locale
    assert meta(body, "og:locale:alternate") == alternate
    assert meta(body, "twitter:card") == "summary"


def test_a_title_with_markup_characters_is_escaped_once(client, make_project):
    project = make_project(title_en='Tom & Jerry "port"', summary_en="A <b> summary")
    body = body_of(client, f"/projects/{project.slug}/")
    assert meta(body, "og:title") == "Tom &amp; Jerry &quot;port&quot;"
    assert "<title>Tom &amp; Jerry &quot;port&quot; – " in body
    assert meta(body, "og:description") == "A &lt;b&gt; summary"
