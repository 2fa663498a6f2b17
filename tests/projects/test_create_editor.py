"""``manage.py create_editor``: how an administrator adds a city official."""

import io
import sys

import pytest
from django.contrib.auth.models import User
from django.core.management import CommandError, call_command
from django.urls import reverse

pytestmark = pytest.mark.django_db

PASSWORD = "harbour-cranes-at-dawn-42"


class Terminal(io.StringIO):
    """Standard input that says it is a terminal, as when an administrator runs the command."""

    def isatty(self):
        return True


@pytest.fixture
def typed_passwords(monkeypatch):
    """Answer the password prompts with the given strings, in order."""

    def answer(*passwords):
        replies = iter(passwords)
        monkeypatch.setattr("getpass.getpass", lambda prompt="": next(replies))

    return answer


def create_editor(*args, **options):
    out, err = io.StringIO(), io.StringIO()
    call_command("create_editor", *args, stdout=out, stderr=err, **options)
    return out.getvalue(), err.getvalue()


def test_the_editor_is_staff_in_the_editors_group_and_not_a_superuser(typed_passwords):
    typed_passwords(PASSWORD, PASSWORD)
    create_editor("kim.official", "kim@busan.example", stdin=Terminal())
    user = User.objects.get(username="kim.official")
    assert (user.email, user.is_staff, user.is_superuser, user.is_active) == (
        "kim@busan.example",
        True,
        False,
        True,
    )
    assert list(user.groups.values_list("name", flat=True)) == ["Editors"]


def test_the_typed_password_signs_the_editor_in(client, typed_passwords):
    typed_passwords(PASSWORD, PASSWORD)
    create_editor("kim.official", "kim@busan.example", stdin=Terminal())
    response = client.post(
        reverse("admin:login"),
        {"username": "kim.official", "password": PASSWORD, "next": reverse("admin:index")},
    )
    assert response.status_code == 302
    assert response.url == reverse("admin:index")


def test_a_new_editor_can_open_the_projects_but_not_the_users(client, typed_passwords):
    typed_passwords(PASSWORD, PASSWORD)
    create_editor("kim.official", "kim@busan.example", stdin=Terminal())
    client.force_login(User.objects.get(username="kim.official"))
    assert client.get(reverse("admin:projects_project_changelist")).status_code == 200
    assert client.get(reverse("admin:auth_user_changelist")).status_code == 403


def test_a_weak_password_is_refused_and_asked_again(typed_passwords):
    typed_passwords("1234", "1234", PASSWORD, PASSWORD)
    _, err = create_editor("kim.official", "kim@busan.example", stdin=Terminal())
    assert "This password is too short" in err
    assert User.objects.get(username="kim.official").check_password(PASSWORD)


def test_two_different_passwords_are_asked_again(typed_passwords):
    typed_passwords(PASSWORD, "something-else-42", PASSWORD, PASSWORD)
    _, err = create_editor("kim.official", "kim@busan.example", stdin=Terminal())
    assert "The two passwords differ" in err
    assert User.objects.filter(username="kim.official").exists()


def test_three_refused_passwords_create_no_account(typed_passwords):
    typed_passwords(*["short"] * 6)
    with pytest.raises(CommandError, match="no account was created"):
        create_editor("kim.official", "kim@busan.example", stdin=Terminal())
    assert not User.objects.filter(username="kim.official").exists()


def test_without_a_terminal_the_command_asks_for_no_input_instead(monkeypatch):
    monkeypatch.setattr(sys, "stdin", io.StringIO())
    with pytest.raises(CommandError, match="--no-input"):
        create_editor("kim.official", "kim@busan.example")
    assert not User.objects.filter(username="kim.official").exists()


def test_no_input_creates_an_account_without_a_usable_password():
    create_editor("kim.official", "kim@busan.example", interactive=False)
    assert not User.objects.get(username="kim.official").has_usable_password()


def test_no_input_prints_a_reset_link_on_the_admin(client):
    out, _ = create_editor(
        "kim.official", "kim@busan.example", interactive=False, base_url="https://portal.test/"
    )
    assert "https://portal.test/admin/password-reset/" in out


def test_no_input_prints_a_reset_link_that_lets_the_editor_set_a_password(client):
    out, _ = create_editor(
        "kim.official", "kim@busan.example", interactive=False, base_url="https://portal.test/"
    )
    link = next(line for line in out.splitlines() if line.startswith("https://portal.test/"))
    form_page = client.get(link.removeprefix("https://portal.test"), follow=True)
    assert form_page.context["validlink"] is True
    client.post(
        form_page.redirect_chain[-1][0],
        {"new_password1": PASSWORD, "new_password2": PASSWORD},
    )
    assert User.objects.get(username="kim.official").check_password(PASSWORD)


def test_an_existing_username_is_refused():
    User.objects.create_user("kim.official", "other@busan.example")
    with pytest.raises(CommandError, match="already exists"):
        create_editor("Kim.Official", "kim@busan.example", interactive=False)


def test_an_existing_email_is_refused():
    User.objects.create_user("someone", "kim@busan.example")
    with pytest.raises(CommandError, match="already exists"):
        create_editor("kim.official", "KIM@busan.example", interactive=False)


def test_an_invalid_email_is_refused():
    with pytest.raises(CommandError, match="not a valid e-mail address"):
        create_editor("kim.official", "kim-at-busan", interactive=False)
    assert not User.objects.filter(username="kim.official").exists()


def test_an_invalid_username_is_refused():
    with pytest.raises(CommandError, match="Invalid username"):
        create_editor("kim official!", "kim@busan.example", interactive=False)
