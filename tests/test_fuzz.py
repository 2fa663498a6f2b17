"""Fuzzing: nothing a visitor can send makes the portal answer 5xx or reflect markup unescaped.

Over a thousand generated query strings go to every public HTML page (an equal share each), the
CSV export and the API; malformed data is posted to the admin sign-in and the admin's forms.
"""

from collections import Counter
from urllib.parse import urlencode

import pytest
from django.contrib import admin
from django.test import Client
from django.test.client import ClientHandler, RequestFactory
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from projects.models import Project

QUERY_EXAMPLES = 1000
FORM_EXAMPLES = 150

PAGES = [
    "/",
    "/projects/",
    "/projects/{slug}/",
    "/sectors/",
    "/sectors/it/",
    "/timeline/",
    "/data/",
]
# Every public HTML page in both languages, the export and the API.
URLS = [*PAGES, *(f"/ko{page}" for page in PAGES), "/projects/export.csv", "/api/projects/"]

# Markup that would run in a browser if echoed raw. Escaped, it is harmless text, so the check
# is that the opening of each tag never appears as written.
XSS = {
    "<script>alert(1)</script>": "<script>alert(1)",
    '"><img src=x onerror=alert(1)>': "<img src=x onerror",
    "'><svg/onload=alert(1)>": "<svg/onload",
    "</title><iframe src=javascript:alert(1)>": "<iframe src=javascript",
}

KEYS = st.one_of(
    st.sampled_from(
        ["sector", "year", "status", "program", "q", "sort", "page", "format", "lang", "sector[]"]
    ),
    st.text(max_size=12),
)
VALUES = st.one_of(
    # Real values, so that filters combine and reach the deeper code.
    st.sampled_from(
        ["it", "green-energy", "robotics", "2015", "2020", "undated", "planned", "in_progress"]
    ),
    st.sampled_from(["title", "start", "-start", "budget", "-budget", "updated", "1", "2", "99"]),
    # SQL, template and path fragments.
    st.sampled_from(
        [
            "' OR 1=1 --",
            '1"; DROP TABLE projects_project; --',
            "1 UNION SELECT password FROM auth_user",
            "%",
            "_",
            "\\",
            "{{ settings.SECRET_KEY }}",
            "${7*7}",
            "../../../../etc/passwd",
            "\x00",
            "a\x00b",
            "\u202e\u200b\ufeff",
            "부산 해양",
            "ＩＴ",
            "💥" * 50,
            "NaN",
            "Infinity",
            "-0",
            "1e400",
            "0x7fffffff",
            "",
        ]
    ),
    st.sampled_from(list(XSS)),
    # Huge and negative numbers.
    st.integers(min_value=-(10**40), max_value=10**40).map(str),
    # Any Unicode, NUL bytes included.
    st.text(max_size=40),
    # Very long values.
    st.integers(min_value=1_000, max_value=10_000).map(lambda n: "9" * n),
    st.integers(min_value=40, max_value=400).map(lambda n: "<script>alert(1)</script>" * n),
)
# Raw query-string pieces a browser would never send: broken escapes, invalid UTF-8, stray
# separators.
RAW_PIECES = st.sampled_from(
    ["%", "%zz", "%ff%fe", "%c0%af", "%00", "&&&", "==", "=;=", "a", "sector", "year=%E2%82"]
)
QUERY_STRINGS = st.one_of(
    st.lists(st.tuples(KEYS, VALUES), max_size=8).map(urlencode),
    st.lists(st.tuples(KEYS, VALUES), max_size=3).flatmap(
        lambda pairs: st.lists(RAW_PIECES, min_size=1, max_size=6).map(
            lambda raw: "&".join([urlencode(pairs), *raw])
        )
    ),
)

# Fuzzing wants random inputs; the run must still be fast and leave no example database behind.
fuzz_settings = settings(
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


def get(handler: ClientHandler, url: str, query: str):
    """GET through the full middleware stack, returning the response and its body as text.

    The handler is what the test client wraps, minus the copy of every template context the
    client keeps for assertions, which would make this test several times slower.
    """
    environ = RequestFactory().get(url, QUERY_STRING=query).environ
    response = handler(environ)
    return response, b"".join(response).decode("utf-8", errors="replace")


def assert_safe(response, body, url, query):
    assert response.status_code < 500, (url, query, response.status_code)
    content_type = response.get("Content-Type", "")
    if "html" not in content_type:
        # JSON and CSV may carry a value back as data; nosniff stops a browser rendering it.
        assert response["X-Content-Type-Options"] == "nosniff"
        return
    for tag_start in XSS.values():
        assert tag_start not in body, (url, query, tag_start)


def fuzz_one_url(handler: ClientHandler, url: str, examples: int) -> Counter:
    """Send ``examples`` generated query strings to ``url``; return the statuses seen."""
    statuses = Counter()

    @settings(fuzz_settings, max_examples=examples)
    @given(query=QUERY_STRINGS)
    def fuzz(query):
        response, body = get(handler, url, query)
        statuses[response.status_code] += 1
        assert_safe(response, body, url, query)

    fuzz()
    return statuses


@pytest.mark.django_db
def test_generated_query_strings_never_get_a_5xx_or_reflect_markup():
    slug = Project.objects.published().order_by("slug").values_list("slug", flat=True)[0]
    urls = [url.format(slug=slug) for url in URLS]
    handler = ClientHandler(enforce_csrf_checks=False)
    # An equal share for every URL (rounded up), so none is left to chance.
    per_url = -(-QUERY_EXAMPLES // len(urls)) + 2
    statuses = {url: fuzz_one_url(handler, url, per_url) for url in urls}

    assert sum(sum(counter.values()) for counter in statuses.values()) >= QUERY_EXAMPLES
    missing = [url for url, counter in statuses.items() if set(counter) == {404}]
    assert missing == [], f"these URLs do not exist (every request was a 404): {missing}"


# --- Forms ---------------------------------------------------------------------------------

FORM_TEXT = st.one_of(
    st.text(max_size=40),
    st.sampled_from(["\x00", "' OR 1=1 --", "<script>alert(1)</script>", "9" * 5000, ""]),
    st.integers(min_value=-(10**40), max_value=10**40).map(str),
)
FORM_DATA = st.dictionaries(
    st.one_of(
        st.sampled_from(
            ["username", "password", "next", "csrfmiddlewaretoken", "this_is_the_login_form"]
        ),
        st.text(max_size=10),
    ),
    st.one_of(FORM_TEXT, st.lists(FORM_TEXT, max_size=3)),
    max_size=6,
)
RAW_BODIES = st.tuples(
    st.sampled_from(
        [
            "multipart/form-data; boundary=x",
            "multipart/form-data",
            "application/x-www-form-urlencoded",
            "application/json",
            "text/plain; charset=utf-99",
        ]
    ),
    st.binary(max_size=300),
)


@pytest.mark.django_db
def test_malformed_sign_in_posts_never_get_a_5xx():
    client = Client()
    client.raise_request_exception = False

    @settings(fuzz_settings, max_examples=FORM_EXAMPLES)
    @given(data=FORM_DATA, raw=RAW_BODIES, use_raw=st.booleans())
    def fuzz(data, raw, use_raw):
        if use_raw:
            content_type, body = raw
            response = client.generic("POST", "/admin/login/", body, content_type=content_type)
        else:
            response = client.post("/admin/login/", data)
        # 200 (the form with an error), 400 (unreadable body), 429 (axes lockout); never 5xx.
        assert response.status_code < 500, (data if not use_raw else raw, response.status_code)

    fuzz()


def admin_add_urls(request) -> list[tuple[str, list[str]]]:
    """Each admin add form the signed-in official may use, with its form's field names."""
    forms = []
    for model, model_admin in admin.site._registry.items():
        if not model_admin.has_add_permission(request):
            continue
        url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_add")
        fields = list(model_admin.get_form(request)().fields)
        forms.append((url, fields))
    return forms


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("url", "data"),
    [
        # Found by the fuzz below: a value Django's autocomplete widget looked up as a key.
        ("/admin/projects/phase/add/", {"project": ":"}),
        # Found by the fuzz below: a key beyond 64 bits overflows SQLite's integer.
        ("/admin/projects/project/add/", {"sectors": "9223372036854775808"}),
        ("/admin/projects/project/add/", {"places": "-9223372036854775809"}),
        ("/admin/projects/project/add/", {"program": "9223372036854775808"}),
        ("/admin/projects/program/add/", {"strategy": "9223372036854775808"}),
        ("/admin/auth/group/add/", {"name": "x", "permissions": "9223372036854775808"}),
        ("/admin/auth/user/add/", {"username": "x", "groups": "9223372036854775808"}),
    ],
)
def test_inputs_the_fuzz_found_are_refused_with_a_form_error(admin_client, url, data):
    admin_client.raise_request_exception = False
    response = admin_client.post(url, data)
    assert response.status_code == 200, response.status_code
    assert "errornote" in response.content.decode()


@pytest.mark.django_db
def test_malformed_admin_form_posts_never_get_a_5xx(admin_client):
    request = admin_client.get("/admin/").wsgi_request
    forms = admin_add_urls(request)
    assert forms, "no admin add forms are registered"
    admin_client.raise_request_exception = False

    @settings(fuzz_settings, max_examples=FORM_EXAMPLES)
    @given(form=st.sampled_from(forms), data=st.data())
    def fuzz(form, data):
        url, fields = form
        names = st.one_of(st.sampled_from(fields or ["x"]), st.text(max_size=8))
        values = st.one_of(FORM_TEXT, st.lists(FORM_TEXT, max_size=3))
        post = data.draw(st.dictionaries(names, values, max_size=len(fields) + 2))
        response = admin_client.post(url, post)
        assert response.status_code < 500, (url, post, response.status_code)

    fuzz()
