"""Trigram indexes for the ``q`` search on PostgreSQL (issue 10).

``ProjectQuerySet.matching`` asks ``icontains`` of five columns, which PostgreSQL runs as
``UPPER(column::text) LIKE UPPER('%word%')``. No B-tree index can answer a pattern with a leading
wildcard, so at 10,000 projects every search (and every facet count of a search) read and
upper-cased every row: 50-140 ms per query, five queries per page. A GIN index of the trigrams
of exactly that expression (``pg_trgm``) turns each into a bitmap index scan of a few ms, for
English and Korean words alike. EXPLAIN ANALYZE before and after: benchmarks/README.md.

The indexes are created with SQL rather than declared in ``Project.Meta.indexes``: they are
PostgreSQL-only (SQLite has no GIN), and this keeps the model state, and so ``makemigrations``,
the same on both databases. On SQLite this migration does nothing. Where the database role may
not create the ``pg_trgm`` extension, the migration says so and leaves search unindexed (slower,
never wrong); a superuser can then run ``CREATE EXTENSION pg_trgm`` and migrate again after
``migrate projects 0002``.
"""

from django.db import migrations, transaction

#: The columns ``Project.objects.matching`` searches.
SEARCHED_COLUMNS = ("title_en", "title_ko", "summary_en", "summary_ko", "source_text")


def index_name(column):
    return f"project_{column}_trgm"


def create_search_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    try:
        with transaction.atomic(using=schema_editor.connection.alias):
            schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    except Exception as error:  # insufficient privilege: search still works, unindexed
        print(f"\n  pg_trgm is not available ({error}); the q search stays unindexed.")
        return
    for column in SEARCHED_COLUMNS:
        # The expression must be the one Django's icontains produces, or the index is not used.
        schema_editor.execute(
            f'CREATE INDEX IF NOT EXISTS "{index_name(column)}" ON "projects_project" '
            f'USING gin ((UPPER("{column}"::text)) gin_trgm_ops)'
        )


def drop_search_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for column in SEARCHED_COLUMNS:
        schema_editor.execute(f'DROP INDEX IF EXISTS "{index_name(column)}"')


class Migration(migrations.Migration):
    dependencies = [
        ("projects", "0002_editors_group"),
    ]

    operations = [
        migrations.RunPython(create_search_indexes, drop_search_indexes, elidable=False),
    ]
