"""The full, unfiltered exports as files: built once per change, served with a Content-Length;
and the filtered exports copied out of them, row by row, through an index.

Streaming every project on each request ties a worker up for as long as the download takes, and
a worker timeout cut it short with a 200 status that looked complete (issue 19). The unfiltered
CSV and JSON are instead written to ``settings.PORTAL_EXPORT_DIR`` and served as files
(``FileResponse``: a ``Content-Length``, so a cut download is detectable, and no database work
while it is sent).

A file's name carries a fingerprint of what it was built from (``fingerprint``): the number of
published projects and their latest ``updated_at`` (every change to a project or its parts stamps
it, ``projects.signals``), every row of the tables a project's row quotes (a sector's name is in
every row of its projects, and renaming the sector stamps none of them), the language, the site
address its links start with and the export format's version. A request for the full export
looks for the file of the current fingerprint; when the portfolio has changed, the CSV is
rebuilt there and then, under a lock so that concurrent requests build it once. The JSON writer
is slower (it gives each value through the API serializer's fields), so 100,000 projects take
longer than a request should: its file is built in the background (``build_in_background``, a
``manage.py build_exports`` process started by the first request that finds it missing) or by
``build_exports`` run after imports or from a timer, and until then the JSON is streamed. A
filtered export that finds its file stale starts the same background build. Files are written to
a temporary name and renamed, so a reader never sees half a file.

Beside each file is its row index (``<file>.index``, written in the same build): for every
project, where its row (CSV) or its record (JSON) starts in the file and how long it is. A
filtered export reads the filter's ids in order (one narrow query) and, when the current file
and its index are there, sends its own head and then each project's bytes copied from the file
(``copied_from_file``): no row is built again, which is what kept filtered exports at a few
thousand rows a second. The bytes are the ones the slow path writes, since the file was written
by the same code.
"""

import bisect
import fcntl
import hashlib
import logging
import os
import subprocess
import sys
import tempfile
import threading
import time
from array import array
from collections.abc import Iterable, Iterator
from pathlib import Path

from django.conf import settings
from django.core.cache import cache
from django.db.models import Max, TextField, Value
from django.db.models.functions import Cast

from projects.models import Organisation, Place, Program, Project, Strategy
from sectors.models import Sector

logger = logging.getLogger(__name__)

#: Bump when the files' content changes shape, so that older files are not served.
FORMAT_VERSION = "3"
KINDS = ("csv", "json")

#: One piece of an export as its writers give it: (the project whose row or record the bytes
#: are, or None for the bytes around and between them, such as the header; the bytes).
Part = tuple[int | None, bytes]

INDEX_SUFFIX = ".index"
# The index: a header of int64s (this mark, the data file's size, the number of projects), then
# the project ids in ascending order, their records' offsets and their lengths (int64 columns in
# the machine's byte order: an index is read on the host that wrote it).
INDEX_MARK = int.from_bytes(b"BPXIDX01", "little")
INDEX_HEADER = 3
# Rows copied from the file per chunk of a filtered export's stream (about 1 MB of CSV).
ROWS_PER_CHUNK = 1000


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
    and the rows of the tables its rows quote (three queries).

    Not seen: a change that stamps no project and touches none of those tables, such as a
    project's sectors, places or related projects set without saving the project (the admin
    and the importer save it; a shell need not), or a ``QuerySet.update()`` of a project that
    leaves ``updated_at`` as it was. Delete the files after such a change.

    The page cache's content version (``busanportal.cache``) would see every change, but it
    lives in the cache: per process without Redis (a ``build_exports`` run would build files
    no worker asks for, and a restarted worker would rebuild them), and unreadable while Redis
    is down (a new version on each request, so a rebuild of the full CSV on each download)."""
    published = Project.objects.published().order_by()
    # Two queries, not one aggregate of both: apart, PostgreSQL counts from an index of the
    # published flag and reads the latest change off the end of the updated_at index (11 ms at
    # 100,000 projects); together they cost a scan of the whole table (75 ms), paid by every
    # filtered export.
    count = published.count()
    last = published.aggregate(last=Max("updated_at"))["last"]
    parts = [FORMAT_VERSION, str(count), str(last), quoted_digest()]
    text = "|".join([*parts, language, base_url])
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def export_path(kind: str, language: str, base_url: str) -> Path:
    """Where the full export of the current portfolio is (or would be) kept."""
    name = f"busan-projects-{language}-{fingerprint(language, base_url)}.{kind}"
    return Path(settings.PORTAL_EXPORT_DIR) / name


def index_path(path: Path) -> Path:
    """Where the row index of the export file ``path`` is kept."""
    return path.with_name(path.name + INDEX_SUFFIX)


def write_with_index(path: Path, parts: Iterable[Part]):
    """Write the export ``parts`` to ``path`` and their row index beside it (``index_path``)."""
    ids, offsets, lengths = array("q"), array("q"), array("q")
    size = 0

    def data() -> Iterator[bytes]:
        nonlocal size
        for project_id, piece in parts:
            if project_id is not None:
                ids.append(project_id)
                offsets.append(size)
                lengths.append(len(piece))
            size += len(piece)
            yield piece

    def index() -> Iterator[bytes]:  # iterated once the data is written
        yield index_bytes(size, ids, offsets, lengths)

    publish([(path, data()), (index_path(path), index())])


def index_bytes(size: int, ids: array, offsets: array, lengths: array) -> bytes:
    """The index file's bytes (``INDEX_MARK``): the columns sorted by project id."""
    order = sorted(range(len(ids)), key=ids.__getitem__)
    header = array("q", [INDEX_MARK, size, len(ids)])
    columns = (array("q", (column[i] for i in order)) for column in (ids, offsets, lengths))
    return header.tobytes() + b"".join(column.tobytes() for column in columns)


def publish(files: list[tuple[Path, Iterable[bytes]]]):
    """Write each (path, chunks) to a temporary file beside it, in order, then rename them into
    place in the reverse order, then remove the same exports' older files. Reversed so that the
    first (the data file) appears last: once it is there, its index is too."""
    temporaries = []
    try:
        for path, chunks in files:
            temporaries.append((write_temporary(path, chunks), path))
        for temporary, path in reversed(temporaries):
            os.replace(temporary, path)
    except BaseException:
        for temporary, _path in temporaries:
            temporary.unlink(missing_ok=True)
        raise
    for _temporary, path in temporaries:
        remove_older(path)
    remove_abandoned(files[0][0].parent)


#: A temporary file this old was left by a build that was killed (it takes seconds, not hours).
ABANDONED_SECONDS = 3600


def remove_abandoned(folder: Path):
    """Remove the temporary files of builds that never finished (killed half way)."""
    cutoff = time.time() - ABANDONED_SECONDS
    for temporary in folder.glob(".building-*"):
        try:
            if temporary.stat().st_mtime < cutoff:
                temporary.unlink()
        except FileNotFoundError:
            pass


def write_temporary(path: Path, chunks: Iterable[bytes]) -> Path:
    """``chunks`` written and synced to a new temporary file beside ``path``."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, name = tempfile.mkstemp(dir=path.parent, prefix=".building-", suffix=path.suffix)
    temporary = Path(name)
    try:
        with os.fdopen(handle, "wb") as out:
            for chunk in chunks:
                out.write(chunk)
            out.flush()
            os.fsync(out.fileno())
        os.chmod(temporary, 0o644)  # mkstemp makes it private; the files are public
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
    return temporary


def remove_older(path: Path):
    """Remove the files of the same export and kind as ``path`` but another fingerprint."""
    # "busan-projects-en-<fingerprint>.csv.index" -> "busan-projects-en-", ".csv.index": the
    # whole of the name's ending, or writing a CSV's index would remove the JSON's.
    stem, dot, ending = path.name.partition(".")
    prefix = stem.rsplit("-", 1)[0] + "-"
    for older in path.parent.glob(f"{prefix}*{dot}{ending}"):
        if older != path and older.name.partition(".")[2] == ending:
            older.unlink(missing_ok=True)


def is_built(path: Path) -> bool:
    """Whether the export file ``path`` and its index are both there."""
    return path.exists() and index_path(path).exists()


def lock_path(path: Path) -> Path:
    """The lock a build of the kind of export ``path`` holds while it writes (one per kind)."""
    return path.parent / f".{path.suffix[1:]}.lock"


def ensure_built(path: Path, build, locate=None) -> Path:
    """``path``, built with its index from ``build()`` (an iterable of ``Part``) unless both
    exist; one process builds it while the others wait for it.

    ``locate()``, when given, names the current file again after waiting for the lock: a
    process that waited while another built a newer file must not write the portfolio under
    its older name (and then remove the newer file as an older one, ``remove_older``)."""
    if is_built(path):
        return path
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(lock_path(path), "w") as lock:
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:  # another process is building: wait for it, then look again
            fcntl.flock(lock, fcntl.LOCK_EX)
            if locate is not None:
                path = locate()
        if not is_built(path):  # another process may have built it while this one waited
            write_with_index(path, build())
    return path


def is_being_built(path: Path) -> bool:
    """Whether a build of the kind of export ``path`` holds its lock now."""
    try:
        with open(lock_path(path), "w") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return True
    except OSError:  # no folder yet: nothing is being built
        return False
    return False


#: A background build of one kind and language is started at most once in this many seconds
#: (through the cache: across workers with Redis, per worker with the local-memory cache), and
#: never while a build of that kind holds its lock.
BACKGROUND_BUILD_SECONDS = 60


def build_in_background(kind: str, language: str, base_url: str, path: Path) -> bool:
    """Start ``manage.py build_exports`` for the file ``path`` (``kind``, ``language``,
    ``base_url``) in a process of its own, niced, unless the file is there or such a build was
    started lately; whether one was started.

    For a filtered export that found the file stale after a change: that export is written
    from the database (several times slower), and the ones after the build are copied from the
    file. A process, not a thread, so that the build neither competes with the worker's
    requests for the interpreter nor dies with the worker when it is recycled; the file
    appears only once it is complete (``publish``).

    The guard is per kind and language, not per file: a file's name depends on the site
    address a request gives (its Host header), and one key per name would let requests under
    ever new addresses start ever more builds."""
    if not settings.PORTAL_EXPORT_BUILD_IN_BACKGROUND or is_built(path) or is_being_built(path):
        return False
    try:
        if not cache.add(f"export-build:{kind}:{language}", 1, timeout=BACKGROUND_BUILD_SECONDS):
            return False
    except Exception:  # without the cache there is no telling how many builds were started
        logger.warning("Cache unreachable; no background export build", exc_info=True)
        return False
    command = [sys.executable, str(Path(settings.BASE_DIR) / "manage.py"), "build_exports"]
    command += ["--base-url", base_url, "--languages", language, "--kinds", kind, "--nice"]
    try:
        # No shell; the address is the request's, which ALLOWED_HOSTS has vetted.
        process = subprocess.Popen(  # noqa: S603
            command,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            # Its errors go where the worker's go (the server's error log).
            start_new_session=True,  # a signal to the worker's group does not reach it
        )
    except OSError:
        logger.warning("Could not start the background export build", exc_info=True)
        return False
    # Reaped when it ends, so that no finished build lingers as a zombie of the worker.
    threading.Thread(target=_reap, args=(process, path.name), daemon=True).start()
    logger.info("Building %s in the background (process %s)", path.name, process.pid)
    return True


def _reap(process: subprocess.Popen, name: str):
    code = process.wait()
    if code:
        logger.error("The background build of %s failed (exit status %s)", name, code)


def chunked(parts: Iterable[Part], size: int) -> Iterator[bytes]:
    """The bytes of ``parts``, joined into chunks of ``size`` rows or records each (the bytes
    around and between them go with the next), for a stream: one write per chunk, not per row."""
    pending, records = [], 0
    for project_id, piece in parts:
        pending.append(piece)
        if project_id is not None:
            records += 1
            if records >= size:
                yield b"".join(pending)
                pending, records = [], 0
    if pending:
        yield b"".join(pending)


class RowIndex:
    """Where each project's row or record is in an export file: its index, read whole (24 bytes
    a project: 2.4 MB at 100,000) and searched by project id."""

    def __init__(self, size: int, ids: array, offsets: array, lengths: array):
        self.size = size
        self.ids, self.offsets, self.lengths = ids, offsets, lengths

    @classmethod
    def read(cls, path: Path) -> "RowIndex | None":
        """The index at ``path``; None if it is missing or not an index of this format."""
        try:
            data = path.read_bytes()
        except FileNotFoundError:
            return None
        values = array("q")
        if values.itemsize != 8 or len(data) % 8:
            return None
        values.frombytes(data)
        if len(values) < INDEX_HEADER or values[0] != INDEX_MARK:
            return None
        size, count = values[1], values[2]
        if len(values) != INDEX_HEADER + 3 * count:
            return None
        columns = [
            values[INDEX_HEADER + n * count : INDEX_HEADER + (n + 1) * count] for n in range(3)
        ]
        return cls(size, *columns)

    def spans(self, wanted: Iterable[int]) -> tuple[array, array] | None:
        """(starts, ends) of the rows of the projects ``wanted``, in that order; None if one of
        them is not in the file."""
        ids, offsets, lengths = self.ids, self.offsets, self.lengths
        count, find = len(ids), bisect.bisect_left
        starts, ends = array("q"), array("q")
        for project_id in wanted:
            position = find(ids, project_id)
            if position == count or ids[position] != project_id:
                return None
            start = offsets[position]
            starts.append(start)
            ends.append(start + lengths[position])
        return starts, ends


def copied_from_file(
    path: Path, ids: list[int], head: bytes, separator: bytes = b"", tail: bytes = b""
) -> "CopiedExport | None":
    """The export of the projects ``ids`` (in this order) copied from the full export file at
    ``path``: ``head``, each project's bytes with ``separator`` between them, ``tail``. None,
    and nothing sent, when the file or its index is missing or does not hold every one of
    ``ids``: the caller then writes the export itself, so a file that does not match is never
    half used."""
    index = RowIndex.read(index_path(path))
    if index is None:
        return None
    spans = index.spans(ids)
    if spans is None:
        return None
    try:
        # Opened now: the copy reads this file even if a newer build removes its name.
        handle = path.open("rb")
    except FileNotFoundError:
        return None
    if os.fstat(handle.fileno()).st_size != index.size:
        handle.close()
        return None  # not the file this index was written with
    return CopiedExport(handle, spans, head, separator, tail)


class CopiedExport:
    """``copied_from_file``'s stream, ``ROWS_PER_CHUNK`` rows per chunk. Rows that follow each
    other in the file are read as one slice, with the file's own separator between them.

    Read with ``os.pread`` rather than a memory map: a file cut short under a map kills the
    process (SIGBUS), while a short read is an exception that ends the stream without its
    last chunk, as any failure of a stream does. ``close()`` (which the response calls once
    it is done, whether or not the stream was read) closes the file."""

    def __init__(self, handle, spans: tuple[array, array], head: bytes, separator: bytes, tail):
        self.handle = handle
        self.starts, self.ends = spans
        self.head, self.separator, self.tail = head, separator, tail

    def __iter__(self) -> Iterator[bytes]:
        try:
            yield from self.chunks()
        finally:
            self.close()

    def close(self):
        self.handle.close()

    def chunks(self) -> Iterator[bytes]:
        starts, ends, separator = self.starts, self.ends, self.separator
        descriptor, gap = self.handle.fileno(), len(separator)

        def read(start: int, end: int) -> bytes:
            piece = os.pread(descriptor, end - start, start)
            if len(piece) != end - start:
                raise OSError(f"{self.handle.name} is shorter than its index says")
            return piece

        yield self.head
        between = b""
        for first in range(0, len(starts), ROWS_PER_CHUNK):
            last = min(first + ROWS_PER_CHUNK, len(starts))
            pieces = []
            start, end = starts[first], ends[first]
            for row in range(first + 1, last):
                if starts[row] == end + gap:  # the next row in the file: one read
                    end = ends[row]
                else:
                    pieces.append(read(start, end))
                    start, end = starts[row], ends[row]
            pieces.append(read(start, end))
            yield between + separator.join(pieces)
            between = separator
        yield self.tail
