"""Issue 19: the dictionary of search words a misspelt word is corrected against.

``SearchWord`` holds every word of four characters or more of the projects' search texts
(``projects.search.text_words``); this migration fills it from the existing projects. On
PostgreSQL with ``pg_trgm`` (0003) a GIN trigram index on the word answers the similarity
operators (``<%``); it is created with SQL, as in 0003 and 0009, so that the model state is the same
on both databases.
"""

from django.db import migrations, models

TRIGRAM_INDEX = "searchword_word_trgm"


def fill_search_words(apps, schema_editor):
    from projects.search import text_words

    using = schema_editor.connection.alias
    Project = apps.get_model("projects", "Project")
    SearchWord = apps.get_model("projects", "SearchWord")
    words = set()
    for text in Project.objects.using(using).values_list("search_text", flat=True).iterator():
        words |= text_words(text)
    SearchWord.objects.using(using).bulk_create(
        (SearchWord(word=word) for word in sorted(words)), ignore_conflicts=True, batch_size=1000
    )


def create_trigram_index(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    with schema_editor.connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_extension WHERE extname = 'pg_trgm'")
        if cursor.fetchone() is None:
            return
    schema_editor.execute(
        f'CREATE INDEX IF NOT EXISTS "{TRIGRAM_INDEX}" ON "projects_searchword" '
        'USING gin ("word" gin_trgm_ops)'
    )


def drop_trigram_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f'DROP INDEX IF EXISTS "{TRIGRAM_INDEX}"')


class Migration(migrations.Migration):

    dependencies = [
        ("projects", "0012_i19_timeline_order"),
    ]

    operations = [
        migrations.CreateModel(
            name="SearchWord",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("word", models.CharField(max_length=100, unique=True, verbose_name="word")),
            ],
            options={
                "verbose_name": "search word (derived)",
                "verbose_name_plural": "search words (derived)",
            },
        ),
        migrations.RunPython(fill_search_words, migrations.RunPython.noop, elidable=True),
        migrations.RunPython(create_trigram_index, drop_trigram_index),
    ]
