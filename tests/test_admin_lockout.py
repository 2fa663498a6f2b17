"""Admin sign-in protection: django-axes locks a username and address pair after 5 failures.

The cool-off is moved forward by ageing the recorded attempts in the database, which is exactly
what the passing of an hour does to them; no clock is frozen.
"""

from datetime import timedelta

import pytest
from axes.models import AccessAttempt, AccessFailureLog
from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.test import RequestFactory

from busanportal.middleware import client_ip

PASSWORD = "correct-horse-battery-42"
LOGIN = "/admin/login/?next=/admin/"


@pytest.fixture
def official(db):
    return get_user_model().objects.create_superuser("official", "o@example.org", PASSWORD)


def sign_in(client, password, username="official", ip="203.0.113.7", **headers):
    return client.post(
        LOGIN, {"username": username, "password": password}, REMOTE_ADDR=ip, headers=headers
    )


def fail_five_times(client, **kwargs):
    for attempt in range(5):
        response = sign_in(client, f"wrong-{attempt}", **kwargs)
        assert response.status_code in (200, 429)
    return response


def is_signed_in(client) -> bool:
    return client.get("/admin/").status_code == 200


def test_four_failures_still_allow_the_right_password(client, official):
    for attempt in range(4):
        assert sign_in(client, f"wrong-{attempt}").status_code == 200
    response = sign_in(client, PASSWORD)
    assert response.status_code == 302
    assert is_signed_in(client)


def test_the_fifth_failure_locks_the_account_for_that_address(client, official):
    response = fail_five_times(client)
    assert response.status_code == 429
    assert AccessAttempt.objects.get(username="official").failures_since_start == 5


def test_after_the_lockout_the_right_password_is_refused(client, official):
    fail_five_times(client)
    response = sign_in(client, PASSWORD)
    assert response.status_code == 429
    assert not is_signed_in(client)


def test_every_failure_is_kept_for_the_record(client, official):
    sign_in(client, "wrong", ip="198.51.100.66")
    failure = AccessFailureLog.objects.get()
    assert (failure.username, failure.ip_address) == ("official", "198.51.100.66")


def test_the_lockout_page_explains_what_happened_and_when_to_retry(client, official):
    fail_five_times(client)
    response = sign_in(client, PASSWORD)
    html = response.content.decode()
    assert "Sign-in is paused for this account" in html
    assert "There were 5 failed sign-in attempts" in html
    assert "You can try again in 1\xa0hour" in html
    assert "contact a portal administrator" in html
    assert response["Retry-After"] == "3600"
    assert "max-age=" not in response.get("Cache-Control", "")


def test_the_lockout_page_is_in_the_site_design_and_under_the_csp(client, official):
    fail_five_times(client)
    response = sign_in(client, PASSWORD)
    assert '<a class="skip-link" href="#main">' in response.content.decode()
    assert "default-src 'self'" in response["Content-Security-Policy"]


def test_after_the_cool_off_the_right_password_works_again(client, official):
    fail_five_times(client)
    AccessAttempt.objects.update(
        attempt_time=AccessAttempt.objects.get().attempt_time - timedelta(minutes=61)
    )
    response = sign_in(client, PASSWORD)
    assert response.status_code == 302
    assert is_signed_in(client)


def test_fifty_nine_minutes_are_not_enough(client, official):
    fail_five_times(client)
    AccessAttempt.objects.update(
        attempt_time=AccessAttempt.objects.get().attempt_time - timedelta(minutes=59)
    )
    assert sign_in(client, PASSWORD).status_code == 429


def test_a_success_resets_the_count(client, official):
    for attempt in range(4):
        sign_in(client, f"wrong-{attempt}")
    assert sign_in(client, PASSWORD).status_code == 302
    client.logout()
    for attempt in range(4):
        sign_in(client, f"wrong-again-{attempt}")
    assert sign_in(client, PASSWORD).status_code == 302


def test_the_lock_holds_the_pair_not_the_username_everywhere(client, official):
    """Someone guessing from one address cannot lock the official out from the office."""
    fail_five_times(client, ip="198.51.100.66")
    assert sign_in(client, PASSWORD, ip="203.0.113.7").status_code == 302


def test_the_lock_holds_the_pair_not_the_whole_address(client, official):
    get_user_model().objects.create_superuser("colleague", "c@example.org", PASSWORD)
    fail_five_times(client)
    assert sign_in(client, PASSWORD, username="colleague").status_code == 302


def test_a_forged_forwarded_for_header_does_not_escape_the_lock(client, official):
    """With no proxy configured, X-Forwarded-For is the client's own claim and is ignored."""
    for attempt in range(5):
        sign_in(client, f"wrong-{attempt}", x_forwarded_for=f"192.0.2.{attempt}")
    response = sign_in(client, PASSWORD, x_forwarded_for="192.0.2.200")
    assert response.status_code == 429


def test_an_administrator_lifts_a_lockout_with_axes_reset_username(client, official):
    fail_five_times(client)
    call_command("axes_reset_username", "official", stdout=open("/dev/null", "w"))  # noqa: SIM115
    response = sign_in(client, PASSWORD)
    assert response.status_code == 302


def test_an_administrator_lifts_a_lockout_by_deleting_the_attempt_in_the_admin(
    client, official, admin_client
):
    fail_five_times(client)
    attempt = AccessAttempt.objects.get(username="official")
    response = admin_client.post(f"/admin/axes/accessattempt/{attempt.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    assert not AccessAttempt.objects.filter(username="official").exists()
    assert sign_in(client, PASSWORD).status_code == 302


# --- The client address -------------------------------------------------------------------


def request_from(remote_addr, forwarded_for=None):
    headers = {"x-forwarded-for": forwarded_for} if forwarded_for else {}
    return RequestFactory().get("/", REMOTE_ADDR=remote_addr, headers=headers)


def test_without_a_proxy_the_socket_address_is_the_client(settings):
    settings.TRUSTED_PROXY_COUNT = 0
    assert client_ip(request_from("203.0.113.7", "192.0.2.1")) == "203.0.113.7"


def test_behind_one_proxy_the_address_it_saw_is_the_client(settings):
    settings.TRUSTED_PROXY_COUNT = 1
    # The client forged the first entry; the proxy appended the real address last.
    request = request_from("10.0.0.2", "192.0.2.1, 203.0.113.7")
    assert client_ip(request) == "203.0.113.7"


def test_behind_two_proxies_the_outer_proxy_entry_is_the_client(settings):
    settings.TRUSTED_PROXY_COUNT = 2
    request = request_from("10.0.0.3", "192.0.2.1, 203.0.113.7, 10.0.0.2")
    assert client_ip(request) == "203.0.113.7"


def test_a_request_that_bypassed_the_proxy_falls_back_to_the_socket(settings):
    settings.TRUSTED_PROXY_COUNT = 2
    assert client_ip(request_from("10.0.0.3", "203.0.113.7")) == "10.0.0.3"


def test_behind_a_proxy_the_lock_follows_the_forwarded_address(client, official, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    fail_five_times(client, ip="10.0.0.2", x_forwarded_for="203.0.113.7")
    locked = sign_in(client, PASSWORD, ip="10.0.0.2", x_forwarded_for="203.0.113.7")
    other_visitor = sign_in(client, PASSWORD, ip="10.0.0.2", x_forwarded_for="198.51.100.9")
    assert (locked.status_code, other_visitor.status_code) == (429, 302)


# --- Passwords ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("password", "message"),
    [
        ("Sh0rt-pass!", "at least 12 characters"),
        ("password1234", "too common"),
        ("839204718264", "entirely numeric"),
    ],
)
def test_weak_passwords_are_refused(password, message):
    with pytest.raises(ValidationError) as error:
        validate_password(password)
    assert any(message in text for text in error.value.messages)


def test_a_long_uncommon_password_is_accepted():
    assert validate_password("harbour-crane-at-dawn-1876") is None
