"""Korean first (busanportal/language.py): "/" goes to the reader's language, remembered when
they switch, and the page cache (on, as in production) never mixes the two languages up."""

import pytest
from django.test import Client
from django.utils import translation

pytestmark = pytest.mark.django_db

KOREAN_BROWSER = "ko-KR,ko;q=0.9,en-US;q=0.8,en;q=0.7"
ENGLISH_BROWSER = "en-US,en;q=0.9,ko;q=0.5"


def browser(accept_language: str | None = None, cookie: str | None = None) -> Client:
    """A fresh browser with its language preferences and, optionally, a remembered choice."""
    headers = {"accept-language": accept_language} if accept_language else {}
    client = Client(headers=headers)
    if cookie:
        client.cookies["django_language"] = cookie
    return client


def vary(response) -> set[str]:
    return {part.strip().lower() for part in response.get("Vary", "").split(",")}


def test_the_page_cache_is_on_for_these_tests(settings):
    assert settings.PAGE_CACHE_SECONDS > 0
    assert "busanportal.cache.PageCacheMiddleware" in settings.MIDDLEWARE


def test_a_korean_browser_is_sent_from_the_home_page_to_the_korean_site():
    response = browser(KOREAN_BROWSER).get("/")

    assert response.status_code == 302
    assert response["Location"] == "/ko/"
    assert {"accept-language", "cookie"} <= vary(response)


def test_the_redirect_does_not_depend_on_the_language_the_worker_last_served():
    with translation.override("ko"):  # before the locale middleware has run for this request
        response = browser(KOREAN_BROWSER).get("/?sector=it")
    assert response.status_code == 302
    assert response["Location"] == "/ko/?sector=it"


def test_an_english_browser_stays_on_the_english_home_page():
    response = browser(ENGLISH_BROWSER).get("/")

    assert response.status_code == 200
    assert '<html lang="en">' in response.content.decode()
    assert {"accept-language", "cookie"} <= vary(response)


@pytest.mark.parametrize("accept_language", [None, "fr-FR,fr;q=0.9", "*"])
def test_a_browser_preferring_neither_language_gets_english(accept_language):
    response = browser(accept_language).get("/")
    assert response.status_code == 200
    assert '<html lang="en">' in response.content.decode()


def test_a_cached_english_home_page_is_never_served_to_a_korean_browser():
    english = browser(ENGLISH_BROWSER)
    assert english.get("/")["X-Cache"] == "MISS"
    hit = english.get("/")
    assert hit["X-Cache"] == "HIT"
    assert {"accept-language", "cookie"} <= vary(hit)  # on the cached copy too

    korean = browser(KOREAN_BROWSER).get("/")

    assert (korean.status_code, korean["Location"]) == (302, "/ko/")
    assert "X-Cache" not in korean  # answered before the page cache


def test_a_cached_korean_home_page_is_never_served_to_an_english_browser():
    korean = browser(KOREAN_BROWSER)
    assert korean.get("/ko/")["X-Cache"] == "MISS"
    assert korean.get("/ko/")["X-Cache"] == "HIT"

    english = browser(ENGLISH_BROWSER).get("/")

    assert english.status_code == 200
    assert '<html lang="en">' in english.content.decode()
    assert english["X-Cache"] == "MISS"


def test_the_same_cached_page_answers_both_languages_once_each():
    for _ in range(2):
        assert browser(ENGLISH_BROWSER).get("/")["Content-Language"] == "en"
        assert browser(KOREAN_BROWSER).get("/", follow=True)["Content-Language"] == "ko"
    assert browser(ENGLISH_BROWSER).get("/")["X-Cache"] == "HIT"
    assert browser(KOREAN_BROWSER).get("/ko/")["X-Cache"] == "HIT"


def test_the_redirect_keeps_the_query_string():
    response = browser(KOREAN_BROWSER).get("/?utm_source=kakao")
    assert response["Location"] == "/ko/?utm_source=kakao"


def test_head_is_redirected_like_get():
    assert browser(KOREAN_BROWSER).head("/")["Location"] == "/ko/"


def test_other_addresses_show_the_language_they_name_whatever_the_browser_prefers():
    # A shared or cited link shows what its sender saw.
    response = browser(KOREAN_BROWSER).get("/projects/")
    assert response.status_code == 200
    assert '<html lang="en">' in response.content.decode()
    response = browser(ENGLISH_BROWSER).get("/ko/projects/")
    assert '<html lang="ko">' in response.content.decode()


def test_a_korean_reader_who_switches_to_english_is_not_sent_back_to_korean():
    reader = browser(KOREAN_BROWSER)
    assert reader.get("/")["Location"] == "/ko/"

    switched = reader.post("/i18n/setlang/", {"language": "en", "next": "/ko/"})
    assert (switched.status_code, switched["Location"]) == (302, "/")
    assert switched.cookies["django_language"].value == "en"

    home = reader.get("/")
    assert home.status_code == 200
    assert '<html lang="en">' in home.content.decode()


def test_an_english_reader_who_switches_to_korean_lands_on_korean_next_time():
    reader = browser(ENGLISH_BROWSER)
    assert reader.get("/").status_code == 200

    switched = reader.post("/i18n/setlang/", {"language": "ko", "next": "/projects/?sector=it"})
    assert switched["Location"] == "/ko/projects/?sector=it"

    assert reader.get("/")["Location"] == "/ko/"


def test_the_remembered_choice_outranks_the_browser():
    assert browser(KOREAN_BROWSER, cookie="en").get("/").status_code == 200
    assert browser(ENGLISH_BROWSER, cookie="ko").get("/")["Location"] == "/ko/"


def test_a_cookie_naming_no_site_language_falls_back_to_the_browser():
    assert browser(KOREAN_BROWSER, cookie="xx").get("/")["Location"] == "/ko/"


def test_a_reader_with_the_cookie_still_gets_cached_pages():
    reader = browser(KOREAN_BROWSER, cookie="en")
    reader.get("/")
    assert reader.get("/")["X-Cache"] == "HIT"
    assert reader.get("/projects/")["X-Cache"] == "MISS"
    assert reader.get("/projects/")["X-Cache"] == "HIT"


def test_the_language_cookie_is_kept_a_year_and_hidden_from_scripts():
    switched = browser().post("/i18n/setlang/", {"language": "ko", "next": "/"})
    cookie = switched.cookies["django_language"]
    assert cookie["max-age"] == 365 * 24 * 60 * 60
    assert cookie["httponly"] is True
    assert cookie["samesite"] == "Lax"


def test_a_cross_site_post_cannot_change_the_language():
    forged = browser().post(
        "/i18n/setlang/",
        {"language": "ko", "next": "/"},
        headers={"origin": "https://evil.example", "sec-fetch-site": "cross-site"},
    )
    assert forged.status_code == 403
    assert "django_language" not in forged.cookies


def test_a_same_origin_post_with_an_origin_header_is_accepted():
    switched = browser().post(
        "/i18n/setlang/",
        {"language": "ko", "next": "/"},
        headers={"origin": "http://testserver", "sec-fetch-site": "same-origin"},
    )
    assert switched.status_code == 302


@pytest.mark.parametrize("next_url", ["https://evil.example/", "//evil.example/", ""])
def test_the_switch_never_redirects_off_the_site(next_url):
    switched = browser().post("/i18n/setlang/", {"language": "ko", "next": next_url})
    assert switched.status_code in (204, 302)
    assert "evil" not in switched.get("Location", "")


@pytest.mark.parametrize("language", ["", "fr", "<script>", "ko" * 500])
def test_an_unknown_language_is_refused_with_a_message_and_sets_no_cookie(language):
    switched = browser().post("/i18n/setlang/", {"language": language, "next": "/"})
    assert switched.status_code == 400
    assert b"en or ko" in switched.content
    assert "django_language" not in switched.cookies


def test_the_switch_only_takes_post():
    assert browser().get("/i18n/setlang/?language=ko&next=/").status_code == 405
