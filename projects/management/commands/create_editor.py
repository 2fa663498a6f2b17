"""``python manage.py create_editor USERNAME EMAIL``: create an official's editor account.

The account is staff (it can sign in to the admin), is not a superuser, and belongs to the
``Editors`` group, which may edit portfolio content but not users, groups or permissions.

The password is typed at a prompt (twice, checked against the password rules). With
``--no-input`` the account gets no usable password; the command prints a one-time link where the
official sets one, when the site routes Django's password-reset confirmation page, and otherwise
says how an administrator can set it.
"""

import getpass
import sys

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.contrib.auth.password_validation import validate_password
from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.core.validators import validate_email
from django.db import transaction
from django.urls import NoReverseMatch, reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

#: Created by the migration projects/0002_editors_group.
EDITORS_GROUP = "Editors"
PASSWORD_ATTEMPTS = 3


class Command(BaseCommand):
    help = (
        "Create an editor account for a city official: staff, in the Editors group, "
        "not a superuser."
    )
    requires_migrations_checks = True
    stealth_options = ("stdin",)

    def add_arguments(self, parser):
        parser.add_argument("username", help="The login name of the new editor.")
        parser.add_argument("email", help="The editor's e-mail address.")
        parser.add_argument("--first-name", default="", help="Given name (optional).")
        parser.add_argument("--last-name", default="", help="Family name (optional).")
        parser.add_argument(
            "--no-input",
            "--noinput",
            action="store_false",
            dest="interactive",
            help="Do not prompt for a password; print a link where the editor sets one.",
        )
        parser.add_argument(
            "--base-url",
            default="",
            help="The portal's address (e.g. https://portal.example.org) to make the "
            "password link absolute.",
        )

    def handle(self, *args, **options):
        self.stdin = options.get("stdin", sys.stdin)
        User = get_user_model()
        username = options["username"].strip()
        email = options["email"].strip()
        self._check_new_account(User, username, email)
        try:
            group = Group.objects.get(name=EDITORS_GROUP)
        except Group.DoesNotExist:
            raise CommandError(
                f"The {EDITORS_GROUP} group does not exist. Run `python manage.py migrate` first."
            ) from None

        user = User(
            username=username,
            email=email,
            first_name=options["first_name"],
            last_name=options["last_name"],
            is_staff=True,
            is_superuser=False,
            is_active=True,
        )
        if options["interactive"]:
            if not (hasattr(self.stdin, "isatty") and self.stdin.isatty()):
                raise CommandError(
                    "Not running in a terminal, so the password cannot be typed. "
                    "Use --no-input to get a link where the editor sets it."
                )
            user.set_password(self._ask_password(user))
        else:
            user.set_unusable_password()

        with transaction.atomic():
            user.save()
            user.groups.add(group)

        self.stdout.write(
            self.style.SUCCESS(
                f"Created editor “{user.get_username()}” <{user.email}> in the "
                f"{EDITORS_GROUP} group."
            )
        )
        if not options["interactive"]:
            self._explain_password(user, options["base_url"])

    def _check_new_account(self, User, username, email):
        username_field = User._meta.get_field(User.USERNAME_FIELD)
        try:
            username_field.run_validators(username)
        except ValidationError as error:
            raise CommandError(f"Invalid username: {' '.join(error.messages)}") from None
        if not username:
            raise CommandError("The username cannot be blank.")
        try:
            validate_email(email)
        except ValidationError:
            raise CommandError(f"“{email}” is not a valid e-mail address.") from None
        if User._default_manager.filter(username__iexact=username).exists():
            raise CommandError(f"A user named “{username}” already exists.")
        if User._default_manager.filter(email__iexact=email).exists():
            # A second account on one address would make password resets ambiguous.
            raise CommandError(f"A user with the e-mail address {email} already exists.")

    def _ask_password(self, user):
        for _attempt in range(PASSWORD_ATTEMPTS):
            password = getpass.getpass("Password: ")
            if password != getpass.getpass("Password (again): "):
                self.stderr.write("The two passwords differ. Try again.")
                continue
            try:
                validate_password(password, user)
            except ValidationError as error:
                self.stderr.write("\n".join(error.messages))
                continue
            return password
        raise CommandError("No acceptable password was given; no account was created.")

    def _explain_password(self, user, base_url):
        try:
            path = reverse(
                "password_reset_confirm",
                kwargs={
                    "uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
                    "token": default_token_generator.make_token(user),
                },
            )
        except NoReverseMatch:
            self.stdout.write(
                "The account has no password yet and this site has no password-reset page. "
                "An administrator can set one with "
                f"`python manage.py changepassword {user.get_username()}`."
            )
            return
        self.stdout.write(
            "The account has no password yet. Send the editor this one-time link to set it "
            "(it stops working once used, or after the password-reset timeout):"
        )
        self.stdout.write(f"{base_url.rstrip('/')}{path}")
