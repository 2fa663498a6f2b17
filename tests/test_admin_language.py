"""The admin speaks the official's language: Korean for a Korean browser, with a switch, the
city's name instead of "Django administration", and a password reset from the sign-in page."""

import re

import pytest
from django.contrib.auth.models import User
from django.core import mail
from django.urls import reverse

from tests.test_sessions import settings_in_a_fresh_process

pytestmark = pytest.mark.django_db

LOGIN_URL = reverse("admin:login")
KOREAN_BROWSER = {"HTTP_ACCEPT_LANGUAGE": "ko-KR,ko;q=0.9,en;q=0.5"}


def html_lang(response):
    return re.search(r'<html lang="([^"]+)"', response.content.decode()).group(1)


def test_a_korean_browser_gets_the_admin_in_korean(client):
    response = client.get(LOGIN_URL, **KOREAN_BROWSER)
    body = response.content.decode()
    assert html_lang(response) == "ko"
    assert "부산광역시 전략산업 포털 관리" in body
    assert "Django" not in body.split("<body", 1)[1]
    # Django's own admin catalogue: the sign-in button.
    assert 'value="로그인"' in body
    assert response["Content-Language"] == "ko"
    assert "Accept-Language" in response["Vary"]


def test_an_english_browser_gets_the_admin_in_english(client):
    response = client.get(LOGIN_URL, HTTP_ACCEPT_LANGUAGE="en-GB,en;q=0.8")
    assert html_lang(response) == "en"
    assert "Busan strategic projects portal: administration" in response.content.decode()


def test_the_language_switch_turns_a_korean_browsers_admin_to_english(client):
    page = client.get(LOGIN_URL, **KOREAN_BROWSER).content.decode()
    assert f'action="{reverse("set_language")}"' in page
    response = client.post(
        reverse("set_language"), {"language": "en", "next": LOGIN_URL}, **KOREAN_BROWSER
    )
    assert response.status_code == 302
    assert response["Location"] == LOGIN_URL
    assert html_lang(client.get(LOGIN_URL, **KOREAN_BROWSER)) == "en"


def test_the_public_site_keeps_its_language_in_the_address(client):
    # An unprefixed public page other than "/" stays English whatever the browser says (the
    # admin's negotiation does not reach it); /ko/ is Korean.
    assert html_lang(client.get("/projects/", **KOREAN_BROWSER)) == "en"


def test_the_sign_in_page_links_to_the_password_reset(client):
    body = client.get(LOGIN_URL).content.decode()
    assert f'href="{reverse("admin_password_reset")}"' in body


def test_a_password_reset_sends_a_link_by_email(client):
    User.objects.create_user("kim.minji", "minji.kim@busan.example", "pw", is_staff=True)
    response = client.post(reverse("admin_password_reset"), {"email": "minji.kim@busan.example"})
    assert response.status_code == 302
    assert response["Location"] == reverse("password_reset_done")
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["minji.kim@busan.example"]
    assert "/admin/password-reset/" in mail.outbox[0].body


def test_email_goes_to_the_console_with_debug_and_to_smtp_without():
    production = settings_in_a_fresh_process(
        "EMAIL_BACKEND EMAIL_HOST EMAIL_PORT EMAIL_USE_TLS DEFAULT_FROM_EMAIL",
        DJANGO_SECRET_KEY="x" * 50,
        EMAIL_HOST="smtp.busan.example",
        EMAIL_PORT="2525",
        DEFAULT_FROM_EMAIL="portal@busan.example",
    )
    assert production == [
        "django.core.mail.backends.smtp.EmailBackend",
        "smtp.busan.example",
        "2525",
        "True",
        "portal@busan.example",
    ]
    development = settings_in_a_fresh_process("EMAIL_BACKEND", DJANGO_DEBUG="1")
    assert development == ["django.core.mail.backends.console.EmailBackend"]
