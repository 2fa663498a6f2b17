"""Issue 16: the search text, related projects and readers' problem reports.

``Project.search_text`` holds every name a project is found by (see ``projects.search``); this
migration fills it for the existing projects. On PostgreSQL it adds two GIN indexes on it: the
trigrams of the column (for the substring ``LIKE`` and the ``<%`` word similarity the search
asks) and the English full-text vector, built with the very expression
``SearchVector("search_text", config="english")`` compiles to, so that the planner uses it. As
in 0003 they are created with SQL, so that the model state stays the same on both databases; if
``pg_trgm`` is missing (0003 says why) only the full-text index is created.
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


TRIGRAM_INDEX = "project_search_text_trgm"
FULL_TEXT_INDEX = "project_search_text_fts"


def fill_search_text(apps, schema_editor):
    from projects.search import build_search_text

    Project = apps.get_model("projects", "Project")
    rows = Project.objects.using(schema_editor.connection.alias).select_related(
        "program__strategy"
    ).prefetch_related("sectors", "places", "organisations")
    for project in rows:
        project.search_text = build_search_text(project)
        project.save(update_fields=["search_text"])


def create_search_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    with schema_editor.connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_extension WHERE extname = 'pg_trgm'")
        has_trigrams = cursor.fetchone() is not None
    if has_trigrams:
        schema_editor.execute(
            f'CREATE INDEX IF NOT EXISTS "{TRIGRAM_INDEX}" ON "projects_project" '
            'USING gin ("search_text" gin_trgm_ops)'
        )
    schema_editor.execute(
        f'CREATE INDEX IF NOT EXISTS "{FULL_TEXT_INDEX}" ON "projects_project" USING gin '
        "((to_tsvector('english'::regconfig, COALESCE(\"search_text\", ''))))"
    )


def drop_search_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name in (TRIGRAM_INDEX, FULL_TEXT_INDEX):
        schema_editor.execute(f'DROP INDEX IF EXISTS "{name}"')

def let_editors_handle_reports(apps, schema_editor):
    """Editors see, resolve and delete readers' reports (they do not write reports)."""
    from django.contrib.auth.management import create_permissions

    using = schema_editor.connection.alias
    app_config = apps.get_app_config("projects")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0, using=using)
    app_config.models_module = None
    ContentType = apps.get_model("contenttypes", "ContentType")
    Permission = apps.get_model("auth", "Permission")
    Group = apps.get_model("auth", "Group")
    content_type = ContentType.objects.db_manager(using).get(
        app_label="projects", model="problemreport"
    )
    permissions = Permission.objects.db_manager(using).filter(
        content_type=content_type,
        codename__in=[f"{action}_problemreport" for action in ("view", "change", "delete")],
    )
    group, _ = Group.objects.using(using).get_or_create(name="Editors")
    group.permissions.add(*permissions)


class Migration(migrations.Migration):

    dependencies = [
        ('projects', '0008_i15_versions'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name='project',
            name='related',
            field=models.ManyToManyField(blank=True, help_text='Entries of the plan that name the same undertaking (e.g. a highlight and the bullet that dates it). The link shows on both pages.', to='projects.project', verbose_name='related projects'),
        ),
        migrations.AddField(
            model_name='project',
            name='search_text',
            field=models.TextField(blank=True, editable=False, help_text='Every name the search matches, in both languages, normalised.', verbose_name='search text'),
        ),
        migrations.CreateModel(
            name='ProblemReport',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('description', models.TextField(max_length=2000, verbose_name='what is wrong')),
                ('email', models.EmailField(blank=True, max_length=254, verbose_name='e-mail address')),
                ('status', models.CharField(choices=[('new', 'New'), ('resolved', 'Resolved'), ('rejected', 'Rejected')], default='new', max_length=20, verbose_name='status')),
                ('resolution_note', models.TextField(blank=True, help_text='For officials: what was checked and what, if anything, was changed.', verbose_name='resolution note')),
                ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='received')),
                ('resolved_at', models.DateTimeField(blank=True, null=True, verbose_name='resolved')),
                ('project', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='problem_reports', to='projects.project', verbose_name='project')),
                ('resolved_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='resolved by')),
                ('resolved_change', models.ForeignKey(blank=True, help_text='The version of the project that corrected the error, if the report led to a change. The change log then shows it as a correction reported by a reader.', null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to='projects.historicalproject', verbose_name='change made')),
            ],
            options={
                'verbose_name': 'problem report',
                'verbose_name_plural': 'problem reports',
                'ordering': ['-created_at'],
                'indexes': [models.Index(fields=['status', 'created_at'], name='problemreport_status')],
                'constraints': [models.CheckConstraint(condition=models.Q(('resolved_change__isnull', True), ('status', 'resolved'), _connector='OR'), name='problemreport_change_only_when_resolved')],
            },
        ),
        migrations.RunPython(fill_search_text, migrations.RunPython.noop, elidable=True),
        migrations.RunPython(create_search_indexes, drop_search_indexes, elidable=False),
        migrations.RunPython(let_editors_handle_reports, migrations.RunPython.noop),
    ]
