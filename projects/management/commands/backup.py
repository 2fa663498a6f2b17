"""``python manage.py backup FILE``: a consistent copy of the whole database, taken while it runs.

PostgreSQL (production): ``pg_dump --format=custom`` of the default database, a consistent
snapshot taken without stopping the site, compressed; ``manage.py restore`` (``pg_restore``)
reads it. SQLite (the embedded default): SQLite's online backup API (Python's
``sqlite3.Connection.backup``), which copies the pages of a live database consistently, unlike a
file copy taken while a write is in progress. The file holds everything: the portfolio, its
history (django-simple-history), officials' accounts and sessions. Keep it as private as the
database. README "Backup and restore".
"""

import os
import sqlite3
import subprocess
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import DEFAULT_DB_ALIAS, connections


def postgres_arguments(settings: dict) -> tuple[list[str], dict]:
    """libpq's command-line arguments and environment for the database in ``settings``."""
    args = ["--dbname", settings["NAME"]]
    for option, key in (("--host", "HOST"), ("--port", "PORT"), ("--username", "USER")):
        if settings.get(key):
            args += [option, str(settings[key])]
    env = dict(os.environ)
    if settings.get("PASSWORD"):
        env["PGPASSWORD"] = settings["PASSWORD"]  # never on the command line, where ps shows it
    return args, env


def copy_sqlite(source_path, target_path):
    """Copy one SQLite database into another with SQLite's online backup (consistent even
    while the source is written to)."""
    source = sqlite3.connect(source_path)
    target = sqlite3.connect(target_path)
    try:
        with target:
            source.backup(target)
    finally:
        target.close()
        source.close()


def run_tool(command: list[str], env: dict):
    try:
        # The command is pg_dump/pg_restore with arguments from the settings, never user input.
        result = subprocess.run(  # noqa: S603
            command, env=env, capture_output=True, text=True, check=False
        )
    except FileNotFoundError as error:
        raise CommandError(f"{command[0]} is not installed (PostgreSQL's client tools)") from error
    if result.returncode:
        raise CommandError(f"{command[0]} failed:\n{result.stderr.strip()}")


class Command(BaseCommand):
    help = "Write a consistent backup of the database to FILE (pg_dump, or SQLite's backup API)."

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument("--database", default=DEFAULT_DB_ALIAS)

    def handle(self, *args, file: Path, database: str, **options):
        connection = connections[database]
        settings = connection.settings_dict
        if connection.vendor == "postgresql":
            arguments, env = postgres_arguments(settings)
            run_tool(["pg_dump", "--format=custom", "--file", str(file), *arguments], env)
        elif connection.vendor == "sqlite":
            copy_sqlite(settings["NAME"], file)
        else:
            raise CommandError(f"No backup method for {connection.vendor}")
        self.stdout.write(f"Backed up {connection.vendor} database to {file}")
