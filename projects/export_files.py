"""The full, unfiltered exports as files: built once per change, served with a Content-Length.

Streaming every project on each request ties a worker up for as long as the download takes, and
a worker timeout cut it short with a 200 status that looked complete (issue 19). The unfiltered
CSV and JSON are instead written to ``settings.PORTAL_EXPORT_DIR`` and served as files
(``FileResponse``: a ``Content-Length``, so a cut download is detectable, and no database work
while it is sent).

A file's name carries a fingerprint of what it was built from: the number of projects, the
latest ``updated_at`` (every change to a project or its parts stamps it, ``projects.signals``),
the language, the site address its links start with and the export format's version. A request
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
from django.db.models import Count, Max

from projects.models import Project

#: Bump when the files' content changes shape, so that older files are not served.
FORMAT_VERSION = "2"
KINDS = ("csv", "json")


def fingerprint(language: str, base_url: str) -> str:
    """What a full export depends on, hashed: the published portfolio's size and last change."""
    facts = Project.objects.published().aggregate(count=Count("pk"), last=Max("updated_at"))
    text = "|".join([FORMAT_VERSION, str(facts["count"]), str(facts["last"]), language, base_url])
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
