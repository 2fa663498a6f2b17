"""Valid HTML: the Nu HTML checker (vnu.jar, from the npm package vnu-jar) on every public page.

KWCAG 2.2 asks for valid markup, and a parser error is where assistive technology starts to
guess. The HTML checked is what the server sends (not the browser's repaired DOM), for every
public page type in English and Korean. All pages go to one Java process, which takes seconds;
one Java start per page would take minutes. Errors fail; warnings are only printed.
"""

import json
import shutil
import subprocess
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from tests.e2e.conftest import ROOT
from tests.e2e.site_pages import LANGUAGES, PUBLIC_PAGES

pytestmark = pytest.mark.e2e

VNU_JAR = ROOT / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"
PAGE_IDS = [(public_page, language) for public_page in PUBLIC_PAGES for language in LANGUAGES]


def fetch(url: str) -> tuple[int, bytes]:
    """The status and body the server sends, 4xx pages included."""
    try:
        with urllib.request.urlopen(url, timeout=30) as response:  # noqa: S310 (our own server)
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


def file_name(public_page, language) -> str:
    return f"{public_page.name}-{language}.html"


@pytest.fixture(scope="session")
def vnu_messages(server, tmp_path_factory) -> dict[str, list[dict]]:
    """Fetch every page, run the checker once over all of them, messages by file name."""
    java = shutil.which("java")
    if java is None:
        pytest.fail("Java is missing: apt-get install -y default-jre-headless")
    if not VNU_JAR.exists():
        pytest.fail(f"{VNU_JAR} is missing: run `make node_modules` (npm ci)")
    folder = tmp_path_factory.mktemp("vnu")
    files = []
    for public_page, language in PAGE_IDS:
        status, body = fetch(server.url + public_page.path_in(language))
        assert status == public_page.status, public_page.path_in(language)
        path = folder / file_name(public_page, language)
        path.write_bytes(body)
        files.append(str(path))
    result = subprocess.run(
        [java, "-jar", str(VNU_JAR), "--format", "json", "--stdout", *files],
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )
    try:
        report = json.loads(result.stdout)
    except json.JSONDecodeError:
        pytest.fail(f"vnu.jar gave no JSON report (exit {result.returncode}):\n{result.stderr}")
    messages: dict[str, list[dict]] = {Path(name).name: [] for name in files}
    for message in report["messages"]:
        messages.setdefault(Path(message.get("url", "")).name, []).append(message)
    return messages


def describe(message: dict) -> str:
    line = message.get("lastLine", "?")
    return f"line {line}: {message['message']} [{message.get('extract', '')}]"


@pytest.mark.parametrize(
    ("public_page", "language"),
    PAGE_IDS,
    ids=[f"{public_page.name}-{language}" for public_page, language in PAGE_IDS],
)
def test_nu_html_checker_reports_no_errors(vnu_messages, public_page, language):
    messages = vnu_messages[file_name(public_page, language)]
    for warning in (message for message in messages if message["type"] == "info"):
        print("vnu warning:", describe(warning))

    errors = [describe(message) for message in messages if message["type"] != "info"]

    assert errors == []
