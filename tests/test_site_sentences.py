"""Every sentence of the site's own as strong as the source, and no stronger (issue 16, item 3):
the overview, the sectors and the data page, in English and Korean.

The document says Busan "is carrying out various projects" in the sectors it names and states
one amount of money without saying whose it is: so no page of the site's own says the plan
"invests" or calls that amount a "budget", and the home page plans rather than builds.
Project titles and the quoted source are the fixtures' words and are checked elsewhere.
"""

import html
import re

import pytest

pytestmark = pytest.mark.django_db

OWN_PAGES = ["/", "/sectors/", "/data/"]
# Words claiming more than the document: English, Korean.
OVERCLAIMS = {
    "en": re.compile(r"\binvest|\bbudgets?\b|\bis being built|\bbuilding for\b", re.IGNORECASE),
    "ko": re.compile(r"투자|예산"),
}


def own_words(body: str) -> str:
    """The page's text without the quoted source, code (field names such as ``budgets``) and
    quoted names, which are the document's or the API's words, not the site's sentences."""
    body = re.sub(r"<(blockquote|code|script|style)\b.*?</\1>", " ", body, flags=re.S)
    body = re.sub(r'<meta name="description" content="([^"]*)">', r"<p>\1</p>", body)
    text = html.unescape(re.sub(r"<[^>]+>", " ", body))
    text = re.sub(r"“[^”]*”", " ", text)  # quoted names: “budgets” is the API field
    return " ".join(text.split())


@pytest.mark.parametrize("path", OWN_PAGES)
@pytest.mark.parametrize("language", ["en", "ko"])
def test_the_sites_own_sentences_claim_no_investment_and_no_budget(client, path, language):
    response = client.get(path if language == "en" else "/ko" + path)
    assert response.status_code == 200
    text = own_words(response.content.decode())
    claims = [match.group(0) for match in OVERCLAIMS[language].finditer(text)]
    assert claims == [], text[:2000]


def test_the_home_page_says_the_plan_names_projects_as_the_document_does(client):
    text = own_words(client.get("/").content.decode())
    assert "What Busan plans for its future industries" in text
    assert "names projects in IT" in text
    assert "with the years, places and amounts the plan states" in text


def test_the_one_amount_is_labelled_a_stated_cost_everywhere_it_is_shown(client):
    card = client.get("/projects/?q=computer").content.decode()
    detail = client.get("/projects/bs-financial-computer-center/").content.decode()
    korean = client.get("/ko/projects/bs-financial-computer-center/").content.decode()
    assert "<dt>Stated cost</dt><dd>KRW 190.2 billion</dd>" in card
    assert '<h2 id="budget-heading">Stated cost</h2>' in detail
    assert '<h2 id="budget-heading">명시된 사업비</h2>' in korean
