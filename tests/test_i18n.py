"""The public site in Korean: /ko/ URLs, Korean interface and content, same data."""

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
HANGUL = re.compile(r"[가-힣]")
PUBLIC_PATHS = [
    "/",
    "/projects/",
    "/projects/?sector=it&year=2015",
    "/projects/export-research-reactor/",
    "/sectors/",
    "/sectors/it/",
    "/timeline/",
    "/data/",
]

pytestmark = pytest.mark.django_db


def korean(client, path):
    response = client.get("/ko" + path)
    assert response.status_code == 200, path
    return response, response.content.decode()


@pytest.mark.parametrize("path", PUBLIC_PATHS)
def test_every_public_page_answers_under_ko_in_korean(client, path):
    _, body = korean(client, path)
    assert '<html lang="ko">' in body
    navigation = body.split('class="site-nav"', 1)[1].split("</nav>", 1)[0]
    assert HANGUL.search(navigation), "the main navigation is not in Korean"
    skip_link = re.search(r'class="skip-link"[^>]*>([^<]+)<', body).group(1)
    assert HANGUL.search(skip_link)


@pytest.mark.parametrize("path", PUBLIC_PATHS)
def test_every_page_links_to_its_twin_in_the_other_language(client, path):
    _, body = korean(client, path)
    english_path = path.replace("&", "&amp;")
    assert f'hreflang="en" href="http://testserver{english_path}"' in body
    # The switch posts the current page; set_language answers with its English twin.
    korean_path = "/ko" + path.replace("&", "&amp;")
    assert f'<input type="hidden" name="next" value="{korean_path}">' in body
    assert '<button type="submit" name="language" value="en" lang="en">English</button>' in body
    switched = client.post(
        "/i18n/setlang/", {"language": "en", "next": "/ko" + path}, headers={"accept": "text/html"}
    )
    assert (switched.status_code, switched["Location"]) == (302, path)


def test_the_english_page_switches_to_korean_keeping_the_query(client):
    body = client.get("/projects/?sector=it&year=2015").content.decode()
    assert '<input type="hidden" name="next" value="/projects/?sector=it&amp;year=2015">' in body
    switched = client.post(
        "/i18n/setlang/", {"language": "ko", "next": "/projects/?sector=it&year=2015"}
    )
    assert switched["Location"] == "/ko/projects/?sector=it&year=2015"
    assert switched.cookies["django_language"].value == "ko"


def test_the_same_filter_gives_the_same_projects_in_both_languages(client):
    query = "?sector=it&sector=robotics&year=2015&sort=start"
    english = client.get("/projects/" + query).context["page"].object_list
    korean_list = client.get("/ko/projects/" + query).context["page"].object_list
    assert [p.slug for p in korean_list] == [p.slug for p in english]


def test_korean_pages_show_korean_titles(client):
    _, body = korean(client, "/projects/export-research-reactor/")
    assert "<h1>수출용 신형 연구로 건설</h1>" in body
    # The verbatim source stays in English, marked as such.
    assert '<blockquote lang="en"><p>Establish a new research reactor for export' in body


def test_korean_money_uses_eok_beside_the_exact_integer(client):
    _, body = korean(client, "/projects/bs-financial-computer-center/")
    assert "1,902억 원" in body
    assert "190,200,000,000" in body


def test_a_korean_search_finds_its_project(client):
    response, _ = korean(client, "/projects/?q=해상풍력")
    assert {p.slug for p in response.context["page"].object_list} == {
        "renewable-energy-and-offshore-wind",
        "offshore-wind-farm",
    }


def test_a_korean_404_page_is_in_korean(client):
    response = client.get("/ko/projects/no-such-project/")
    assert response.status_code == 404
    assert '<html lang="ko">' in response.content.decode()


def test_the_korean_catalogue_has_no_untranslated_or_fuzzy_entry():
    catalogue = (ROOT / "locale/ko/LC_MESSAGES/django.po").read_text(encoding="utf-8")
    entries = catalogue.split("\n\n")[1:]  # the first block is the header
    assert not [entry for entry in entries if "#, fuzzy" in entry]
    untranslated = [
        entry
        for entry in entries
        if re.search(r'^msgstr(\[0\])? ""\n?$', entry.strip(), re.MULTILINE)
        and not re.search(r'^msgstr(\[0\])? ""\n"', entry, re.MULTILINE)
    ]
    assert not untranslated


def test_korean_quantities_follow_korean_spacing(client):
    _, body = korean(client, "/projects/bs-financial-computer-center/")
    assert "<strong>2개 동</strong>" in body
    english = client.get("/projects/new-port-hinterland-complex/").content.decode()
    assert "<strong>660,000 m²</strong>" in english
