"""The full, unfiltered exports as files: built once per change, served with a Content-Length.

Streaming every project on each request ties a worker up for as long as the download takes, and
a worker timeout cut it short with a 200 status that looked complete (issue 19). The unfiltered
CSV and JSON are instead written to ``settings.PORTAL_EXPORT_DIR`` and served as files
(``FileResponse``: a ``Content-Length``, so a cut download is detectable, and no database work
while it is sent).

A file's name carries a fingerprint of what it was built from (``fingerprint``): the number of
published projects and their latest ``updated_at`` (every change to a project or its parts stamps
it, ``projects.signals``), every row of the tables a project's row quotes (a sector's name is in
every row of its projects, and renaming the sector stamps none of them), the language, the site
address its links start with and the export format's version. A request
for the full export looks for the file of the current fingerprint; when the portfolio has
changed, the CSV is rebuilt there and then, under a lock so that concurrent requests build it
once. The JSON writer (values queries through the API serializer's fields) is slower, about
2,500–6,000 rows a second on the benchmark machine against 4,000–10,000 for the CSV, so 100,000
projects take longer than a request should: its file is built by ``manage.py build_exports`` (run
it after imports or from a timer; at 100,000 projects run it for the CSV too), and until then the
JSON is streamed. Files are written to a temporary name and renamed, so a reader never sees half
a file.
"""

import fcntl
import hashlib
import os
import tempfile
from collections.abc import Iterable
from pathlib import Path

from django.conf import settings
from django.db.models import Count, Max, TextField, Value
from django.db.models.functions import Cast

from projects.models import Organisation, Place, Program, Project, Strategy
from sectors.models import Sector

#: Bump when the files' content changes shape, so that older files are not served.
FORMAT_VERSION = "2"
KINDS = ("csv", "json")


def quoted_models() -> list:
    """The tables whose text a project's row quotes beyond the project's own: the sectors, the
    program and its goal, the places and organisations. Saving one of their rows stamps no
    project, so the fingerprint reads them whole (they hold tens of rows, not thousands)."""
    return [Sector, Program, Strategy, Place, Organisation]


def quoted_digest() -> str:
    """A digest of every row of ``quoted_models``, every column as text, read in one query.

    Every column, not only those the exports show today: a column an export starts to show
    is then covered without anyone remembering to add it here."""
    models = quoted_models()
    width = max(len(model._meta.concrete_fields) for model in models)
    queries = []
    for model in models:
        names = [field.attname for field in model._meta.concrete_fields]
        columns = {"quoted_table": Value(model._meta.label_lower, output_field=TextField())}
        for position in range(width):
            columns[f"quoted_{position}"] = (
                Cast(names[position], TextField())
                if position < len(names)
                else Value("", output_field=TextField())
            )
        queries.append(model.objects.order_by().annotate(**columns).values_list(*columns))
    rows = queries[0].union(*queries[1:], all=True)
    # Sorted here: a union comes back in no particular order.
    text = "\n".join(sorted(repr(row) for row in rows))
    return hashlib.sha256(text.encode()).hexdigest()


def fingerprint(language: str, base_url: str) -> str:
    """What a full export depends on, hashed: the published portfolio's size and last change,
    and the rows of the tables its rows quote (two queries)."""
    facts = Project.objects.published().aggregate(count=Count("pk"), last=Max("updated_at"))
    parts = [FORMAT_VERSION, str(facts["count"]), str(facts["last"]), quoted_digest()]
    text = "|".join([*parts, language, base_url])
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def export_path(kind: str, language: str, base_url: str) -> Path:
    """Where the full export of the current portfolio is (or would be) kept."""
    name = f"busan-projects-{language}-{fingerprint(language, base_url)}.{kind}"
    return Path(settings.PORTAL_EXPORT_DIR) / name


def write_atomically(path: Path, chunks: Iterable[bytes]):
    """Write ``chunks`` to ``path``: to a temporary file first, renamed once complete, then
    remove the same export's older files."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".building-", suffix=path.suffix)
    try:
        with os.fdopen(handle, "wb") as out:
            for chunk in chunks:
                out.write(chunk)
            out.flush()
            os.fsync(out.fileno())
        os.chmod(temporary, 0o644)  # mkstemp makes it private; the files are public
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    prefix = path.name.rsplit("-", 1)[0] + "-"
    for older in path.parent.glob(f"{prefix}*{path.suffix}"):
        if older != path:
            older.unlink(missing_ok=True)


def ensure_built(path: Path, build) -> Path:
    """``path``, built with ``build()`` (an iterable of bytes) unless it exists; one process
    builds it while the others wait for it."""
    if path.exists():
        return path
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path.parent / f".{path.suffix[1:]}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not path.exists():  # another process may have built it while this one waited
            write_atomically(path, build())
    return path
