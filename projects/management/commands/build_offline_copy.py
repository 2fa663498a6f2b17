"""``manage.py build_offline_copy``: write the SQLite offline copy and its Datasette metadata.

The portal also rebuilds them by itself, once, on the first download after a change; this command
builds them ahead of time (after a deployment or an import), or into another directory.
"""

from pathlib import Path
from urllib.parse import urlsplit

from django.conf import settings
from django.core.management.base import BaseCommand
from django.test import RequestFactory

from busanportal.cache import current_content_version
from projects.datapackage import build_offline_copy, exclusive, snapshot_paths


class Command(BaseCommand):
    help = "Build busan-portal.sqlite3 and busan-portal.metadata.json from the published data."

    def add_arguments(self, parser):
        parser.add_argument(
            "--output",
            type=Path,
            default=None,
            help="Directory to write to (default: the PORTAL_DATA_DIR setting).",
        )
        parser.add_argument(
            "--base-url",
            default=f"https://{settings.ALLOWED_HOSTS[0]}" if settings.ALLOWED_HOSTS else "",
            help="The portal's address, for the page links in the data "
            "(default: https:// and the first of ALLOWED_HOSTS).",
        )

    def handle(self, *args, output, base_url, **options):
        parts = urlsplit(base_url or "http://localhost")
        request = RequestFactory().get("/", HTTP_HOST=parts.netloc, secure=parts.scheme == "https")
        paths = snapshot_paths(output)
        with exclusive(paths["lock"]):
            # Built under the current content version: the site serves it until the next change.
            version = current_content_version() if output is None else None
            build_offline_copy(request, output, version=version)
        self.stdout.write(f"Wrote {paths['sqlite']} and {paths['metadata']}")
