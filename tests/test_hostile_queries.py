"""Generated hostile query strings never make a public list page fail or reflect markup."""

from urllib.parse import urlencode

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

KEYS = ["sector", "year", "status", "program", "q", "sort", "page", "since", "until", "x"]
NASTY = st.sampled_from(
    [
        "<script>alert(1)</script>",
        "' OR 1=1 --",
        "\x00",
        "9" * 400,
        "-1",
        "2015",
        "undated",
        "it",
        "%00",
        "ＩＴ",
        "💥",
        "x" * 5000,
        "",
    ]
)
VALUES = st.one_of(NASTY, st.text(max_size=60))
QUERIES = st.lists(st.tuples(st.sampled_from(KEYS), VALUES), max_size=8)


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/projects/", "/timeline/", "/changes/", "/ko/changes/"])
@settings(
    max_examples=120,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(query=QUERIES)
def test_no_hostile_query_string_breaks_a_list_page(client, path, query):
    response = client.get(f"{path}?{urlencode(query)}")
    assert response.status_code == 200
    body = response.content.decode()
    assert "<script>alert(1)</script>" not in body
