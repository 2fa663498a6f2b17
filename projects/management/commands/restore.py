"""``python manage.py restore FILE``: load a backup written by ``manage.py backup``.

Restores into the database the settings name (``DATABASE_URL``), which should be a fresh, empty
one: PostgreSQL with ``pg_restore --clean --if-exists --no-owner`` (so a restore over an existing
copy replaces it, and the objects belong to the role that restores), SQLite by SQLite's backup
API from the file into the database file. Refuses to overwrite a database that holds data unless
``--replace`` is given.
"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import DEFAULT_DB_ALIAS, connections

from projects.management.commands.backup import copy_sqlite, postgres_arguments, run_tool


class Command(BaseCommand):
    help = "Restore a backup written by `manage.py backup` into the configured database."

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument("--database", default=DEFAULT_DB_ALIAS)
        parser.add_argument(
            "--replace", action="store_true", help="Overwrite a database that already has tables."
        )

    def handle(self, *args, file: Path, database: str, replace: bool, **options):
        if not file.exists():
            raise CommandError(f"{file} does not exist")
        connection = connections[database]
        if connection.introspection.table_names() and not replace:
            raise CommandError(
                "The database already has tables; restore into a fresh one, or pass --replace."
            )
        settings = connection.settings_dict
        if connection.vendor == "postgresql":
            connection.close()
            arguments, env = postgres_arguments(settings)
            run_tool(
                [
                    "pg_restore",
                    *("--clean", "--if-exists", "--no-owner", "--no-privileges"),
                    "--exit-on-error",
                    *arguments,
                    str(file),
                ],
                env,
            )
        elif connection.vendor == "sqlite":
            connection.close()
            copy_sqlite(file, settings["NAME"])
        else:
            raise CommandError(f"No restore method for {connection.vendor}")
        self.stdout.write(f"Restored {file} into the {connection.vendor} database")
