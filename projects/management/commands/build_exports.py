"""Build the full exports (CSV and JSON, English and Korean) as files for the current portfolio.

Each file is written with its row index, from which the filtered exports are copied
(projects/export_files.py). The site rebuilds the CSV itself on the first full download after a
change, and starts this command in the background (``--nice``) for a file that a filtered export
or the full JSON download finds stale. Until the files of the current portfolio are built,
filtered exports are written from the database, several times slower. Run after an import and
from a timer, so that the files are current before anyone asks::

    manage.py build_exports --base-url https://projects.busan.go.kr
"""

import os
import time
from functools import partial

from django.core.management.base import BaseCommand
from django.test import RequestFactory
from django.utils import translation

from projects import export, export_files
from projects.api import api_projects


class Command(BaseCommand):
    help = "Build the full CSV and JSON exports as files (projects/export_files.py)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--base-url",
            default="http://127.0.0.1",
            help="The site's address, which every project link in the files starts with.",
        )
        parser.add_argument("--languages", nargs="+", default=["en", "ko"])
        parser.add_argument(
            "--kinds", nargs="+", choices=export_files.KINDS, default=list(export_files.KINDS)
        )

        parser.add_argument(
            "--nice",
            action="store_true",
            help="Run at a lower priority (a build started by the site in the background).",
        )

    def handle(self, base_url, languages, kinds, nice, **options):
        if nice:
            os.nice(10)  # the site's requests come first
        scheme, _, host = base_url.rstrip("/").partition("://")
        request = RequestFactory().get("/", secure=scheme == "https", HTTP_HOST=host)
        for language in languages:
            with translation.override(language):
                root = export.site_root(request)
                builders = {"csv": export.csv_parts, "json": export.json_parts}
                for kind in kinds:
                    write = builders[kind]
                    started = time.perf_counter()
                    locate = partial(export_files.export_path, kind, language, root)
                    path = export_files.ensure_built(
                        locate(), partial(write, api_projects(), request, language), locate
                    )
                    self.stdout.write(
                        f"{path} ({path.stat().st_size:,} bytes, "
                        f"{time.perf_counter() - started:.1f} s)"
                    )
