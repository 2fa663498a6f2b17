"""Admin sessions end after 30 minutes idle and 12 hours in all (busanportal/sessions.py), and
their cookies carry the ``__Host-`` prefix wherever they are Secure."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.contrib.auth.models import User
from django.urls import reverse

from busanportal import sessions

ROOT = Path(__file__).resolve().parent.parent
ADMIN_INDEX = reverse("admin:index")

pytestmark = pytest.mark.django_db


def settings_in_a_fresh_process(names: str, **env) -> list[str]:
    """The named settings (space-separated) as a new process with ``env`` reads them."""
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "EMAIL_"))}
    clean.update({"DJANGO_SETTINGS_MODULE": "busanportal.settings", **env})
    code = (
        "from django.conf import settings\n"
        f"for name in {names.split()!r}: print(getattr(settings, name))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env=clean,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    return result.stdout.split("\n")[:-1]


class Clock:
    """Stands in for ``time.time`` in busanportal.sessions, moved forward by the test."""

    def __init__(self):
        self.now = 1_800_000_000.0

    def __call__(self):
        return self.now

    def advance(self, seconds):
        self.now += seconds


@pytest.fixture
def clock(monkeypatch):
    clock = Clock()
    monkeypatch.setattr(sessions.time, "time", clock)
    return clock


@pytest.fixture
def official_client(client):
    user = User.objects.create_superuser("kim.minji", "minji.kim@busan.example", "pw")
    client.force_login(user)
    return client


def is_signed_in(client):
    response = client.get(ADMIN_INDEX)
    return response.status_code == 200


def test_a_session_used_within_30_minutes_stays_open(official_client, clock):
    assert is_signed_in(official_client)
    for _ in range(4):
        clock.advance(29 * 60)
        assert is_signed_in(official_client)


def test_a_session_idle_for_more_than_30_minutes_ends(official_client, clock):
    assert is_signed_in(official_client)
    clock.advance(30 * 60 + 1)
    response = official_client.get(ADMIN_INDEX)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))


def test_a_session_ends_after_12_hours_however_active(official_client, clock):
    assert is_signed_in(official_client)
    for _ in range(24):  # a request every 30 minutes, for 12 hours
        clock.advance(30 * 60)
        assert is_signed_in(official_client)
    clock.advance(1)
    assert not is_signed_in(official_client)


def test_the_cookie_lasts_as_long_as_the_nearer_limit(official_client, clock, settings):
    settings.SESSION_COOKIE_AGE = 60 * 60  # an hour in all
    official_client.get(ADMIN_INDEX)
    assert official_client.session.get_expiry_age() == 30 * 60  # idle limit first
    for _ in range(2):
        clock.advance(25 * 60)
        official_client.get(ADMIN_INDEX)
    assert official_client.session.get_expiry_age() == 10 * 60  # then the absolute one


def test_the_limits_come_from_the_environment():
    assert settings_in_a_fresh_process(
        "SESSION_IDLE_SECONDS SESSION_COOKIE_AGE",
        DJANGO_DEBUG="1",
        DJANGO_SESSION_IDLE_SECONDS="600",
        DJANGO_SESSION_MAX_SECONDS="3600",
    ) == ["600", "3600"]
    assert settings_in_a_fresh_process(
        "SESSION_IDLE_SECONDS SESSION_COOKIE_AGE", DJANGO_DEBUG="1"
    ) == ["1800", "43200"]


def test_secure_cookies_carry_the_host_prefix():
    assert settings_in_a_fresh_process(
        "SESSION_COOKIE_NAME CSRF_COOKIE_NAME SESSION_COOKIE_SECURE", DJANGO_SECRET_KEY="x" * 50
    ) == ["__Host-sessionid", "__Host-csrftoken", "True"]


def test_plain_http_development_cookies_have_no_prefix():
    assert settings_in_a_fresh_process(
        "SESSION_COOKIE_NAME CSRF_COOKIE_NAME", DJANGO_DEBUG="1"
    ) == ["sessionid", "csrftoken"]


def test_the_session_cookie_is_set_with_the_prefix_path_and_no_domain(client, settings):
    User.objects.create_superuser("kim.minji", "minji.kim@busan.example", "pw")
    response = client.post(
        reverse("admin:login"), {"username": "kim.minji", "password": "pw", "next": ADMIN_INDEX}
    )
    cookie = response.cookies[settings.SESSION_COOKIE_NAME]
    assert settings.SESSION_COOKIE_NAME == "__Host-sessionid"
    assert (cookie["secure"], cookie["path"], cookie["domain"]) == (True, "/", "")
