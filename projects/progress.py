"""A project's current status and progress: those of its latest published progress report.

They are copied onto the project (``current_status``, ``status_as_of``, ``progress_percent``) so
that the status filter, the facet counts and every list read plain indexed columns. This module
is the one place that writes them: ``refresh_current_progress`` runs after every save and
delete of a report (``projects.signals``), and can be run for every project at once.
"""

import datetime

from django.db.models import OuterRef, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from busanportal.i18n import active_content_language
from projects.models import STATUS_PHRASES, ProgressUpdate, Project, ProjectStatus


def refresh_current_progress(project_ids=None, *, touch: bool = True) -> int:
    """Copy the latest published report's status, date and percentage onto the projects with
    ``project_ids`` (every project when None), in one UPDATE; a project with no published report
    goes back to "not stated". ``touch`` also stamps them as updated now. Returns the number of
    projects updated."""
    latest = ProgressUpdate.objects.published().filter(project=OuterRef("pk")).latest_first()
    projects = Project.objects.all()
    if project_ids is not None:
        ids = {pk for pk in project_ids if pk is not None}
        if not ids:
            return 0
        projects = projects.filter(pk__in=ids)
    changes = {
        "current_status": Coalesce(
            Subquery(latest.values("status")[:1]), Value(ProjectStatus.NOT_STATED)
        ),
        "status_as_of": Subquery(latest.values("as_of")[:1]),
        "progress_percent": Subquery(latest.values("progress_percent")[:1]),
    }
    if touch:
        changes["updated_at"] = timezone.now()
    # update() on purpose: no save signals and no project history version, since the report
    # itself carries the history of this change.
    return projects.update(**changes)


def report_date(value: datetime.date) -> str:
    """A report's date as readers write it: "30 Nov 2026", "2026년 11월 30일"."""
    if active_content_language() == "ko":
        return f"{value.year}년 {value.month}월 {value.day}일"
    return date_format(value, "j M Y")


def progress_parts(item) -> tuple[str, str, datetime.date | None]:
    """(status phrase, percentage or "", date) of a project's current progress or of a report."""
    if isinstance(item, ProgressUpdate):
        status, percent, as_of = item.status, item.progress_percent, item.as_of
    else:
        status, percent, as_of = item.current_status, item.progress_percent, item.status_as_of
    return str(STATUS_PHRASES[ProjectStatus(status)]), _percent(percent), as_of


def _percent(percent) -> str:
    return "" if percent is None else f"{percent}%"


def progress_sentence(item) -> str:
    """E.g. "In implementation · 40% · as of 30 Nov 2026" (plain text, for the admin and
    exports); a project with no report: "No progress reported since the plan"."""
    phrase, percent, as_of = progress_parts(item)
    if as_of is None:
        return _("No progress reported since the plan")
    dated = _("as of %(date)s") % {"date": report_date(as_of)}
    return " · ".join(part for part in (phrase, percent, dated) if part)
