"""Issue 19: the titles in upper case, indexed, for a broad search's exact-title tier.

A search asks whether a title is exactly the query with ``iexact``, which PostgreSQL compiles to
``UPPER("title_en"::text) = UPPER(…)``; the trigram indexes of 0003 answer it only by reading
every title they cannot rule out (11,000 rows for "robot" at 100,000 projects). B-tree indexes
on exactly that expression answer it with a lookup. Created with SQL on PostgreSQL, as in 0003,
so that the model state is the same on both databases (SQLite searches without them).
"""

from django.db import migrations

INDEXES = {"project_title_en_upper": "title_en", "project_title_ko_upper": "title_ko"}


def create_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, column in INDEXES.items():
        schema_editor.execute(
            f'CREATE INDEX IF NOT EXISTS "{name}" ON "projects_project" (UPPER("{column}"::text))'
        )


def drop_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name in INDEXES:
        schema_editor.execute(f'DROP INDEX IF EXISTS "{name}"')


class Migration(migrations.Migration):

    dependencies = [
        ("projects", "0013_i19_search_words"),
    ]

    operations = [
        migrations.RunPython(create_indexes, drop_indexes),
    ]
