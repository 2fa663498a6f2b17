"""Create the ``Editors`` group: officials who keep the portfolio current in the admin.

Editors may add, change, delete and view portfolio content, and view its history; they get no
permission on users, groups or permissions, so they cannot grant themselves more.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

EDITORS_GROUP = "Editors"

# (app label, model name, actions)
EDITOR_PERMISSIONS = [
    ("projects", model, ("add", "change", "delete", "view"))
    for model in (
        "project",
        "phase",
        "budget",
        "quantity",
        "strategy",
        "program",
        "place",
        "organisation",
        "sourcedocument",
    )
] + [
    ("sectors", "sector", ("add", "change", "delete", "view")),
    ("projects", "historicalproject", ("view",)),
    ("projects", "historicalphase", ("view",)),
    ("projects", "historicalbudget", ("view",)),
]


def create_editors_group(apps, schema_editor):
    using = schema_editor.connection.alias
    # Permissions are normally created after `migrate` finishes; on a fresh database they do
    # not exist yet, so create them now (this is what the post_migrate handler would do).
    for label in ("projects", "sectors"):
        app_config = apps.get_app_config(label)
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0, using=using)
        app_config.models_module = None

    ContentType = apps.get_model("contenttypes", "ContentType")
    Permission = apps.get_model("auth", "Permission")
    Group = apps.get_model("auth", "Group")

    permissions = []
    for app_label, model, actions in EDITOR_PERMISSIONS:
        content_type = ContentType.objects.db_manager(using).get(app_label=app_label, model=model)
        for action in actions:
            permissions.append(
                Permission.objects.db_manager(using).get(
                    content_type=content_type, codename=f"{action}_{model}"
                )
            )
    group, _ = Group.objects.using(using).get_or_create(name=EDITORS_GROUP)
    group.permissions.add(*permissions)


def delete_editors_group(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Group.objects.using(schema_editor.connection.alias).filter(name=EDITORS_GROUP).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("projects", "0001_initial"),
        ("sectors", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [
        migrations.RunPython(create_editors_group, delete_editors_group),
    ]
