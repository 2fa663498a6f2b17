"""``python manage.py load_document [FIXTURE]``: load the source document, keeping the city's edits.

Inserts every row of the document (``fixtures/busan.json`` by default) that the database lacks,
updates rows that only the document has ever written, and leaves every row an official has
changed or deleted as it is, listing them (projects/document.py). ``make migrate`` and ``make
run`` run it, so that restarting the site never undoes an edit.
"""

from django.core.management.base import BaseCommand, CommandError

from projects.document import load_document


class Command(BaseCommand):
    help = (
        "Load the source document: insert what is missing, leave every row an official has "
        "changed as it is, and say which rows were left alone."
    )
    requires_migrations_checks = True

    def add_arguments(self, parser):
        parser.add_argument(
            "fixture",
            nargs="?",
            default="busan",
            help="Fixture name in FIXTURE_DIRS or a .json path (default: busan).",
        )

    def handle(self, *args, fixture, verbosity, **options):
        try:
            report = load_document(fixture)
        except FileNotFoundError:
            raise CommandError(f"No fixture named {fixture!r} in FIXTURE_DIRS.") from None
        self.stdout.write(
            f"Source document {fixture}: {len(report.inserted)} rows inserted, "
            f"{len(report.updated)} updated from the revised document, "
            f"{len(report.unchanged)} unchanged, {len(report.left_alone)} left alone."
        )
        if verbosity >= 2:
            for label in report.inserted:
                self.stdout.write(f"  inserted {label}")
            for label in report.updated:
                self.stdout.write(f"  updated {label}")
        if report.left_alone:
            self.stdout.write("Left as they are (the city's edits are never overwritten):")
            for entry in report.left_alone:
                self.stdout.write(f"  {entry}")
