"""The CSV carries a readable name beside every code, in the language of the file."""

import csv
import io

import pytest

pytestmark = pytest.mark.django_db

SLUG = "bs-financial-computer-center"


def row(client, path):
    response = client.get(path)
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    return response, next(r for r in csv.DictReader(io.StringIO(body)) if r[next(iter(r))] == SLUG)


def test_the_english_csv_names_sector_program_goal_and_status_beside_their_codes(client):
    response, project = row(client, "/projects/export.csv")
    assert (project["sectors"], project["sector_names"]) == (
        "it",
        "IT (cloud, IoT, IT convergence)",
    )
    assert project["primary_sector_name"] == project["sector_names"]
    assert project["program"] == "cloud-iot" and project["program_title"]
    assert project["goal"] == "it-global-competitiveness" and project["goal_title"]
    assert (project["status"], project["status_label"]) == (
        "not-stated",
        "Not stated",
    )
    header = list(project)
    assert header.index("sector_names") == header.index("sectors") + 1
    assert header.index("status_label") == header.index("status") + 1
    assert 'filename="busan-projects_' in response["Content-Disposition"]


def test_the_korean_csv_gives_korean_names_and_its_own_file_name(client):
    response, project = row(client, "/ko/projects/export.csv")
    assert project["산업 분야"] == "it"
    assert project["산업 분야명"] == "IT(클라우드·사물인터넷·IT 융합)"
    assert project["진행 상태명"] == "명시되지 않음"
    assert 'filename="busan-projects-ko_' in response["Content-Disposition"]
